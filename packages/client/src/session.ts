import type { JsonObject } from "@callgate/protocol";
import { JanusRequestError, type JanusWebSocketConnection } from "./websocket-connection.js";

/** Events of a handle, as the gateway sends them (the `janus` field names the kind). */
export type HandleEventListener = (event: JsonObject) => void;

/**
 * How to get a new connection when the WebSocket drops: the session is then claimed on it
 * (Janus's `claim`), which works while the gateway keeps it (`reclaim_session_timeout`).
 */
export interface ReconnectOptions {
  open(): Promise<JanusWebSocketConnection>;
  /** Attempts before giving up (default 5), one second apart and growing. */
  attempts?: number;
}

/**
 * A Janus session over a WebSocket connection, with its plugin handles. Events for the session's
 * handles (those with `sender`) go to the handle; `timeout` ends it, and so does the socket
 * closing unless the session is reclaimed on a new one (`reconnect`).
 */
export class JanusSession {
  private keepaliveTimer: ReturnType<typeof setInterval> | undefined;
  private readonly handles = new Map<number, JanusHandle>();
  private readonly endListeners = new Set<(reason: string) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private ended = false;
  private unsubscribe: () => void = () => {};
  private unClose: () => void = () => {};
  private current: JanusWebSocketConnection;

  private constructor(
    connection: JanusWebSocketConnection,
    readonly id: number,
    private readonly reconnect: ReconnectOptions | undefined,
  ) {
    this.current = connection;
    this.listen(connection);
  }

  /** The connection requests go over (a new one after a reconnect). */
  get connection(): JanusWebSocketConnection {
    return this.current;
  }

  /** Calls `listener` after the session was reclaimed on a new connection. */
  onReconnected(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  private listen(connection: JanusWebSocketConnection): void {
    this.unsubscribe = connection.subscribe((message) => {
      if (message.session_id !== this.id) return;
      if (message.janus === "timeout") return this.end("session timed out");
      const sender = typeof message.sender === "number" ? message.sender : undefined;
      if (sender !== undefined) this.handles.get(sender)?.dispatch(message);
    });
    this.unClose = connection.onClosed(() => {
      if (this.reconnect && !this.ended) void this.reclaim(this.reconnect);
      else this.end("connection to the gateway closed");
    });
  }

  private async reclaim(options: ReconnectOptions): Promise<void> {
    this.unsubscribe();
    this.unClose();
    const attempts = options.attempts ?? 5;
    let lastError = "";
    for (let attempt = 1; attempt <= attempts && !this.ended; attempt++) {
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      let connection: JanusWebSocketConnection | undefined;
      try {
        connection = await options.open();
        expectSuccess(await connection.request({ janus: "claim", session_id: this.id }));
        this.current = connection;
        this.listen(connection);
        for (const listener of this.reconnectListeners) listener();
        return;
      } catch (err) {
        connection?.close();
        lastError = (err as Error).message;
        // The gateway no longer has the session: no point trying again.
        if (err instanceof JanusRequestError) break;
      }
    }
    this.end(`connection to the gateway lost (${lastError || "gave up"})`);
  }

  /** Calls `listener` once when the session ends other than by destroy(). */
  onEnded(listener: (reason: string) => void): void {
    this.endListeners.add(listener);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.unsubscribe();
    this.unClose();
    for (const listener of this.endListeners) listener(reason);
  }

  static async create(
    connection: JanusWebSocketConnection,
    keepaliveMs = 25000,
    reconnect?: ReconnectOptions,
  ): Promise<JanusSession> {
    const reply = await connection.request({ janus: "create" });
    const data = expectSuccess(reply).data as { id: number };
    const session = new JanusSession(connection, data.id, reconnect);
    if (keepaliveMs > 0) {
      session.keepaliveTimer = setInterval(() => {
        session.connection
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
    const handle = new JanusHandle(this, data.id, plugin);
    this.handles.set(handle.id, handle);
    return handle;
  }

  /** @internal A handle detached: no more events for it. */
  forget(handleId: number): void {
    this.handles.delete(handleId);
  }

  async destroy(): Promise<void> {
    this.endListeners.clear();
    this.end("destroyed");
    if (this.connection.isOpen)
      expectSuccess(await this.connection.request({ janus: "destroy", session_id: this.id }));
  }
}

/**
 * One plugin handle: plugin messages resolve with the plugin's event for that transaction; other
 * events (`event` without a pending request, `webrtcup`, `media`, `slowlink`, `hangup`, `detached`,
 * `trickle`) go to the listeners.
 */
export class JanusHandle {
  private readonly listeners = new Set<HandleEventListener>();

  constructor(
    readonly session: JanusSession,
    readonly id: number,
    readonly plugin: string,
  ) {}

  /** Listens to this handle's events; returns the unsubscribe. */
  on(listener: HandleEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal */
  dispatch(event: JsonObject): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Sends a local ICE candidate, or `null` when gathering completed. */
  async trickle(
    candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null,
  ): Promise<void> {
    const body: JsonObject = {
      janus: "trickle",
      session_id: this.session.id,
      handle_id: this.id,
      candidate: candidate
        ? {
            candidate: candidate.candidate,
            ...(candidate.sdpMid != null && { sdpMid: candidate.sdpMid }),
            ...(candidate.sdpMLineIndex != null && { sdpMLineIndex: candidate.sdpMLineIndex }),
          }
        : { completed: true },
    };
    await this.session.connection.request(body, { acceptAck: true });
  }

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
    this.session.forget(this.id);
    this.listeners.clear();
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
