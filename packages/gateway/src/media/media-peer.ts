/**
 * The media boundary: what the core and the plugins know of a PeerConnection. The engine behind
 * it (werift today) can be swapped, or given a faster path, without touching plugins.
 */
export type MediaKind = "audio" | "video";

export interface RemoteCandidate {
  candidate: string;
  sdpMid?: string;
  sdpMLineIndex?: number;
}

export interface MediaPeerEvents {
  /** ICE and DTLS are up: SRTP can flow (Janus's `webrtcup`). */
  connected(): void;
  /** Media started (or stopped, after the no-media timer) arriving on an m-line. */
  media(mid: string, kind: MediaKind, receiving: boolean): void;
  /** An RTP packet arrived, already decrypted (the whole packet, header included). */
  rtp(kind: MediaKind, packet: Buffer): void;
  /**
   * At least slowlink_threshold packets were lost in the last second on an m-line (Janus's
   * `slowlink`): `uplink` true when what we send is lost (the peer NACKs us), false when what we
   * receive is (we NACK the peer).
   */
  slowlink(mid: string, kind: MediaKind, uplink: boolean, lost: number): void;
  /** Full trickle only: a local candidate to send the user (Janus's `trickle`), null when gathering is done. */
  localCandidate(candidate: RemoteCandidate | null): void;
  /** A keyframe request (PLI or FIR) arrived for what this peer receives from us. */
  keyframeRequest(kind: MediaKind): void;
  /** The PeerConnection is gone; `reason` is Janus's wording (e.g. "ICE failed", "DTLS alert"). */
  closed(reason: string): void;
}

export interface MediaPeer {
  /**
   * Starts taking in a remote offer that will be answered later (VideoCall's caller, answered when
   * the callee accepts), so that the answer then costs only its own making. Starts no ICE and no
   * DTLS; a bad offer fails the answer.
   */
  prepareAnswer(offerSdp: string): void;
  /** Takes the remote offer and returns the local answer, with the local candidates in it (half-trickle). */
  answer(offerSdp: string): Promise<string>;
  /** Makes a local offer for these kinds (send and receive), candidates included. */
  offer(kinds: MediaKind[]): Promise<string>;
  /** Takes the remote answer to our offer. */
  acceptAnswer(answerSdp: string): Promise<void>;
  /** True while our offer waits for its answer. */
  readonly awaitingAnswer: boolean;
  addRemoteCandidate(candidate: RemoteCandidate | null): Promise<void>;
  /** Sends an RTP packet on the m-line of this kind. */
  sendRtp(kind: MediaKind, packet: Buffer): void;
  /** Asks the remote sender of this kind for a keyframe. */
  requestKeyframe(kind: MediaKind): void;
  /** Caps what the remote sends us (REMB), in bits per second. */
  capBitrate(bitsPerSecond: number): void;
  close(reason: string): void;
  readonly closed: boolean;
}

export interface MediaPeerOptions {
  events: MediaPeerEvents;
  /** Seconds without media on an m-line before `media(receiving=false)` (Janus's no_media_timer). */
  noMediaTimer: number;
  /**
   * Janus's full_trickle: SDPs go out at once without candidates, which follow as `localCandidate`
   * events. Otherwise (half-trickle, Janus's default) the SDP waits for gathering and carries them.
   */
  fullTrickle: boolean;
  /** Lost packets per second that make a `slowlink` (0: never, as Janus's default). */
  slowlinkThreshold: number;
  /**
   * Least time (ms) sent video is kept to answer NACKs: the window is the RTT plus 100 ms, at
   * least this and at most a second (Janus's min_nack_queue, 200 by default).
   */
  minNackQueue: number;
}

/** Packets the relay handled since start, for /metrics: which path carried them, and what SRTP refused. */
export interface RelayCounters {
  /** RTP received and sent through the fast path (SRTP outside the WebRTC engine). */
  fastIn: number;
  fastOut: number;
  /** RTP the WebRTC engine's own path carried: a stream's first packet, TURN relays, the fallback. */
  engineIn: number;
  engineOut: number;
  /** Inbound SRTP or SRTCP that failed authentication or was a replay. */
  srtpRejected: number;
  /** RTCP packets (compound) encrypted and decrypted by the fast path's SRTCP. */
  rtcpIn: number;
  rtcpOut: number;
}

/** Counters at zero, for an engine (or a test's or the load generator's fast path) to count into. */
export function newRelayCounters(): RelayCounters {
  return { fastIn: 0, fastOut: 0, engineIn: 0, engineOut: 0, srtpRejected: 0, rtcpIn: 0, rtcpOut: 0 };
}

export interface MediaEngine {
  /** Totals since start (live: read, never written, by observers). */
  readonly counters: Readonly<RelayCounters>;
  createPeer(options: MediaPeerOptions): MediaPeer;
  /** UDP ports a firewall must let through, for the start-up message. */
  describePorts(): string;
  /** How RTP is relayed (which fast path, which SRTP), for the start-up message. */
  describeRelay(): string;
}
