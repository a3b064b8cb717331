import type { JsonObject } from "@callgate/protocol";
import type { Handle } from "./handle.js";
import type { TransportConnection } from "./transport-connection.js";

/** A Janus session: owns handles, and delivers events to the transport connection that owns it. */
export class Session {
  readonly handles = new Map<number, Handle>();
  readonly created = Date.now();
  lastActivity = Date.now();
  /** Per-session override of session_timeout set through the admin API (undefined = global). */
  timeoutOverride: number | undefined;
  /** The owning connection closed; the session waits for a claim (reclaim_session_timeout). */
  transportGone = false;
  destroyed = false;

  constructor(
    readonly id: number,
    public sink: TransportConnection,
  ) {}

  touch(now = Date.now()): void {
    this.lastActivity = now;
  }

  /** Events after destroy are dropped, as Janus drops them (janus_session_notify_event). */
  notify(event: JsonObject): void {
    if (this.destroyed || this.transportGone) return;
    this.sink.deliver(this.id, event);
  }
}
