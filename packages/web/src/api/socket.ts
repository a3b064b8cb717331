/** An event from the chat server's WebSocket. */
export interface ChatEvent {
  event: string;
  data: Record<string, unknown>;
}

interface Reply {
  status: "OK" | "FAIL";
  seq_reply?: number;
  data?: unknown;
  error?: { id: string; message: string };
}

/** A refused action: the server's error id and message. */
export class SocketActionError extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The chat WebSocket (`/api/v4/websocket`), authenticated by the session cookie at the upgrade.
 * Reconnects with a growing delay when the connection drops (the server, the network), and says
 * so through `onConnectionChange`; actions wait for their numbered reply.
 */
export class ChatSocket {
  private ws: WebSocket | undefined;
  private seq = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: Reply) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private readonly listeners = new Set<(e: ChatEvent) => void>();
  private retryMs = 500;
  private stopped = false;
  connected = false;
  onConnectionChange: (connected: boolean) => void = () => {};

  constructor(private readonly url: string) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    const ws = this.ws;
    this.ws = undefined;
    ws?.close();
    if (this.connected) {
      this.connected = false;
      this.onConnectionChange(false);
    }
  }

  on(listener: (e: ChatEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an action; resolves with the reply's data, rejects with the server's error. */
  async send(action: string, data?: unknown): Promise<unknown> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.connected)
      throw new SocketActionError("offline", "Not connected to the server.");
    const seq = this.seq++;
    const reply = await new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        resolve({ status: "FAIL", error: { id: "timeout", message: "The server did not answer." } });
      }, 10_000);
      this.pending.set(seq, { resolve, timer });
      ws.send(JSON.stringify({ seq, action, data }));
    });
    if (reply.status !== "OK")
      throw new SocketActionError(reply.error?.id ?? "unknown", reply.error?.message ?? "Refused.");
    return reply.data;
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as ChatEvent & Reply;
      if (typeof msg.seq_reply === "number") {
        const p = this.pending.get(msg.seq_reply);
        if (p) {
          clearTimeout(p.timer);
          this.pending.delete(msg.seq_reply);
          p.resolve(msg);
        }
        return;
      }
      if (typeof msg.event !== "string") return;
      if (msg.event === "hello") {
        this.connected = true;
        this.retryMs = 500;
        this.onConnectionChange(true);
      }
      for (const listener of [...this.listeners]) listener(msg);
    };
    ws.onclose = (e) => {
      if (ws !== this.ws) return; // A socket replaced by stop()/start(): not ours to reconnect.
      const was = this.connected;
      this.connected = false;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.resolve({ status: "FAIL", error: { id: "offline", message: "Connection to the server lost." } });
      }
      this.pending.clear();
      if (was) this.onConnectionChange(false);
      // 4001: the session ended (logout elsewhere, revoked): reconnecting would not help.
      if (this.stopped || e.code === 4001) {
        if (e.code === 4001) for (const l of [...this.listeners]) l({ event: "session_ended", data: {} });
        return;
      }
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }
}
