import { WebSocket } from "ws";

export interface SocketEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: Record<string, unknown>;
  seq: number;
}

export interface SocketReply {
  status: "OK" | "FAIL";
  seq_reply?: number;
  data?: unknown;
  error?: { id: string; message: string; status_code: number };
}

/** A client of the chat WebSocket for tests: numbered actions with their replies, and events to wait for. */
export class TestSocket {
  private seq = 1;
  readonly events: SocketEvent[] = [];
  private readonly replies = new Map<number, (r: SocketReply) => void>();
  private readonly unnumbered: SocketReply[] = [];
  private waiters: Array<{ match: (e: SocketEvent) => boolean; resolve: (e: SocketEvent) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (raw) => {
      const msg = JSON.parse(raw.toString()) as SocketEvent & SocketReply;
      if (typeof msg.event === "string") {
        this.events.push(msg);
        const waiter = this.waiters.find((w) => w.match(msg));
        if (waiter) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(msg);
        }
      } else if (typeof msg.seq_reply === "number") this.replies.get(msg.seq_reply)?.(msg);
      else this.unnumbered.push(msg);
    });
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens `/api/v4/websocket`; with `token` it is sent as a bearer header at the upgrade. */
  static async open(baseUrl: string, token?: string): Promise<TestSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/v4/websocket`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return socket;
  }

  /** Opens and authenticates by header, then waits for `hello`. */
  static async connect(baseUrl: string, token: string): Promise<TestSocket> {
    const socket = await TestSocket.open(baseUrl, token);
    await socket.next("hello");
    return socket;
  }

  send(action: string, data?: unknown): Promise<SocketReply> {
    const seq = this.seq++;
    const reply = new Promise<SocketReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${action} (seq ${seq})`)), 5000);
      this.replies.set(seq, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.ws.send(JSON.stringify({ seq, action, data }));
    return reply;
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Replies that carried no seq_reply (answers to messages that had no usable seq). */
  async nextUnnumbered(timeoutMs = 3000): Promise<SocketReply> {
    const start = Date.now();
    while (this.unnumbered.length === 0) {
      if (Date.now() - start > timeoutMs) throw new Error("no unnumbered reply");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.unnumbered.shift()!;
  }

  /** The next event named `event` (and matching `match`) not yet taken, waiting up to `timeoutMs`. */
  next(
    event: string,
    match: (e: SocketEvent) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SocketEvent> {
    const test = (e: SocketEvent) => e.event === event && match(e);
    const index = this.events.findIndex(test);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no '${event}' event within ${timeoutMs} ms; got: ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      const done = (e: SocketEvent) => {
        clearTimeout(timer);
        this.events.splice(this.events.indexOf(e), 1);
        resolve(e);
      };
      this.waiters.push({ match: test, resolve: done });
    });
  }

  /** The next `webrtc` event with this action. */
  webrtc(action: string, timeoutMs = 5000): Promise<SocketEvent> {
    return this.next("webrtc", (e) => e.data.action === action, timeoutMs);
  }

  /** True when no `webrtc` event arrives within `ms`. */
  async quietFor(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return !this.events.some((e) => e.event === "webrtc");
  }

  close(): void {
    this.ws.close();
  }
}
