import {
  VideoCallErrorCode as E,
  type Jsep,
  type JsonObject,
  PluginError,
  VIDEOCALL_PLUGIN,
} from "@callgate/protocol";
import type { MessageResult, Plugin, PluginHandle, PluginInfo, PluginSession } from "../plugin.js";
import { checkBody } from "../plugin-errors.js";
import { VideoCallSession } from "./videocall-session.js";

const codes = { missing: E.MISSING_ELEMENT, invalid: E.INVALID_ELEMENT };
/** Janus's slow-link back-off: a first halving starts from 512 kbit/s, and never goes below 64. */
const SLOWLINK_START_BPS = 512 * 1024;
const SLOWLINK_MIN_BPS = 64 * 1024;

/** What a request produces for the requester: a result (maybe with a jsep), or nothing yet. */
type Outcome = { data: JsonObject; jsep?: Jsep } | undefined;

/**
 * janus.plugin.videocall, as Janus 1.1.2 does it: users register a name, call each other by
 * name, and the gateway relays between the two legs. Every request is answered with an ack
 * and then an event carrying the same transaction.
 */
export class VideoCallPlugin implements Plugin {
  readonly name = VIDEOCALL_PLUGIN;
  readonly info: PluginInfo = {
    name: "Callgate VideoCall plugin",
    author: "Callgate",
    description: "One-on-one video calls between two registered users, relayed by the gateway.",
    version_string: "0.0.6",
    version: 6,
  };
  /** username → session: the process-wide directory of registered users. */
  private readonly users = new Map<string, VideoCallSession>();

  attach(handle: PluginHandle): PluginSession {
    const session = new VideoCallSession(handle);
    return {
      handleMessage: (transaction, body, jsep) => this.handleMessage(session, transaction, body, jsep),
      mediaHungUp: () => this.hangupPeer(session, "Remote WebRTC hangup"),
      // The relay: what one leg sends goes to the other, unless this side muted that medium.
      incomingRtp: (kind, packet) => {
        const peer = session.peer;
        if (!peer || !session.connected) return;
        if (kind === "audio" ? session.audioActive : session.videoActive) peer.handle.sendRtp(kind, packet);
      },
      // A leg that comes up late has missed the other side's keyframe: ask both senders for one,
      // so neither receiver waits seconds for the browser's next periodic keyframe.
      mediaConnected: () => {
        session.handle.requestKeyframe("video");
        session.peer?.handle.requestKeyframe("video");
      },
      slowLink: (kind, uplink) => this.slowLink(session, kind, uplink),
      // The peer's receiver wants a keyframe of what this side receives: ask the other leg's sender.
      keyframeRequested: (kind) => session.peer?.handle.requestKeyframe(kind),
      destroy: () => {
        this.hangupPeer(session, "Remote WebRTC hangup");
        if (session.username !== undefined && this.users.get(session.username) === session) {
          this.users.delete(session.username);
        }
        session.destroyed = true;
      },
      describe: () => session.describe(),
    };
  }

  close(): void {
    this.users.clear();
  }

  private handleMessage(
    session: VideoCallSession,
    transaction: string,
    body: JsonObject,
    jsep: Jsep | undefined,
  ): MessageResult {
    try {
      const result = this.process(session, body, jsep);
      if (result)
        session.handle.pushEvent(transaction, { videocall: "event", result: result.data }, result.jsep);
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      session.handle.pushEvent(transaction, { videocall: "event", error_code: err.code, error: err.message });
    }
    return { kind: "ack" };
  }

  private process(session: VideoCallSession, body: JsonObject, jsep: Jsep | undefined): Outcome {
    checkBody(body, [{ name: "request", kind: "string", required: true }], codes);
    const request = (body.request as string).toLowerCase();
    switch (request) {
      case "list":
        return { data: { list: [...this.users.keys()] } };
      case "register":
        return this.register(session, body);
      case "call":
        return this.call(session, body, jsep);
      case "accept":
        return this.accept(session, jsep);
      case "set":
        return this.set(session, body, jsep);
      case "hangup":
        return this.hangup(session, body);
      default:
        throw new PluginError(E.INVALID_REQUEST, `Unknown request (${body.request as string})`);
    }
  }

  private register(session: VideoCallSession, body: JsonObject): Outcome {
    if (session.username !== undefined)
      throw new PluginError(E.ALREADY_REGISTERED, `Already registered (${session.username})`);
    checkBody(body, [{ name: "username", kind: "string", required: true }], codes);
    const username = body.username as string;
    if (this.users.has(username))
      throw new PluginError(E.USERNAME_TAKEN, `Username '${username}' already taken`);
    session.username = username;
    this.users.set(username, session);
    return { data: { event: "registered", username } };
  }

  private call(session: VideoCallSession, body: JsonObject, jsep: Jsep | undefined): Outcome {
    const refuse = (code: number, reason: string): never => {
      // As in Janus, a refused call also closes the caller's PeerConnection.
      session.handle.closePeerConnection();
      throw new PluginError(code, reason);
    };
    if (session.username === undefined) refuse(E.REGISTER_FIRST, "Register a username first");
    if (session.peer) refuse(E.ALREADY_IN_CALL, "Already in a call");
    if (session.incall) refuse(E.ALREADY_IN_CALL, "Already in a call (but no peer)");
    try {
      checkBody(body, [{ name: "username", kind: "string", required: true }], codes);
    } catch (err) {
      session.handle.closePeerConnection();
      throw err;
    }
    const username = body.username as string;
    if (username === session.username)
      refuse(E.USE_ECHO_TEST, "You can't call yourself... use the EchoTest for that");
    const peer = this.users.get(username);
    if (!peer || peer.destroyed) refuse(E.NO_SUCH_USERNAME, `Username '${username}' doesn't exist`);
    if (peer!.peer || peer!.incall) {
      session.handle.closePeerConnection();
      return { data: { event: "hangup", username: session.username!, reason: "User busy" } };
    }
    if (jsep?.type !== "offer") throw new PluginError(E.MISSING_SDP, "Missing SDP");
    const callee = peer!;
    session.incall = true;
    session.peer = callee;
    callee.incall = true;
    callee.peer = session;
    // The callee gets an offer of the gateway's own for its leg, with the media the caller offered.
    const kinds = session.handle.offeredKinds();
    callee.handle.makeOffer(kinds).then(
      (offer) => {
        callee.handle.pushEvent(
          undefined,
          { videocall: "event", result: { event: "incomingcall", username: session.username! } },
          offer,
        );
        // While the callee rings, the caller's offer is taken in: on accept only the answer is left to make.
        session.handle.prepareAnswer();
      },
      (err: Error) => {
        this.hangupPeer(session, `Error preparing the call: ${err.message}`);
        session.handle.closePeerConnection();
      },
    );
    return { data: { event: "calling" } };
  }

  private accept(session: VideoCallSession, jsep: Jsep | undefined): Outcome {
    const caller = session.peer;
    if (!caller || !session.incall) throw new PluginError(E.NO_CALL, "No incoming call to accept");
    if (jsep?.type !== "answer") throw new PluginError(E.MISSING_SDP, "Missing SDP");
    // The caller's offer is answered now, so its media starts when the callee's does.
    caller.handle.answerOffer().then(
      (answer) => {
        session.connected = true;
        caller.connected = true;
        caller.handle.pushEvent(
          undefined,
          { videocall: "event", result: { event: "accepted", username: session.username! } },
          answer,
        );
      },
      (err: Error) => {
        caller.handle.pushEvent(undefined, {
          videocall: "event",
          error_code: E.INVALID_SDP,
          error: `Error parsing offer: ${err.message}`,
        });
        this.hangupPeer(session, "Remote WebRTC hangup");
      },
    );
    return { data: { event: "accepted" } };
  }

  private set(session: VideoCallSession, body: JsonObject, jsep: Jsep | undefined): Outcome {
    checkBody(
      body,
      [
        { name: "audio", kind: "boolean" },
        { name: "video", kind: "boolean" },
        { name: "bitrate", kind: "positive integer" },
        { name: "record", kind: "boolean" },
        { name: "filename", kind: "string" },
        { name: "restart", kind: "boolean" },
        { name: "substream", kind: "positive integer" },
        { name: "temporal", kind: "positive integer" },
        { name: "fallback", kind: "positive integer" },
      ],
      codes,
    );
    for (const layer of ["substream", "temporal"] as const) {
      const v = body[layer];
      if (typeof v === "number" && v > 2)
        throw new PluginError(E.INVALID_ELEMENT, `Invalid value (${layer} should be 0, 1 or 2)`);
    }
    const videoBack = body.video === true && !session.videoActive;
    if (typeof body.audio === "boolean") session.audioActive = body.audio;
    if (typeof body.video === "boolean") session.videoActive = body.video;
    if (typeof body.bitrate === "number") {
      session.bitrate = body.bitrate;
      // As Janus: a REMB to this side's sender at once (0 = no cap, sent as 10 Mbps).
      session.handle.capBitrate(body.bitrate > 0 ? body.bitrate : 10_000_000);
    }
    // Video relayed again starts with a keyframe, so the other side does not wait for one.
    if (videoBack) session.handle.requestKeyframe("video");
    if (jsep?.type === "offer" && session.peer) this.renegotiate(session);
    return { data: { event: "set" } };
  }

  /**
   * `set` with an offer (ICE restart, changed media): Janus passes it to the peer and returns the
   * peer's answer as an `update`; each leg ends at the gateway here, so the gateway answers it
   * on this leg's own PeerConnection, and the user sees the same `update`.
   */
  private renegotiate(session: VideoCallSession): void {
    session.handle.answerOffer().then(
      (answer) => {
        session.handle.pushEvent(undefined, { videocall: "event", result: { event: "update" } }, answer);
        // The other side's decoder should not wait for the next periodic keyframe after a restart.
        session.handle.requestKeyframe("video");
        session.peer?.handle.requestKeyframe("video");
      },
      (err: Error) =>
        session.handle.pushEvent(undefined, {
          videocall: "event",
          error_code: E.INVALID_SDP,
          error: `Error parsing offer: ${err.message}`,
        }),
    );
  }

  /**
   * The core saw packets lost on what this user sends us (downlink, from the gateway's side): as
   * Janus, halve this user's video cap (from 512 kbit/s, not below 64) and tell the user.
   */
  private slowLink(session: VideoCallSession, kind: "audio" | "video", uplink: boolean): void {
    session.slowlinkCount++;
    if (uplink || !session.peer) return;
    // Losses on a medium this user muted are expected, not a slow link.
    if (kind === "audio" ? !session.audioActive : !session.videoActive) return;
    const result: JsonObject = { event: "slow_link", media: kind };
    if (kind === "video") {
      session.bitrate = Math.max(SLOWLINK_MIN_BPS, Math.floor((session.bitrate || SLOWLINK_START_BPS) / 2));
      session.peer.peerBitrate = session.bitrate;
      session.handle.capBitrate(session.bitrate);
      result["current-bitrate"] = session.bitrate;
    }
    session.handle.pushEvent(undefined, { videocall: "event", result });
  }

  private hangup(session: VideoCallSession, body: JsonObject): Outcome {
    const peer = session.peer;
    const result: JsonObject = { event: "hangup" };
    if (session.username !== undefined) result.username = session.username;
    result.reason = "Explicit hangup";
    if (peer)
      this.tellPeer(session, peer, typeof body.reason === "string" ? body.reason : "We did the hangup");
    session.resetCall();
    session.handle.closePeerConnection();
    return { data: result };
  }

  /** This side's PeerConnection (or handle) went away: the peer hears about it and is freed. */
  private hangupPeer(session: VideoCallSession, reason: string): void {
    const peer = session.peer;
    session.resetCall();
    if (peer) this.tellPeer(session, peer, reason);
  }

  /** The peer hears `hangup` (no transaction: it did not ask), its call state resets, its PeerConnection closes. */
  private tellPeer(session: VideoCallSession, peer: VideoCallSession, reason: string): void {
    const event: JsonObject = { event: "hangup" };
    if (session.username !== undefined) event.username = session.username;
    event.reason = reason;
    peer.handle.pushEvent(undefined, { videocall: "event", result: event });
    peer.resetCall();
    peer.handle.closePeerConnection();
  }
}
