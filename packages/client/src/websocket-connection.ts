import { JANUS_PROTOCOL, type JsonObject } from "@callgate/protocol";
import { newTransaction } from "./transaction.js";

/** The subset of the WebSocket API used here (browsers' WebSocket and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: "open" | "close" | "error" | "message",
    listener: (event: { data?: unknown }) => void,
  ): void;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export class JanusRequestError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`Janus error ${code}: ${reason}`);
    this.name = "JanusRequestError";
  }
}

export interface RequestOptions {
  /** Resolve on the first `ack` instead of waiting for `success`/`error`/`event`. */
  acceptAck?: boolean;
  timeoutMs?: number;
}

/**
 * One WebSocket to a Janus API endpoint: requests matched to replies by transaction,
 * everything else (events without a pending request) handed to `onEvent`.
 */
export class JanusWebSocketConnection {
  private readonly pending = new Map<
    string,
    {
      resolve: (m: JsonObject) => void;
      reject: (e: Error) => void;
      acceptAck: boolean;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  onEvent: (message: JsonObject) => void = () => {};
  onClose: () => void = () => {};
  private readonly listeners = new Set<(message: JsonObject) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly socket: WebSocketLike,
    private readonly credentials: { token?: string; apisecret?: string },
  ) {
    socket.addEventListener("message", (event) => this.received(String(event.data)));
    socket.addEventListener("close", () => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error("WebSocket closed"));
      }
      this.pending.clear();
      this.closed = true;
      this.onClose();
      for (const listener of [...this.closeListeners]) listener();
    });
  }

  static open(
    url: string,
    factory: WebSocketFactory,
    credentials: { token?: string; apisecret?: string } = {},
    protocol = JANUS_PROTOCOL,
  ): Promise<JanusWebSocketConnection> {
    return new Promise((resolve, reject) => {
      const socket = factory(url, [protocol]);
      socket.addEventListener("open", () => resolve(new JanusWebSocketConnection(socket, credentials)));
      socket.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)));
    });
  }

  /** Sends a request (transaction and credentials added) and resolves with its reply. */
  request(body: JsonObject, options: RequestOptions = {}): Promise<JsonObject> {
    if (this.closed) return Promise.reject(new Error("WebSocket closed"));
    const transaction = typeof body.transaction === "string" ? body.transaction : newTransaction();
    const message: JsonObject = { ...body, transaction };
    if (this.credentials.token !== undefined && message.token === undefined)
      message.token = this.credentials.token;
    if (this.credentials.apisecret !== undefined && message.apisecret === undefined)
      message.apisecret = this.credentials.apisecret;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new Error(`no reply to '${String(body.janus)}' within ${options.timeoutMs ?? 10000} ms`));
      }, options.timeoutMs ?? 10000);
      this.pending.set(transaction, { resolve, reject, acceptAck: options.acceptAck ?? false, timer });
      this.socket.send(JSON.stringify(message));
    });
  }

  /** Also hands every event (a message no request waits for) to `listener`; returns the unsubscribe. */
  subscribe(listener: (message: JsonObject) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` when the socket closes (at once if it already has). */
  onClosed(listener: () => void): () => void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends raw text, bypassing transaction matching (for tests of malformed input). */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  close(): void {
    this.socket.close();
  }

  private received(text: string): void {
    let message: JsonObject;
    try {
      message = JSON.parse(text) as JsonObject;
    } catch {
      return;
    }
    const transaction = typeof message.transaction === "string" ? message.transaction : undefined;
    const pending = transaction ? this.pending.get(transaction) : undefined;
    if (pending && (message.janus !== "ack" || pending.acceptAck)) {
      clearTimeout(pending.timer);
      this.pending.delete(transaction!);
      pending.resolve(message);
      return;
    }
    if (message.janus === "ack") return;
    this.onEvent(message);
    for (const listener of [...this.listeners]) listener(message);
  }
}
