import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Accounts } from "../accounts/accounts.js";
import { turnCredentials } from "../calls/turn-credentials.js";
import type { WebrtcTokens } from "../calls/webrtc-tokens.js";
import { gatewayTarget } from "../calls/webrtc-tokens.js";
import { GatewayAdminError } from "../gateway-admin/admin-client.js";
import { testGatewayConnection } from "../gateway-admin/connection-test.js";
import type { ConfigStore } from "../settings/config-store.js";
import { type ServerConfig, unmaskSecrets } from "../settings/server-config.js";
import { validateConfig } from "../settings/validate-config.js";
import { configSchema } from "./config-routes.js";
import { ApiError } from "./errors.js";
import { authHooks, requireSession } from "./session-auth.js";

export interface WebrtcRouteOptions {
  /** How long issued TURN credentials stay valid, in seconds. */
  turnCredentialsLifetimeSeconds: number;
}

/**
 * `GET /api/v4/webrtc/token` (and POST, as v3-era clients sent it): what a logged-in client needs
 * to open a call on the gateway. `POST /api/v4/webrtc/test`: the admin console's "Test connection".
 */
export function webrtcRoutes(
  app: FastifyInstance,
  accounts: Accounts,
  config: ConfigStore,
  tokens: WebrtcTokens,
  options: WebrtcRouteOptions,
): void {
  const issue = async (request: FastifyRequest) => {
    const { user, session } = await requireSession(accounts, request);
    const w = config.get().WebrtcSettings;
    if (!w.Enable)
      throw new ApiError(501, "api.webrtc.disabled.app_error", "WebRTC is not enabled in this server.");
    let token: string;
    try {
      token = await tokens.issue(session.id);
    } catch (err) {
      if (!(err instanceof GatewayAdminError)) throw err;
      request.log.warn({ err: err.message }, "gateway refused or failed add_token");
      throw new ApiError(
        503,
        "api.webrtc.register_token.app_error",
        `The video call gateway is not available: ${err.message}.`,
      );
    }
    const reply: Record<string, string> = { token, gateway_url: w.GatewayWebsocketUrl };
    if (w.StunURI) reply.stun_uri = w.StunURI;
    if (w.TurnURI) {
      const turn = turnCredentials(w.TurnSharedKey, w.TurnUsername, options.turnCredentialsLifetimeSeconds);
      Object.assign(reply, {
        turn_uri: w.TurnURI,
        turn_username: turn.username,
        turn_password: turn.password,
      });
    }
    request.log.debug({ user: user.id }, "WebRTC token issued");
    return reply;
  };
  app.get("/api/v4/webrtc/token", issue);
  app.post("/api/v4/webrtc/token", issue);

  // The settings to test come in the body (the console tests what is in its form, saved or not);
  // masked secrets mean the saved ones. Without a body the saved settings are tested.
  app.post<{ Body: ServerConfig | undefined }>(
    "/api/v4/webrtc/test",
    {
      schema: { body: { anyOf: [configSchema, { type: "null" }] } },
      preValidation: authHooks(accounts).admin,
    },
    async (request) => {
      const saved = config.get();
      const body = unmaskSecrets(request.body ?? saved, saved);
      const checked = validateConfig({ ...body, WebrtcSettings: { ...body.WebrtcSettings, Enable: true } });
      return testGatewayConnection(gatewayTarget(checked));
    },
  );
}
