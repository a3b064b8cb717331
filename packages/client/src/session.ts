import type { JsonObject } from "@callgate/protocol";
import { JanusRequestError, type JanusWebSocketConnection } from "./websocket-connection.js";

/** A Janus session over a WebSocket connection, with its plugin handles. */
export class JanusSession {
  private keepaliveTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    readonly connection: JanusWebSocketConnection,
    readonly id: number,
  ) {}

  static async create(connection: JanusWebSocketConnection, keepaliveMs = 25000): Promise<JanusSession> {
    const reply = await connection.request({ janus: "create" });
    const data = expectSuccess(reply).data as { id: number };
    const session = new JanusSession(connection, data.id);
    if (keepaliveMs > 0) {
      session.keepaliveTimer = setInterval(() => {
        connection
          .request({ janus: "keepalive", session_id: session.id }, { acceptAck: true })
          .catch(() => {});
      }, keepaliveMs);
      session.keepaliveTimer.unref?.();
    }
    return session;
  }

  async attach(plugin: string, opaqueId?: string): Promise<JanusHandle> {
    const body: JsonObject = { janus: "attach", session_id: this.id, plugin };
    if (opaqueId) body.opaque_id = opaqueId;
    const data = expectSuccess(await this.connection.request(body)).data as { id: number };
    return new JanusHandle(this, data.id, plugin);
  }

  async destroy(): Promise<void> {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    expectSuccess(await this.connection.request({ janus: "destroy", session_id: this.id }));
  }
}

/** One plugin handle: plugin messages resolve with the plugin's event for that transaction. */
export class JanusHandle {
  constructor(
    readonly session: JanusSession,
    readonly id: number,
    readonly plugin: string,
  ) {}

  /** Sends a plugin message and resolves with the plugin's data (from `success` or the async `event`). */
  async message(body: JsonObject, jsep?: JsonObject): Promise<{ data: JsonObject; jsep?: JsonObject }> {
    const request: JsonObject = { janus: "message", session_id: this.session.id, handle_id: this.id, body };
    if (jsep) request.jsep = jsep;
    const reply = await this.session.connection.request(request);
    if (reply.janus === "error") {
      const error = reply.error as { code: number; reason: string };
      throw new JanusRequestError(error.code, error.reason);
    }
    const plugindata = reply.plugindata as { data: JsonObject } | undefined;
    const result: { data: JsonObject; jsep?: JsonObject } = { data: plugindata?.data ?? {} };
    if (reply.jsep) result.jsep = reply.jsep as JsonObject;
    return result;
  }

  async detach(): Promise<void> {
    expectSuccess(
      await this.session.connection.request({
        janus: "detach",
        session_id: this.session.id,
        handle_id: this.id,
      }),
    );
  }
}

export function expectSuccess(reply: JsonObject): JsonObject {
  if (reply.janus === "success") return reply;
  if (reply.janus === "error") {
    const error = reply.error as { code: number; reason: string };
    throw new JanusRequestError(error.code, error.reason);
  }
  throw new Error(`unexpected reply '${String(reply.janus)}'`);
}
