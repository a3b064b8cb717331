import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";

/** How to reach the gateway's admin API (from the admin console's WebRTC settings). */
export interface GatewayAdminTarget {
  /** `http(s)://host:port/admin`. */
  url: string;
  secret: string;
  /** SHA-256 fingerprint of the gateway's certificate (colon-separated hex): trusted even when self-signed. */
  pinnedFingerprint: string;
  /** Skip certificate checks altogether (ServiceSettings.EnableInsecureOutgoingConnections). */
  insecure: boolean;
  timeoutMs?: number;
}

/** Why a request to the gateway failed, in words an admin can act on. */
export type GatewayProblem =
  | "unreachable"
  | "certificate_untrusted"
  | "fingerprint_mismatch"
  | "bad_response"
  | "janus_error";

export class GatewayAdminError extends Error {
  constructor(
    readonly problem: GatewayProblem,
    message: string,
    /** The fingerprint the gateway presented, when the certificate was the problem. */
    readonly fingerprint?: string,
    /** The Janus error code, for `janus_error`. */
    readonly janusCode?: number,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A small client for the gateway's admin API (Janus's `/admin` over HTTP or HTTPS). Over HTTPS the
 * certificate must verify, or match the pinned fingerprint, or the insecure switch must be on;
 * this is checked after the handshake and before the request (which carries the admin secret) is sent.
 */
export class GatewayAdminClient {
  constructor(private readonly target: GatewayAdminTarget) {}

  /** Sends one admin request; resolves with the reply when `janus` is "success" (or "server_info"). */
  async request(body: Record<string, unknown>, withSecret = true): Promise<Record<string, unknown>> {
    const message = {
      ...body,
      transaction: randomBytes(8).toString("hex"),
      ...(withSecret && { admin_secret: this.target.secret }),
    };
    const reply = await this.post(JSON.stringify(message));
    if (reply.janus === "success" || reply.janus === "server_info") return reply;
    const error = reply.error as { code?: number; reason?: string } | undefined;
    throw new GatewayAdminError(
      "janus_error",
      `the gateway answered error ${error?.code ?? "?"}: ${error?.reason ?? JSON.stringify(reply)}`,
      undefined,
      error?.code,
    );
  }

  info(): Promise<Record<string, unknown>> {
    return this.request({ janus: "info" }, false);
  }

  async addToken(token: string, plugins: string[]): Promise<void> {
    await this.request({ janus: "add_token", token, plugins });
  }

  async removeToken(token: string): Promise<void> {
    await this.request({ janus: "remove_token", token });
  }

  async listTokens(): Promise<string[]> {
    const reply = await this.request({ janus: "list_tokens" });
    const tokens = ((reply.data as { tokens?: { token: string }[] } | undefined)?.tokens ?? []).map(
      (t) => t.token,
    );
    return tokens;
  }

  private post(payload: string): Promise<Record<string, unknown>> {
    const url = new URL(this.target.url);
    const secure = url.protocol === "https:";
    const timeout = this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const options: https.RequestOptions = {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        // A fresh connection per request, so that every request's certificate is checked before it is sent.
        agent: false,
        timeout,
        // Verification is ours (below): the pinned fingerprint must be accepted even when the chain is not.
        ...(secure && { rejectUnauthorized: false }),
      };
      const req = (secure ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > 1024 * 1024) req.destroy(new GatewayAdminError("bad_response", "reply too large"));
          else chunks.push(chunk);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            const parsed = JSON.parse(text) as unknown;
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error();
            resolve(parsed as Record<string, unknown>);
          } catch {
            reject(
              new GatewayAdminError(
                "bad_response",
                `the admin URL answered HTTP ${res.statusCode} without a Janus reply (is it the gateway's /admin path?)`,
              ),
            );
          }
        });
      });
      req.on("timeout", () =>
        req.destroy(new GatewayAdminError("unreachable", `no answer within ${timeout / 1000} s`)),
      );
      req.on("error", (err) =>
        reject(
          err instanceof GatewayAdminError
            ? err
            : new GatewayAdminError("unreachable", `cannot reach ${url.host}: ${describeNetError(err)}`),
        ),
      );
      if (!secure) {
        req.end(payload);
        return;
      }
      req.once("socket", (socket) => {
        (socket as TLSSocket).once("secureConnect", () => {
          const problem = this.checkCertificate(socket as TLSSocket, url.hostname);
          if (problem) req.destroy(problem);
          else req.end(payload);
        });
      });
    });
  }

  private checkCertificate(socket: TLSSocket, host: string): GatewayAdminError | undefined {
    const fingerprint = socket.getPeerCertificate().fingerprint256 ?? "";
    const pinned = this.target.pinnedFingerprint;
    if (pinned) {
      if (sameFingerprint(pinned, fingerprint)) return undefined;
      return new GatewayAdminError(
        "fingerprint_mismatch",
        `the gateway's certificate (SHA-256 ${fingerprint}) is not the pinned one (${pinned})`,
        fingerprint,
      );
    }
    if (socket.authorized || this.target.insecure) return undefined;
    return new GatewayAdminError(
      "certificate_untrusted",
      `the certificate of ${host} is not trusted (${socket.authorizationError}); pin its SHA-256 fingerprint ${fingerprint} in the WebRTC settings`,
      fingerprint,
    );
  }
}

function sameFingerprint(a: string, b: string): boolean {
  const norm = (f: string) => Buffer.from(f.replace(/:/g, "").toLowerCase(), "utf8");
  const x = norm(a);
  const y = norm(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function describeNetError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ECONNREFUSED") return "connection refused (is the gateway running, and the port right?)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not found";
  if (code === "ECONNRESET") return "connection reset (plain HTTP to an HTTPS port, or the reverse?)";
  return err.message;
}
