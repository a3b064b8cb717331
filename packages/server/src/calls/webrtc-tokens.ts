import type { FastifyBaseLogger } from "fastify";
import { newToken } from "../accounts/ids.js";
import {
  GatewayAdminClient,
  GatewayAdminError,
  type GatewayAdminTarget,
} from "../gateway-admin/admin-client.js";
import { VIDEOCALL_PLUGIN } from "../gateway-admin/connection-test.js";
import type { ConfigStore } from "../settings/config-store.js";
import type { ServerConfig } from "../settings/server-config.js";
import type { Db } from "../store/database.js";

/** Janus's reply to remove_token for a token it does not have (490, "Error removing token"). */
const JANUS_UNKNOWN = 490;

/** The gateway admin API's settings from the admin console's config. */
export function gatewayTarget(config: ServerConfig): GatewayAdminTarget {
  const { WebrtcSettings: w, ServiceSettings: s } = config;
  return {
    url: w.GatewayAdminUrl,
    secret: w.GatewayAdminSecret,
    pinnedFingerprint: w.GatewayCertificateFingerprint,
    insecure: s.EnableInsecureOutgoingConnections,
  };
}

/**
 * The gateway tokens of chat sessions. A token is random (never derived from the session), made
 * once per session and registered with `add_token` for the VideoCall plugin only. It is
 * registered again on every request, which is idempotent and brings it back after a gateway
 * restart. When a session ends its row loses the session and the token is removed from the
 * gateway; removals that fail (gateway down) are retried by `removeEnded()` until confirmed.
 */
export class WebrtcTokens {
  constructor(
    private readonly db: Db,
    private readonly config: ConfigStore,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The session's token, registered with the gateway; throws GatewayAdminError when the gateway fails. */
  async issue(sessionId: string): Promise<string> {
    let row = await this.db
      .selectFrom("webrtc_tokens")
      .select("token")
      .where("session_id", "=", sessionId)
      .executeTakeFirst();
    if (!row) {
      row = { token: newToken() };
      await this.db
        .insertInto("webrtc_tokens")
        .values({ token: row.token, session_id: sessionId, create_at: Date.now() })
        .onConflict((oc) => oc.column("session_id").doNothing())
        .execute();
      // Two requests of one session at once: both use whichever row won.
      row = await this.db
        .selectFrom("webrtc_tokens")
        .select("token")
        .where("session_id", "=", sessionId)
        .executeTakeFirstOrThrow();
    }
    await new GatewayAdminClient(gatewayTarget(this.config.get())).addToken(row.token, [VIDEOCALL_PLUGIN]);
    return row.token;
  }

  /**
   * Removes from the gateway every token whose session has ended (logout, revoke, expiry,
   * deactivation: the database unlinks them when the session row goes). Returns how many are
   * still pending because the gateway could not be reached.
   */
  async removeEnded(): Promise<number> {
    const ended = await this.db
      .selectFrom("webrtc_tokens")
      .select("token")
      .where("session_id", "is", null)
      .execute();
    if (ended.length === 0) return 0;
    const w = this.config.get().WebrtcSettings;
    if (!w.GatewayAdminUrl || !w.GatewayAdminSecret) return ended.length;
    const client = new GatewayAdminClient(gatewayTarget(this.config.get()));
    let pending = 0;
    for (const { token } of ended) {
      try {
        await client.removeToken(token);
      } catch (err) {
        const gone = err instanceof GatewayAdminError && err.janusCode === JANUS_UNKNOWN;
        if (!gone) {
          pending++;
          this.log.warn({ err: (err as Error).message }, "could not remove a gateway token; will retry");
          continue;
        }
      }
      await this.db.deleteFrom("webrtc_tokens").where("token", "=", token).execute();
    }
    return pending;
  }
}
