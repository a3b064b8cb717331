import { GatewayAdminClient, GatewayAdminError, type GatewayAdminTarget } from "./admin-client.js";

export const VIDEOCALL_PLUGIN = "janus.plugin.videocall";

/** Janus's error code for a wrong or missing admin_secret. */
const JANUS_UNAUTHORIZED = 403;

export interface ConnectionReport {
  ok: boolean;
  /** A stable key per outcome, for clients and tests. */
  result:
    | "ok"
    | "unreachable"
    | "certificate_untrusted"
    | "fingerprint_mismatch"
    | "not_a_gateway"
    | "wrong_secret"
    | "token_auth_off"
    | "api_secret_on"
    | "videocall_missing";
  message: string;
  /** The gateway's certificate fingerprint, when it was the problem (to pin it). */
  fingerprint?: string;
  /** The gateway's name and version, when it answered. */
  gateway?: string;
}

/**
 * The admin console's "Test connection": asks the gateway's admin API what calls will need, in
 * order, and stops at the first problem with a message saying what to change.
 */
export async function testGatewayConnection(target: GatewayAdminTarget): Promise<ConnectionReport> {
  const client = new GatewayAdminClient(target);
  let info: Record<string, unknown>;
  try {
    info = await client.info();
  } catch (err) {
    return fromError(err);
  }
  const gateway = `${info.name ?? "gateway"} ${info.version_string ?? ""}`.trim();
  const plugins = Object.keys((info.plugins as object | undefined) ?? {});
  if (!plugins.includes(VIDEOCALL_PLUGIN))
    return {
      ok: false,
      result: "videocall_missing",
      gateway,
      message: `The gateway does not have the VideoCall plugin (${VIDEOCALL_PLUGIN}); it has: ${plugins.join(", ") || "none"}.`,
    };
  if (info.api_secret === true)
    return {
      ok: false,
      result: "api_secret_on",
      gateway,
      message:
        "The gateway requires an api_secret on every request, which browsers cannot be given safely; turn api_secret off and rely on token_auth.",
    };
  try {
    await client.listTokens();
  } catch (err) {
    if (err instanceof GatewayAdminError && err.janusCode === JANUS_UNAUTHORIZED)
      return {
        ok: false,
        result: "wrong_secret",
        gateway,
        message: "The gateway refused the admin secret: it is not the gateway's admin_secret.",
      };
    if (err instanceof GatewayAdminError && err.problem === "janus_error")
      return {
        ok: false,
        result: "token_auth_off",
        gateway,
        message: `The gateway does not keep stored tokens (${err.message}): set token_auth = true in its janus.jcfg, without token_auth_secret.`,
      };
    return { ...fromError(err), gateway };
  }
  return { ok: true, result: "ok", gateway, message: `Connected to ${gateway}: ready for calls.` };
}

function fromError(err: unknown): ConnectionReport {
  if (!(err instanceof GatewayAdminError)) throw err;
  const result =
    err.problem === "bad_response" || err.problem === "janus_error" ? "not_a_gateway" : err.problem;
  return {
    ok: false,
    result,
    message: `${err.message[0]?.toUpperCase()}${err.message.slice(1)}.`,
    ...(err.fingerprint !== undefined && { fingerprint: err.fingerprint }),
  };
}
