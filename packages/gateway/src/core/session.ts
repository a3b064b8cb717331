import type { JsonObject } from "@callgate/protocol";
import type { Handle } from "./handle.js";
import type { TransportConnection } from "./transport-connection.js";

/** What an idle session's `handles` is: most sessions hold a handle or two, and a gateway may hold thousands of idle ones. */
const NO_HANDLES: ReadonlyMap<number, Handle> = new Map();

/**
 * Activity is kept in tenths of a second from this origin: a small integer, which V8 stores in
 * the session itself, where a millisecond timestamp is a boxed number (16 more bytes a session).
 * A tenth is finer than the watchdog's 2 s; the counter lasts six years of uptime.
 */
const ACTIVITY_ORIGIN_MS = Date.now();
const ACTIVITY_TICK_MS = 100;
const activityTick = (ms: number) => Math.round((ms - ACTIVITY_ORIGIN_MS) / ACTIVITY_TICK_MS);

/**
 * `orphaned`: the owning connection closed, and the session waits for a claim
 * (reclaim_session_timeout). One field for what could be two flags: a gateway may hold thousands
 * of idle sessions, and each field is 8 bytes of every one of them.
 */
export type SessionState = "live" | "orphaned" | "destroyed";

/** A Janus session: owns handles, and delivers events to the transport connection that owns it. */
export class Session {
  private handleMap: Map<number, Handle> | undefined;
  private activity = activityTick(Date.now());
  /** Per-session override of session_timeout set through the admin API (undefined = global). */
  timeoutOverride: number | undefined;
  state: SessionState = "live";

  constructor(
    readonly id: number,
    public sink: TransportConnection,
  ) {}

  get destroyed(): boolean {
    return this.state === "destroyed";
  }

  /** The owning connection closed (see SessionState). */
  get transportGone(): boolean {
    return this.state === "orphaned";
  }

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
    this.activity = activityTick(now);
  }

  /** When the session last had a request (ms since the epoch, to a tenth of a second). */
  get lastActivity(): number {
    return ACTIVITY_ORIGIN_MS + this.activity * ACTIVITY_TICK_MS;
  }

  /** Events after destroy are dropped, as Janus drops them (janus_session_notify_event). */
  notify(event: JsonObject): void {
    if (this.state !== "live") return;
    this.sink.deliver(this.id, event);
  }
}
