import { JANUS_PROTOCOL } from "@callgate/protocol";
import { WebSocket } from "ws";

/**
 * A WebSocket to the Janus API for the signalling-rate loop, as cheap for the load generator as
 * `ws` allows: requests go out as ready-made strings, masked with a fixed key (RFC 6455 lets the
 * client choose it; the default draws random bytes for every frame) and the replies are not
 * checked for valid UTF-8 (JSON.parse would fail on them anyway). The loop is one request after
 * another, so what the client spends on each is added to both gateways' round trips alike and
 * hides the difference between them: with our typed client (a transaction map, a timer and an
 * object per request) the generator spent about 300 µs a cycle, as much as either gateway;
 * this one about 180. Every reply is still parsed and must be the success it should be.
 */
export class BareJanusSocket {
  private waiting: { transaction: string; resolve: (reply: Record<string, unknown>) => void } | undefined;
  private failure: ((error: Error) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => this.received(data));
    socket.on("close", () => this.failure?.(new Error("the gateway closed the WebSocket")));
  }

  static open(url: string): Promise<BareJanusSocket> {
    const socket = new WebSocket(url, JANUS_PROTOCOL, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      // Leaves the key as it is (zeros): see the class comment.
      generateMask: () => {},
    });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new BareJanusSocket(socket)));
      socket.once("error", reject);
    });
  }

  /**
   * Sends `request` (which must carry `transaction`) and resolves with the reply to it, which must
   * be a `success`; other frames (detach's `detached` event) are passed over.
   */
  request(request: string, transaction: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.waiting = { transaction, resolve };
      this.failure = reject;
      this.socket.send(request);
    });
  }

  close(): void {
    this.socket.close();
  }

  private received(data: Buffer): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const reply = JSON.parse(data.toString()) as Record<string, unknown>;
    if (reply.transaction !== waiting.transaction) return;
    this.waiting = undefined;
    if (reply.janus === "success") waiting.resolve(reply);
    else this.failure?.(new Error(`the gateway answered ${JSON.stringify(reply)}`));
  }
}

/** The `data.id` of a success reply (a session's or a handle's). */
export function replyId(reply: Record<string, unknown>): number {
  const id = (reply.data as { id?: unknown } | undefined)?.id;
  if (typeof id !== "number") throw new Error(`no id in ${JSON.stringify(reply)}`);
  return id;
}
