import { JanusSession, JanusWebSocketConnection, type Jsep, VideoCallHandle } from "@callgate/client";
import type { WebrtcToken } from "../api/types.js";

export interface GatewayCallListeners {
  /** The other side's audio and video. */
  remoteStream(stream: MediaStream): void;
  /** Media flows (ICE and DTLS up). */
  connected(): void;
  /** The media side ended by itself: the gateway hung up, ICE failed, the connection dropped. */
  ended(reason: string): void;
}

function iceServers(token: WebrtcToken): RTCIceServer[] {
  const servers: RTCIceServer[] = [];
  // Several URIs may be given separated by spaces, as the original allowed.
  if (token.stun_uri) servers.push({ urls: token.stun_uri.split(/\s+/).filter(Boolean) });
  if (token.turn_uri)
    servers.push({
      urls: token.turn_uri.split(/\s+/).filter(Boolean),
      username: token.turn_username ?? "",
      credential: token.turn_password ?? "",
    });
  return servers;
}

/**
 * The media half of a call: a Janus session on the gateway with the token from the chat server,
 * the VideoCall plugin registered under our user id, and one RTCPeerConnection. The caller calls
 * the callee's user id; the callee answers the offer that arrives.
 */
export class GatewayCall {
  private pc: RTCPeerConnection | undefined;
  private local: MediaStream | undefined;
  private closed = false;

  private constructor(
    private readonly session: JanusSession,
    private videocall: VideoCallHandle | undefined,
    private readonly token: WebrtcToken,
    private readonly listeners: GatewayCallListeners,
  ) {}

  /** Connects to the gateway and registers `userId`, ready to call or be called. */
  static async open(
    token: WebrtcToken,
    userId: string,
    listeners: GatewayCallListeners,
  ): Promise<GatewayCall> {
    const connect = () =>
      JanusWebSocketConnection.open(
        token.gateway_url,
        (url, protocols) => new WebSocket(url, protocols) as never,
        {
          token: token.token,
        },
      );
    const connection = await connect();
    try {
      // Media does not depend on the signalling socket: if it drops, the session is claimed on a
      // new one (where the gateway keeps sessions for reclaim_session_timeout) and the call goes on.
      const session = await JanusSession.create(connection, 25000, { open: connect, attempts: 3 });
      const call = new GatewayCall(session, undefined, token, listeners);
      session.onEnded((reason) => call.fail(reason));
      call.videocall = await VideoCallHandle.attach(session, {
        incomingCall: (_from, offer) => void call.answer(offer).catch((err: Error) => call.fail(err.message)),
        accepted: (_from, answer) => {
          if (answer)
            void call.pc?.setRemoteDescription(answer).catch((err: Error) => call.fail(err.message));
        },
        update: (jsep) => void call.renegotiated(jsep),
        hangup: (reason) => call.fail(reason),
        trickle: (candidate) => {
          if (candidate.completed) return;
          void call.pc?.addIceCandidate(candidate as RTCIceCandidateInit).catch(() => {});
        },
      });
      await call.videocall.register(userId);
      return call;
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /** The camera and microphone to send. */
  setLocalStream(stream: MediaStream): void {
    this.local = stream;
  }

  get peerConnection(): RTCPeerConnection | undefined {
    return this.pc;
  }

  /** Caller: offers to the callee's registered user id. */
  async call(peerUserId: string): Promise<void> {
    const pc = this.createPeerConnection();
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await this.videocall!.call(peerUserId, { type: "offer", sdp: offer.sdp ?? "" });
  }

  /** Swaps the camera or microphone during the call, without renegotiating. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === track.kind);
    await sender?.replaceTrack(track);
  }

  /** Hangs up (if still in a call) and leaves the gateway. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pc?.close();
    try {
      await this.videocall?.hangup();
    } catch {
      // Already hung up by the other side or the gateway.
    }
    try {
      await this.session.destroy();
    } catch {
      // The connection may already be gone; closing it is enough.
    }
    this.session.connection.close();
  }

  private async answer(offer: Jsep): Promise<void> {
    const pc = this.createPeerConnection();
    await pc.setRemoteDescription(offer);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.videocall!.accept({ type: "answer", sdp: answer.sdp ?? "" });
  }

  private async renegotiated(jsep: Jsep): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    await pc.setRemoteDescription(jsep);
    if (jsep.type === "offer") {
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await this.videocall!.set({}, { type: "answer", sdp: answer.sdp ?? "" });
    }
  }

  private createPeerConnection(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: iceServers(this.token) });
    this.pc = pc;
    for (const track of this.local?.getTracks() ?? []) pc.addTrack(track, this.local!);
    const remote = new MediaStream();
    pc.ontrack = (e) => {
      remote.addTrack(e.track);
      this.listeners.remoteStream(remote);
    };
    pc.onicecandidate = (e) => {
      void this.videocall
        ?.trickle(e.candidate ? (e.candidate.toJSON() as { candidate: string }) : null)
        .catch(() => {});
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") this.listeners.connected();
      if (pc.connectionState === "failed") this.fail("the media connection failed");
    };
    return pc;
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.listeners.ended(reason);
  }
}
