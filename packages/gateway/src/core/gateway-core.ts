import type { Jsep, JsonObject } from "@callgate/protocol";
import { envelope, JanusError, JanusErrorCode } from "@callgate/protocol";
import type { Logger } from "pino";
import type { MediaEngine, MediaKind, MediaPeer, RemoteCandidate } from "../media/media-peer.js";
import type { Plugin, PluginHandle } from "../plugins/plugin.js";
import type { Authenticator } from "./auth/authenticator.js";
import { Handle, isEndOfCandidates } from "./handle.js";
import { randomId } from "./ids.js";
import { type CoreObserver, silentObserver } from "./observer.js";
import { Session } from "./session.js";
import type { TransportConnection } from "./transport-connection.js";
import { checkCandidate } from "./trickle-candidate.js";

export interface CoreSettings {
  serverName: string;
  sessionTimeout: number;
  reclaimSessionTimeout: number;
  candidatesTimeout: number;
  debugLevel: number;
  noMediaTimer: number;
  slowlinkThreshold: number;
  /** Least time (ms) sent video is kept for retransmission (Janus's min_nack_queue). */
  minNackQueue: number;
  /** Janus's full_trickle: the gateway trickles its own candidates as `trickle` events. */
  fullTrickle: boolean;
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
  /**
   * How many sessions each connection owns (for maxSessionsPerConnection). Which ones is not
   * kept: a connection that closes has them looked up among all sessions (as Janus's
   * janus_transport_gone does), which spares every session an entry in a per-connection set.
   */
  private readonly ownedCount = new Map<TransportConnection, number>();
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: CoreSettings,
    readonly plugins: ReadonlyMap<string, Plugin>,
    readonly auth: Authenticator,
    readonly log: Logger,
    readonly observer: CoreObserver = silentObserver,
    /** WebRTC media; without it a jsep is refused (signalling-only gateway). */
    readonly media?: MediaEngine,
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
    const limit = this.settings.maxSessionsPerConnection;
    if (limit > 0 && !conn.shared && (this.ownedCount.get(conn) ?? 0) >= limit) {
      this.log.warn({ connection: conn.label, limit }, "per-connection session limit reached");
      throw new JanusError(JanusErrorCode.UNKNOWN, `Too many sessions on this connection (limit ${limit})`);
    }
    const id = chosenId !== undefined && chosenId > 0 ? chosenId : randomId(this.sessions);
    const session = new Session(id, conn);
    this.sessions.set(id, session);
    this.own(conn);
    conn.sessionCreated(id);
    this.log.debug({ session: id, transport: conn.label }, "session created");
    return session;
  }

  /** Removes a session and its handles; `timeout` also tells the owner with a timeout event. */
  destroySession(session: Session, reason: "destroyed" | "timeout"): void {
    if (session.destroyed) return;
    if (reason === "timeout") session.notify(envelope("timeout", session.id, undefined));
    const owned = session.state === "live"; // an orphaned session's connection counts it no more
    session.state = "destroyed";
    this.sessions.delete(session.id);
    if (owned) this.disown(session.sink);
    for (const handle of [...session.handles.values()]) this.destroyHandle(session, handle);
    session.sink.sessionOver(session.id, reason);
    this.log.debug({ session: session.id, reason }, "session destroyed");
  }

  attach(session: Session, plugin: Plugin, opaqueId: string | undefined, token: string | undefined): Handle {
    const handle = new Handle(randomId(this.handles), session.id, plugin, opaqueId, token);
    handle.pluginSession = plugin.attach(this.pluginHandle(session, handle));
    session.addHandle(handle);
    this.handles.set(handle.id, handle);
    return handle;
  }

  /**
   * Detach: the plugin lets go, and the owner hears `detached` once the reply is out (every
   * transport sends the reply as soon as the request's handling returns; a tick later, the event).
   */
  detach(session: Session, handle: Handle): void {
    this.destroyHandle(session, handle);
    process.nextTick(() =>
      session.notify(envelope("detached", session.id, undefined, { sender: handle.id })),
    );
  }

  claim(session: Session, conn: TransportConnection): void {
    const orphaned = session.transportGone;
    session.state = "live";
    if (session.sink === conn) {
      if (orphaned) this.own(conn);
      return;
    }
    const old = session.sink;
    if (!orphaned) this.disown(old);
    old.sessionOver(session.id, "claimed");
    session.sink = conn;
    this.own(conn);
    conn.sessionCreated(session.id);
  }

  /**
   * The connection closed (WebSocket). Without reclaim_session_timeout its sessions go at
   * once and silently, as in Janus; with it they wait for a claim.
   */
  transportGone(conn: TransportConnection): void {
    if (!this.ownedCount.delete(conn)) return;
    const owned: Session[] = [];
    for (const session of this.sessions.values())
      if (session.sink === conn && !session.transportGone) owned.push(session);
    for (const session of owned) {
      if (this.settings.reclaimSessionTimeout > 0) {
        session.state = "orphaned";
      } else {
        this.destroySession(session, "destroyed");
      }
    }
  }

  /** Hands a plugin message to the plugin, after the core's own jsep checks and PeerConnection set-up. */
  message(session: Session, handle: Handle, transaction: string, body: JsonObject, jsep: Jsep | undefined) {
    if (jsep) {
      if (!this.media)
        throw new JanusError(JanusErrorCode.UNKNOWN, "WebRTC media is not available on this gateway");
      if (!/^v=0/m.test(jsep.sdp))
        throw new JanusError(JanusErrorCode.JSEP_INVALID_SDP, "Error parsing SDP (no v= line)");
      if (jsep.type === "answer") {
        const peer = handle.peer;
        if (!peer?.awaitingAnswer)
          throw new JanusError(JanusErrorCode.UNEXPECTED_ANSWER, "Unexpected ANSWER (did we offer?)");
        handle.pendingAnswer = peer.acceptAnswer(jsep.sdp).then(() => this.flushCandidates(handle, peer));
        handle.pendingAnswer.catch((err: Error) => {
          this.log.info({ handle: handle.id, err: err.message }, "remote answer refused");
          peer.close("Error processing SDP");
        });
        return handle.pluginSession.handleMessage(transaction, body, jsep);
      }
      const live = handle.peer && !handle.peer.closed ? handle.peer : undefined;
      if (live?.awaitingAnswer) {
        // Both sides offered at once: the user's offer wins, on a fresh PeerConnection.
        live.close("Renegotiation");
        this.createPeer(session, handle);
      } else if (!live) {
        this.createPeer(session, handle);
      }
      // An offer on a live PeerConnection is a renegotiation (ICE restart, new media): the same peer answers it.
      handle.pendingOffer = jsep.sdp;
    }
    return handle.pluginSession.handleMessage(transaction, body, jsep);
  }

  /** Janus API `hangup` (and plugins' close_pc): closes the handle's PeerConnection, if any. */
  hangupMedia(handle: Handle, reason: string): void {
    handle.peer?.close(reason);
  }

  /** A trickled candidate: straight to the PeerConnection once negotiated, else queued as Janus does. */
  trickle(handle: Handle, candidate: unknown): void {
    if (handle.peer && handle.negotiated) {
      const checked = checkCandidate(candidate, true);
      if (checked?.candidate) handle.peer.addRemoteCandidate(checked as RemoteCandidate).catch(() => {});
      if (isEndOfCandidates(candidate)) handle.remoteTrickleDone = true;
      return;
    }
    handle.queueCandidate(candidate, Date.now());
  }

  private createPeer(session: Session, handle: Handle): void {
    const sender = handle.id;
    handle.negotiated = false;
    const peer = this.media!.createPeer({
      noMediaTimer: this.settings.noMediaTimer,
      slowlinkThreshold: this.settings.slowlinkThreshold,
      minNackQueue: this.settings.minNackQueue,
      fullTrickle: this.settings.fullTrickle,
      events: {
        localCandidate: (candidate) =>
          session.notify(
            envelope("trickle", session.id, undefined, {
              sender,
              candidate: candidate
                ? {
                    sdpMid: candidate.sdpMid,
                    sdpMLineIndex: candidate.sdpMLineIndex,
                    candidate: candidate.candidate,
                  }
                : { completed: true },
            }),
          ),
        connected: () => {
          session.notify(envelope("webrtcup", session.id, undefined, { sender }));
          handle.pluginSession.mediaConnected?.();
        },
        media: (mid, type, receiving) => {
          const event: JsonObject = { sender, mid, type, receiving };
          // As Janus: how long it was quiet, when the timer is longer than a second.
          if (!receiving && this.settings.noMediaTimer > 1) event.seconds = this.settings.noMediaTimer;
          session.notify(envelope("media", session.id, undefined, event));
        },
        slowlink: (mid, media, uplink, lost) => {
          session.notify(envelope("slowlink", session.id, undefined, { sender, mid, media, uplink, lost }));
          handle.pluginSession.slowLink?.(media, uplink);
        },
        rtp: (kind, packet) => handle.pluginSession.incomingRtp?.(kind, packet),
        keyframeRequest: (kind) => handle.pluginSession.keyframeRequested?.(kind),
        closed: (reason) => {
          if (handle.peer === peer) handle.peer = undefined;
          if (handle.detaching || session.destroyed) return;
          session.notify(envelope("hangup", session.id, undefined, { sender, reason }));
          handle.pluginSession.mediaHungUp();
        },
      },
    });
    handle.peer = peer;
  }

  /** Answers the pending offer, then feeds the peer the candidates that arrived before it. */
  private async answerOffer(handle: Handle): Promise<Jsep> {
    const peer = handle.peer;
    const offer = handle.pendingOffer;
    if (!peer || offer === undefined)
      throw new JanusError(JanusErrorCode.WEBRTC_STATE, "Invalid PeerConnection");
    handle.pendingOffer = undefined;
    const sdp = await peer.answer(offer);
    await this.flushCandidates(handle, peer);
    return { type: "answer", sdp };
  }

  /** An offer from the gateway to the handle's user, on a new PeerConnection (VideoCall's callee leg). */
  private async makeOffer(session: Session, handle: Handle, kinds: MediaKind[]): Promise<Jsep> {
    if (!this.media)
      throw new JanusError(JanusErrorCode.UNKNOWN, "WebRTC media is not available on this gateway");
    if (handle.peer && !handle.peer.closed) handle.peer.close("Renegotiation");
    this.createPeer(session, handle);
    const sdp = await handle.peer!.offer(kinds);
    return { type: "offer", sdp };
  }

  /** Once negotiated, the candidates that arrived early go to the PeerConnection (those within candidates_timeout). */
  private async flushCandidates(handle: Handle, peer: MediaPeer): Promise<void> {
    handle.negotiated = true;
    const maxAge = this.settings.candidatesTimeout * 1000;
    const now = Date.now();
    for (const queued of handle.pendingCandidates.splice(0)) {
      if (now - queued.receivedAt > maxAge) continue;
      const checked = checkCandidate(queued.candidate, false);
      if (checked?.candidate) await peer.addRemoteCandidate(checked as RemoteCandidate);
    }
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
    session.removeHandle(handle.id);
    this.handles.delete(handle.id);
    handle.peer?.close("Detach");
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
      prepareAnswer: () => {
        // After the events already pushed (setImmediate runs in order): taking the offer in
        // costs a millisecond or two that the callee's incomingcall need not wait for.
        setImmediate(() => {
          if (handle.pendingOffer !== undefined) handle.peer?.prepareAnswer(handle.pendingOffer);
        });
      },
      answerOffer: () => this.answerOffer(handle),
      makeOffer: (kinds) => this.makeOffer(session, handle, kinds),
      offeredKinds: () => mediaKindsOf(handle.pendingOffer ?? ""),
      sendRtp: (kind, packet) => handle.peer?.sendRtp(kind, packet),
      requestKeyframe: (kind) => handle.peer?.requestKeyframe(kind),
      capBitrate: (bps) => handle.peer?.capBitrate(bps),
    };
  }

  private own(conn: TransportConnection): void {
    this.ownedCount.set(conn, (this.ownedCount.get(conn) ?? 0) + 1);
  }

  private disown(conn: TransportConnection): void {
    const count = (this.ownedCount.get(conn) ?? 0) - 1;
    if (count > 0) this.ownedCount.set(conn, count);
    else this.ownedCount.delete(conn);
  }
}

/** The audio and video m-lines of an SDP, in order, without duplicates (BUNDLE carries one of each). */
export function mediaKindsOf(sdp: string): MediaKind[] {
  const kinds: MediaKind[] = [];
  for (const match of sdp.matchAll(/^m=(audio|video) [1-9]/gm)) {
    const kind = match[1] as MediaKind;
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}
