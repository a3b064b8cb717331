import {
  type PeerConfig,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  type RtcpPacket,
  RtcpPayloadSpecificFeedback,
  type RtpPacket,
} from "werift";
import type { HostCandidates } from "../host-candidates.js";
import type { MediaKind, MediaPeer, MediaPeerOptions, RemoteCandidate } from "../media-peer.js";
import { rembPacket } from "./remb.js";

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

export class WeriftPeer implements MediaPeer {
  private readonly pc: RTCPeerConnection;
  private readonly hosts: HostCandidates;
  private readonly transceivers = new Map<MediaKind, RTCRtpTransceiver>();
  private readonly lastRtp = new Map<string, number>();
  private readonly receiving = new Set<string>();
  private noMediaTimer: NodeJS.Timeout | undefined;
  private rembTimer: NodeJS.Timeout | undefined;
  /** The REMB cap a plugin set (bits per second), sent once the peer is connected. */
  private bitrateCap: number | undefined;
  private connected = false;
  private done = false;

  constructor(
    settings: WeriftSettings,
    private readonly options: MediaPeerOptions,
  ) {
    this.hosts = settings.hosts;
    this.pc = new RTCPeerConnection({
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
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === "connected" && !this.connected) {
        this.connected = true;
        this.options.events.connected();
        this.startNoMediaTimer();
        this.sendRemb();
      } else if (state === "failed") {
        this.close("ICE failed");
      } else if (state === "closed" && !this.done) {
        this.close("DTLS alert");
      }
    });
    this.pc.onTransceiverAdded.subscribe((t) => this.watch(t));
  }

  get closed(): boolean {
    return this.done;
  }

  async answer(offerSdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    for (const t of this.pc.getTransceivers()) {
      this.watch(t);
      // Everything the browser sends comes back to it (EchoTest) or goes to its peer (VideoCall).
      if (t.direction === "recvonly") t.setDirection("sendrecv");
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.resumeIceAfterRestart();
    await this.gathered();
    return this.hosts.rewriteSdp(this.pc.localDescription!.sdp);
  }

  private offered = false;

  get awaitingAnswer(): boolean {
    return this.offered;
  }

  async offer(kinds: MediaKind[]): Promise<string> {
    for (const kind of kinds) this.watch(this.pc.addTransceiver(kind, { direction: "sendrecv" }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.offered = true;
    await this.gathered();
    return this.hosts.rewriteSdp(this.pc.localDescription!.sdp);
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
    this.transceivers
      .get(kind)
      ?.sender.sendRtp(packet)
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
    if (this.slowlinkTimer) clearInterval(this.slowlinkTimer);
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
    if (this.noMediaTimer) clearInterval(this.noMediaTimer);
    if (this.rembTimer) clearInterval(this.rembTimer);
    if (this.slowlinkTimer) clearInterval(this.slowlinkTimer);
    this.pc.close().catch(() => {});
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
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => this.received(t, kind, rtp));
    });
    // A browser's PLI/FIR names our sender's SSRC as its media SSRC, but werift routes payload-
    // specific feedback by the feedback's *sender* SSRC first, which is the browser's own send
    // SSRC: the request then lands on our receiver, not our sender. Listen on both, match by SSRC.
    const onFeedback = (rtcp: RtcpPacket) => {
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
    if (this.options.slowlinkThreshold > 0) {
      t.sender.onGenericNack.subscribe((nack) => this.lost(t, kind, true, nack.lost.length));
      t.receiver.onPacketLost.subscribe((nack) => this.lost(t, kind, false, nack.lost.length));
    }
  }

  /** Lost packets counted per m-line and direction over the current second, for `slowlink`. */
  private readonly lostThisSecond = new Map<
    string,
    { t: RTCRtpTransceiver; kind: MediaKind; uplink: boolean; lost: number }
  >();
  private slowlinkTimer: NodeJS.Timeout | undefined;

  private lost(t: RTCRtpTransceiver, kind: MediaKind, uplink: boolean, count: number): void {
    if (this.done || count === 0) return;
    const key = `${t.mid ?? kind}/${uplink}`;
    const entry = this.lostThisSecond.get(key) ?? { t, kind, uplink, lost: 0 };
    entry.lost += count;
    this.lostThisSecond.set(key, entry);
    this.slowlinkTimer ??= setInterval(() => this.checkSlowlink(), 1000).unref();
  }

  private checkSlowlink(): void {
    for (const { t, kind, uplink, lost } of this.lostThisSecond.values()) {
      if (lost >= this.options.slowlinkThreshold)
        this.options.events.slowlink(t.mid ?? kind, kind, uplink, lost);
    }
    this.lostThisSecond.clear();
  }

  private received(t: RTCRtpTransceiver, kind: MediaKind, rtp: RtpPacket): void {
    const mid = t.mid ?? kind;
    this.lastRtp.set(mid, Date.now());
    if (!this.receiving.has(mid)) {
      this.receiving.add(mid);
      this.options.events.media(mid, kind, true);
    }
    this.options.events.rtp(kind, rtp.serialize());
  }

  private startNoMediaTimer(): void {
    const limitMs = this.options.noMediaTimer * 1000;
    if (limitMs <= 0) return;
    this.noMediaTimer = setInterval(() => {
      const now = Date.now();
      for (const t of this.transceivers.values()) {
        const mid = t.mid ?? t.kind;
        const last = this.lastRtp.get(mid);
        if (last !== undefined && this.receiving.has(mid) && now - last >= limitMs) {
          this.receiving.delete(mid);
          this.options.events.media(mid, t.kind as MediaKind, false);
        }
      }
    }, 500);
    this.noMediaTimer.unref();
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
