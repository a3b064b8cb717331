import type { JsonObject } from "@callgate/protocol";
import type { Handle } from "./handle.js";
import type { TransportConnection } from "./transport-connection.js";

/** What an idle session's `handles` is: most sessions hold a handle or two, and a gateway may hold thousands of idle ones. */
const NO_HANDLES: ReadonlyMap<number, Handle> = new Map();

/** A Janus session: owns handles, and delivers events to the transport connection that owns it. */
export class Session {
  private handleMap: Map<number, Handle> | undefined;
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

  /** This session's handles by id. */
  get handles(): ReadonlyMap<number, Handle> {
    return this.handleMap ?? NO_HANDLES;
  }

  addHandle(handle: Handle): void {
    this.handleMap ??= new Map();
    this.handleMap.set(handle.id, handle);
  }

  removeHandle(handleId: number): void {
    this.handleMap?.delete(handleId);
  }

  touch(now = Date.now()): void {
    this.lastActivity = now;
  }

  /** Events after destroy are dropped, as Janus drops them (janus_session_notify_event). */
  notify(event: JsonObject): void {
    if (this.destroyed || this.transportGone) return;
    this.sink.deliver(this.id, event);
  }
}
