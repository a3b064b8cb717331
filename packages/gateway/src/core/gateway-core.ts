import type { Jsep, JsonObject } from "@callgate/protocol";
import { envelope, JanusError, JanusErrorCode } from "@callgate/protocol";
import type { Logger } from "pino";
import type { Plugin, PluginHandle } from "../plugins/plugin.js";
import type { Authenticator } from "./auth/authenticator.js";
import { Handle } from "./handle.js";
import { randomId } from "./ids.js";
import { type CoreObserver, silentObserver } from "./observer.js";
import { Session } from "./session.js";
import type { TransportConnection } from "./transport-connection.js";

export interface CoreSettings {
  serverName: string;
  sessionTimeout: number;
  reclaimSessionTimeout: number;
  candidatesTimeout: number;
  debugLevel: number;
  noMediaTimer: number;
  slowlinkThreshold: number;
  maxSessionsPerConnection: number;
  maxSessions: number;
}

/** How often expired sessions are looked for (Janus's watchdog runs every 2 s too). */
const WATCHDOG_INTERVAL_MS = 2000;

/**
 * Owns sessions and handles: creation, lookup, expiry, claim, and teardown in the order Janus
 * does it. Request parsing and reply shapes live in janus-api.ts and admin-api.ts.
 */
export class GatewayCore {
  readonly sessions = new Map<number, Session>();
  readonly handles = new Map<number, Handle>();
  acceptingNewSessions = true;
  private readonly ownedBy = new Map<TransportConnection, Set<number>>();
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: CoreSettings,
    readonly plugins: ReadonlyMap<string, Plugin>,
    readonly auth: Authenticator,
    readonly log: Logger,
    readonly observer: CoreObserver = silentObserver,
  ) {}

  start(): void {
    this.watchdog ??= setInterval(() => this.expireSessions(Date.now()), WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
  }

  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const session of [...this.sessions.values()]) this.destroySession(session, "destroyed");
    for (const plugin of this.plugins.values()) plugin.close?.();
  }

  createSession(conn: TransportConnection, chosenId: number | undefined): Session {
    if (chosenId !== undefined && chosenId > 0 && this.sessions.has(chosenId)) {
      throw new JanusError(JanusErrorCode.SESSION_CONFLICT, "Session ID already in use");
    }
    // Bounds against floods of creates: Janus has none, and would grow until memory runs out.
    const total = this.settings.maxSessions;
    if (total > 0 && this.sessions.size >= total) {
      this.log.warn({ limit: total }, "session limit reached: refusing new sessions");
      throw new JanusError(JanusErrorCode.UNKNOWN, `Too many sessions on this gateway (limit ${total})`);
    }
    const owned = this.ownedBy.get(conn);
    const limit = this.settings.maxSessionsPerConnection;
    if (limit > 0 && !conn.shared && owned && owned.size >= limit) {
      this.log.warn({ connection: conn.label, limit }, "per-connection session limit reached");
      throw new JanusError(JanusErrorCode.UNKNOWN, `Too many sessions on this connection (limit ${limit})`);
    }
    const id = chosenId !== undefined && chosenId > 0 ? chosenId : randomId(this.sessions);
    const session = new Session(id, conn);
    this.sessions.set(id, session);
    this.own(conn, id);
    conn.sessionCreated(id);
    this.log.debug({ session: id, transport: conn.label }, "session created");
    return session;
  }

  /** Removes a session and its handles; `timeout` also tells the owner with a timeout event. */
  destroySession(session: Session, reason: "destroyed" | "timeout"): void {
    if (session.destroyed) return;
    if (reason === "timeout") session.notify(envelope("timeout", session.id, undefined));
    session.destroyed = true;
    this.sessions.delete(session.id);
    this.disown(session.sink, session.id);
    for (const handle of [...session.handles.values()]) this.destroyHandle(session, handle);
    session.sink.sessionOver(session.id, reason);
    this.log.debug({ session: session.id, reason }, "session destroyed");
  }

  attach(session: Session, plugin: Plugin, opaqueId: string | undefined, token: string | undefined): Handle {
    const handle = new Handle(randomId(this.handles), session.id, plugin, opaqueId, token);
    handle.pluginSession = plugin.attach(this.pluginHandle(session, handle));
    session.handles.set(handle.id, handle);
    this.handles.set(handle.id, handle);
    return handle;
  }

  /** Detach: the plugin lets go, and the owner hears `detached` once the reply is out. */
  detach(session: Session, handle: Handle): void {
    this.destroyHandle(session, handle);
    setImmediate(() => session.notify(envelope("detached", session.id, undefined, { sender: handle.id })));
  }

  claim(session: Session, conn: TransportConnection): void {
    session.transportGone = false;
    if (session.sink === conn) return;
    const old = session.sink;
    this.disown(old, session.id);
    old.sessionOver(session.id, "claimed");
    session.sink = conn;
    this.own(conn, session.id);
    conn.sessionCreated(session.id);
  }

  /**
   * The connection closed (WebSocket). Without reclaim_session_timeout its sessions go at
   * once and silently, as in Janus; with it they wait for a claim.
   */
  transportGone(conn: TransportConnection): void {
    const owned = this.ownedBy.get(conn);
    this.ownedBy.delete(conn);
    if (!owned) return;
    for (const id of owned) {
      const session = this.sessions.get(id);
      if (!session) continue;
      if (this.settings.reclaimSessionTimeout > 0) {
        session.transportGone = true;
      } else {
        this.destroySession(session, "destroyed");
      }
    }
  }

  /** Hands a plugin message to the plugin, after the core's own jsep checks. */
  message(handle: Handle, transaction: string, body: JsonObject, jsep: Jsep | undefined) {
    if (jsep) {
      // The media layer (ICE, DTLS-SRTP, RTP relay) plugs in here; until it is present a
      // jsep cannot be honoured, and saying so beats pretending a PeerConnection exists.
      throw new JanusError(JanusErrorCode.UNKNOWN, "WebRTC media is not available on this gateway");
    }
    return handle.pluginSession.handleMessage(transaction, body, undefined);
  }

  /** Janus API `hangup`: closes the handle's PeerConnection, if any. */
  hangupMedia(_handle: Handle, _reason: string): void {
    // No PeerConnection can exist without the media layer: nothing to tear down.
  }

  sessionTimeoutOf(session: Session): number {
    return session.timeoutOverride ?? this.settings.sessionTimeout;
  }

  expireSessions(now: number): void {
    for (const session of [...this.sessions.values()]) {
      const idle = (now - session.lastActivity) / 1000;
      if (session.transportGone) {
        if (idle >= this.settings.reclaimSessionTimeout) this.destroySession(session, "timeout");
        continue;
      }
      const timeout = this.sessionTimeoutOf(session);
      if (timeout > 0 && idle >= timeout) {
        this.log.info({ session: session.id, idleSeconds: Math.round(idle) }, "session timed out");
        this.destroySession(session, "timeout");
      }
    }
  }

  private destroyHandle(session: Session, handle: Handle): void {
    if (handle.detaching) return;
    handle.detaching = true;
    session.handles.delete(handle.id);
    this.handles.delete(handle.id);
    try {
      handle.pluginSession.destroy();
    } catch (err) {
      this.log.error(
        { err, handle: handle.id, plugin: handle.plugin.name },
        "plugin failed to destroy a handle",
      );
    }
  }

  private pluginHandle(session: Session, handle: Handle): PluginHandle {
    return {
      id: handle.id,
      sessionId: session.id,
      opaqueId: handle.opaqueId,
      pushEvent: (transaction, data, jsep) => {
        const event = envelope("event", session.id, transaction, {
          sender: handle.id,
          plugindata: { plugin: handle.plugin.name, data },
        });
        if (jsep) event.jsep = jsep;
        // Deferred so that a request's ack always reaches the client before its event.
        setImmediate(() => session.notify(event));
      },
      closePeerConnection: () => this.hangupMedia(handle, "Close PC"),
    };
  }

  private own(conn: TransportConnection, id: number): void {
    let set = this.ownedBy.get(conn);
    if (!set) {
      set = new Set();
      this.ownedBy.set(conn, set);
    }
    set.add(id);
  }

  private disown(conn: TransportConnection, id: number): void {
    const set = this.ownedBy.get(conn);
    if (!set) return;
    set.delete(id);
    if (set.size === 0) this.ownedBy.delete(conn);
  }
}
