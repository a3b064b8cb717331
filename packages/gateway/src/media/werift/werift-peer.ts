import {
  type PeerConfig,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  type RTCSessionDescriptionInit,
  type RtcpPacket,
  RtcpPayloadSpecificFeedback,
  type RtpPacket,
} from "werift";
import { nativeDtlsAvailable } from "../dtls/native-dtls.js";
import type { HostCandidates } from "../host-candidates.js";
import type {
  MediaKind,
  MediaPeer,
  MediaPeerOptions,
  RelayCounters,
  RemoteCandidate,
} from "../media-peer.js";
import { SlowlinkCounter } from "../slowlink-counter.js";
import { NativeDtlsSocket, nativeDtlsSocketFactory } from "./native-dtls-socket.js";
import { rembPacket } from "./remb.js";
import { fastPathEnabled, SrtpFastPath } from "./srtp-fast-path.js";
import { dtlsInternals, gatherCandidates, withDtlsSocketFactory } from "./werift-internals.js";

export interface WeriftSettings {
  /** Which local addresses become host candidates, and how the SDP shows them (1:1 NAT). */
  hosts: HostCandidates;
  portRange: [number, number] | undefined;
  iceServers: Array<{ urls: string; username?: string; credential?: string }>;
}

/** What Callgate negotiates: Opus, and VP8 with the feedback a relay needs (no TWCC: see docs/media.md). */
const codecs: Partial<PeerConfig["codecs"]> = {
  audio: [
    new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2, rtcpFeedback: [] }),
  ],
  video: [
    new RTCRtpCodecParameters({
      mimeType: "video/VP8",
      clockRate: 90000,
      rtcpFeedback: [
        { type: "nack" },
        { type: "nack", parameter: "pli" },
        { type: "ccm", parameter: "fir" },
        { type: "goog-remb" },
      ],
    }),
  ],
};

/** How long local candidate gathering may take before the answer goes out anyway. */
const GATHERING_TIMEOUT_MS = 5000;
/** A REMB at or above this is Janus's "no cap" (plugins send 10 Mbps for bitrate 0). */
const NO_CAP_BPS = 10_000_000;
const REMB_INTERVAL_MS = 1000;
/** Nothing at all from a connected peer for this long: it is gone (see startWatch). */
const VANISHED_AFTER_MS = 8000;

/**
 * An m-line's RTP, as the watch needs it. Packets are counted, not timed: the watch, every half
 * second, notes when the count last moved, so the relay's hot path makes no clock call per packet.
 */
interface MlineActivity {
  packets: number;
  /** The count when the watch last looked, and when it last saw it move. */
  seen: number;
  at: number;
  /** Whether `media(receiving=true)` is the last event sent for it. */
  receiving: boolean;
}

export class WeriftPeer implements MediaPeer {
  private readonly pc: RTCPeerConnection;
  private readonly hosts: HostCandidates;
  private readonly slowlink: SlowlinkCounter;
  private readonly transceivers = new Map<MediaKind, RTCRtpTransceiver>();
  /** RTP on each m-line (see MlineActivity). */
  private readonly activity = new Map<string, MlineActivity>();
  private watchTimer: NodeJS.Timeout | undefined;
  /** RTP and RTCP packets from the peer, counted; the watch notes when the count last moved. */
  private heard = 0;
  private heardSeen = 0;
  /** When the watch last saw `heard` move: within half a second of the peer's last packet. */
  private lastHeard = 0;
  private rembTimer: NodeJS.Timeout | undefined;
  /** The REMB cap a plugin set (bits per second), sent once the peer is connected. */
  private bitrateCap: number | undefined;
  private connected = false;
  private done = false;
  /** RTP past werift once DTLS is up (see SrtpFastPath); werift's own path is the fallback. */
  private fastPath: SrtpFastPath | undefined;

  constructor(
    settings: WeriftSettings,
    private readonly options: MediaPeerOptions,
    private readonly counters: RelayCounters,
  ) {
    this.hosts = settings.hosts;
    this.slowlink = new SlowlinkCounter(options.slowlinkThreshold, (mid, kind, uplink, lost) => {
      if (!this.done) options.events.slowlink(mid, kind, uplink, lost);
    });
    const config: Partial<PeerConfig> = {
      iceServers: settings.iceServers,
      // werift skips loopback unless told; excluded addresses still get a socket from werift, so
      // they are kept out of the SDP and out of every candidate pair.
      iceAdditionalHostAddresses: settings.hosts.loopbackAddresses,
      iceFilterCandidatePair: (pair) =>
        pair.localCandidate.type !== "host" || settings.hosts.allows(pair.localCandidate.host),
      icePortRange: settings.portRange,
      codecs,
      headerExtensions: { audio: [], video: [] },
      bundlePolicy: "max-bundle",
    };
    // DTLS on OpenSSL when the addon is built: a handshake step in werift's JavaScript takes
    // several milliseconds, and call set-up waits on them.
    this.pc = new RTCPeerConnection(
      nativeDtlsAvailable() ? withDtlsSocketFactory(config, nativeDtlsSocketFactory) : config,
    );
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === "connected" && !this.connected) {
        this.connected = true;
        // werift leaves the PeerConnection "connected" when the peer's close_notify closes DTLS.
        for (const dtls of this.pc.dtlsTransports) {
          dtls.onStateChange.subscribe((dtlsState) => {
            if (dtlsState === "closed" && !this.done) this.close("DTLS alert");
          });
        }
        this.startFastPath();
        this.options.events.connected();
        this.startWatch();
        this.sendRemb();
      } else if (state === "failed") {
        this.close("ICE failed");
      } else if (state === "closed" && !this.done) {
        this.close("DTLS alert");
      }
    });
    this.pc.onTransceiverAdded.subscribe((t) => this.watch(t));
    if (options.fullTrickle) {
      this.pc.onIceCandidate.subscribe((candidate) => {
        if (this.done || !candidate) return;
        for (const rewritten of this.hosts.rewriteCandidate(candidate.candidate)) {
          options.events.localCandidate({
            candidate: rewritten,
            sdpMid: candidate.sdpMid,
            sdpMLineIndex: candidate.sdpMLineIndex,
          });
        }
      });
      this.pc.iceGatheringStateChange.subscribe((state) => {
        if (state === "complete" && !this.done) options.events.localCandidate(null);
      });
    }
  }

  get closed(): boolean {
    return this.done;
  }

  /** An offer being answered ahead of the answer's use (see prepareAnswer). */
  private prepared: { sdp: string; answer: Promise<RTCSessionDescriptionInit> } | undefined;

  prepareAnswer(offerSdp: string): void {
    if (this.done) return;
    // werift starts ICE (and so DTLS) only once an answer is set: taking the offer in, gathering
    // candidates (half-trickle: they go in the answer) and building the answer now is safe, and
    // leaves setting it for the moment it is needed. With full trickle, candidates gathered now
    // would be trickled before the answer: those wait for setLocalDescription.
    const answer = this.applyOffer(offerSdp)
      .then(() => (this.options.fullTrickle ? undefined : gatherCandidates(this.pc)))
      .then(() => this.pc.createAnswer());
    answer.catch(() => {}); // answer() reports it
    this.prepared = { sdp: offerSdp, answer };
  }

  async answer(offerSdp: string): Promise<string> {
    const prepared = this.prepared;
    this.prepared = undefined;
    let answer: RTCSessionDescriptionInit;
    if (prepared?.sdp === offerSdp) answer = await prepared.answer;
    else {
      await prepared?.answer.catch(() => {}); // a newer offer came: one remote description at a time
      await this.applyOffer(offerSdp);
      answer = await this.pc.createAnswer();
    }
    await this.pc.setLocalDescription(answer);
    this.resumeIceAfterRestart();
    return this.localSdp();
  }

  private async applyOffer(offerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    for (const t of this.pc.getTransceivers()) {
      this.watch(t);
      // Everything the browser sends comes back to it (EchoTest) or goes to its peer (VideoCall).
      if (t.direction === "recvonly") t.setDirection("sendrecv");
    }
  }

  private offered = false;

  get awaitingAnswer(): boolean {
    return this.offered;
  }

  async offer(kinds: MediaKind[]): Promise<string> {
    for (const kind of kinds) this.watch(this.pc.addTransceiver(kind, { direction: "sendrecv" }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.offered = true;
    return this.localSdp();
  }

  async acceptAnswer(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp: answerSdp });
    this.offered = false;
    this.resumeIceAfterRestart();
  }

  async addRemoteCandidate(candidate: RemoteCandidate | null): Promise<void> {
    if (this.done || !candidate) return;
    await this.pc.addIceCandidate(candidate).catch(() => {});
  }

  sendRtp(kind: MediaKind, packet: Buffer): void {
    if (!this.connected || this.done) return;
    if (this.fastPath?.send(kind, packet)) {
      this.counters.fastOut++;
      return;
    }
    this.counters.engineOut++;
    // A copy: werift works on the packet after awaits, and a relayed packet is only valid during delivery.
    this.transceivers
      .get(kind)
      ?.sender.sendRtp(Buffer.from(packet))
      .catch(() => {});
  }

  requestKeyframe(kind: MediaKind): void {
    const t = this.transceivers.get(kind);
    const ssrc = t?.receiver.tracks[0]?.ssrc;
    if (t && ssrc !== undefined) t.receiver.sendRtcpPLI(ssrc).catch(() => {});
  }

  capBitrate(bitsPerSecond: number): void {
    this.bitrateCap = bitsPerSecond;
    if (this.rembTimer) clearInterval(this.rembTimer);
    this.slowlink.close();
    this.rembTimer = undefined;
    this.sendRemb();
    // Browsers treat REMB as a live estimate, so a cap is repeated every second while it holds (10 Mbps and up is "no cap").
    if (bitsPerSecond < NO_CAP_BPS) {
      this.rembTimer = setInterval(() => this.sendRemb(), REMB_INTERVAL_MS);
      this.rembTimer.unref();
    }
  }

  private sendRemb(): void {
    const t = this.transceivers.get("video");
    const ssrc = t?.receiver.tracks[0]?.ssrc;
    if (!t || ssrc === undefined || !this.connected || this.done || this.bitrateCap === undefined) return;
    const remb = rembPacket(t.sender.ssrc, ssrc, this.bitrateCap);
    t.dtlsTransport?.sendRtcp([remb]).catch(() => {});
  }

  /**
   * werift 0.24 restarts ICE when the remote credentials change, dropping the selected pair, but
   * then skips the new connectivity checks because DTLS is still up: media stops. Start them.
   */
  private resumeIceAfterRestart(): void {
    for (const dtls of this.pc.dtlsTransports) {
      const ice = dtls.iceTransport;
      if (dtls.state === "connected" && !ice.connection.nominated && ice.connection.remoteUsername) {
        ice.start().catch(() => {}); // a failure shows as connectionState "failed", which closes the peer
      }
    }
  }

  close(reason: string): void {
    if (this.done) return;
    this.done = true;
    if (this.watchTimer) clearInterval(this.watchTimer);
    if (this.rembTimer) clearInterval(this.rembTimer);
    this.slowlink.close();
    this.fastPath?.close();
    // As Janus, the peer hears a close_notify at hang-up (werift's own DTLS sends none); the
    // sockets close a turn later, once it is on its way (dgram sends after a lookup tick).
    for (const dtls of this.pc.dtlsTransports) {
      const socket = dtlsInternals(dtls).dtls;
      if (socket instanceof NativeDtlsSocket) socket.close();
    }
    setImmediate(() => this.pc.close().catch(() => {}));
    this.options.events.closed(reason);
  }

  private watched = new WeakSet<RTCRtpTransceiver>();

  private watch(t: RTCRtpTransceiver): void {
    if (this.watched.has(t)) return;
    this.watched.add(t);
    const kind = t.kind as MediaKind;
    if (kind !== "audio" && kind !== "video") return;
    this.transceivers.set(kind, t);
    t.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
        this.counters.engineIn++;
        this.received(t, kind, rtp.serialize());
      });
    });
    // A browser's PLI/FIR names our sender's SSRC as its media SSRC, but werift routes payload-
    // specific feedback by the feedback's *sender* SSRC first, which is the browser's own send
    // SSRC: the request then lands on our receiver, not our sender. Listen on both, match by SSRC.
    const onFeedback = (rtcp: RtcpPacket) => {
      this.heard++;
      if (rtcp.type !== RtcpPayloadSpecificFeedback.type) return;
      const feedback = (rtcp as RtcpPayloadSpecificFeedback).feedback as {
        count: number;
        mediaSsrc?: number;
      };
      // FMT 1 = PLI, 4 = FIR
      if (
        (feedback.count === 1 || feedback.count === 4) &&
        (feedback.mediaSsrc === t.sender.ssrc || feedback.mediaSsrc === 0)
      ) {
        this.options.events.keyframeRequest(kind);
      }
    };
    t.sender.onRtcp.subscribe(onFeedback);
    t.receiver.onRtcp.subscribe(onFeedback);
    if (this.slowlink.enabled) {
      t.sender.onGenericNack.subscribe((nack) =>
        this.slowlink.add(t.mid ?? kind, kind, true, nack.lost.length),
      );
      t.receiver.onPacketLost.subscribe((nack) =>
        this.slowlink.add(t.mid ?? kind, kind, false, nack.lost.length),
      );
    }
  }

  private startFastPath(): void {
    const dtls = this.pc.dtlsTransports[0];
    if (!dtls || !fastPathEnabled()) return;
    this.fastPath = SrtpFastPath.start(
      dtls,
      this.transceivers,
      this.counters,
      (t, kind, packet) => {
        this.counters.fastIn++;
        this.received(t, kind, packet);
      },
      this.options.minNackQueue,
    );
  }

  private received(t: RTCRtpTransceiver, kind: MediaKind, packet: Buffer): void {
    const mid = t.mid ?? kind;
    this.heard++;
    let activity = this.activity.get(mid);
    if (!activity) {
      activity = { packets: 0, seen: 0, at: Date.now(), receiving: false };
      this.activity.set(mid, activity);
    }
    activity.packets++;
    if (!activity.receiving) {
      activity.receiving = true;
      this.options.events.media(mid, kind, true);
    }
    this.options.events.rtp(kind, packet);
  }

  /**
   * Every half second: Janus's no-media events, and the vanished-peer check. A connected browser
   * sends RTP or RTCP at least every few seconds, muted or not; when nothing at all has come for
   * VANISHED_AFTER_MS the peer is gone without a DTLS alert (closed laptop, lost network), and the
   * call ends now rather than after ICE consent expires (30 s).
   */
  private startWatch(): void {
    const limitMs = this.options.noMediaTimer * 1000;
    this.lastHeard = Date.now();
    this.heardSeen = this.heard;
    this.watchTimer = setInterval(() => {
      const now = Date.now();
      if (this.heard !== this.heardSeen) {
        this.heardSeen = this.heard;
        this.lastHeard = now;
      }
      if (now - this.lastHeard >= VANISHED_AFTER_MS) {
        this.close("ICE failed");
        return;
      }
      if (limitMs <= 0) return;
      for (const t of this.transceivers.values()) {
        const mid = t.mid ?? t.kind;
        const activity = this.activity.get(mid);
        if (!activity) continue;
        if (activity.packets !== activity.seen) {
          activity.seen = activity.packets;
          activity.at = now;
        }
        if (activity.receiving && now - activity.at >= limitMs) {
          activity.receiving = false;
          this.options.events.media(mid, t.kind as MediaKind, false);
        }
      }
    }, 500);
    this.watchTimer.unref();
  }

  /** The local SDP to send: with every candidate (half-trickle), or at once without any (full trickle). */
  private async localSdp(): Promise<string> {
    if (!this.options.fullTrickle) {
      await this.gathered();
      return this.hosts.rewriteSdp(this.pc.localDescription!.sdp);
    }
    return this.pc
      .localDescription!.sdp.split("\r\n")
      .filter((line) => !line.startsWith("a=candidate:") && line !== "a=end-of-candidates")
      .join("\r\n");
  }

  private gathered(): Promise<void> {
    if (this.pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, GATHERING_TIMEOUT_MS);
      this.pc.iceGatheringStateChange.subscribe((state) => {
        if (state === "complete") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }
}
