import type { JsonObject } from "@callgate/protocol";
import { WebSocket } from "ws";

/** A bare WebSocket that records every frame, for comparing exactly what two gateways send. */
export class RawWebSocket {
  readonly frames: JsonObject[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      this.frames.push(JSON.parse(String(data)) as JsonObject);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, protocol: string): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocol);
      socket.once("open", () => resolve(new RawWebSocket(socket)));
      socket.once("error", reject);
    });
  }

  send(value: unknown): void {
    this.socket.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  /** Sends and waits until `count` frames with this transaction arrived; returns them sorted by type. */
  async exchange(body: JsonObject, count = 1, timeoutMs = 3000): Promise<JsonObject[]> {
    this.send(body);
    return this.collect((f) => f.transaction === body.transaction, count, timeoutMs);
  }

  async collect(match: (f: JsonObject) => boolean, count: number, timeoutMs = 3000): Promise<JsonObject[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.frames.filter(match);
      if (got.length >= count) {
        for (const f of got) this.frames.splice(this.frames.indexOf(f), 1);
        // ack and event may come in either order (Janus sends them from different threads)
        return got.sort((a, b) => String(a.janus).localeCompare(String(b.janus)));
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} frame(s), got ${got.length}: ${JSON.stringify(got)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
