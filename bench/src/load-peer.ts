import { RTCPeerConnection, type RTCRtpTransceiver, RtpHeader, RtpPacket } from "werift";

/** Where a stream's packets went: counts, and one-way latencies (ms) from the stamp in each payload. */
export interface StreamStats {
  sent: number;
  received: number;
  latenciesMs: number[];
}

const now = () => performance.timeOrigin + performance.now();

/**
 * A synthetic WebRTC peer for the load generator (werift: real ICE, DTLS-SRTP, RTP/RTCP). It
 * sends audio (50 packets/s, about 100 bytes) and video (about 1 Mbit/s in 1,100-1,200 byte
 * packets) with the send time stamped in the first 8 bytes of each payload, and records the
 * latency of everything it receives.
 */
export class LoadPeer {
  readonly pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: "max-bundle" });
  readonly stats: StreamStats = { sent: 0, received: 0, latenciesMs: [] };
  recording = false;
  private readonly transceivers = new Map<"audio" | "video", RTCRtpTransceiver>();
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor() {
    this.pc.onTransceiverAdded.subscribe((t) => this.watch(t));
  }

  addMedia(): void {
    for (const kind of ["audio", "video"] as const)
      this.watch(this.pc.addTransceiver(kind, { direction: "sendrecv" }));
  }

  async offer(): Promise<{ type: "offer"; sdp: string }> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered();
    return { type: "offer", sdp: this.pc.localDescription!.sdp };
  }

  async answer(offer: { sdp: string }): Promise<{ type: "answer"; sdp: string }> {
    await this.pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    for (const t of this.pc.getTransceivers()) t.setDirection("sendrecv");
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    return { type: "answer", sdp: this.pc.localDescription!.sdp };
  }

  async accept(answer: { sdp: string }): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  }

  /** Starts sending: audio every 20 ms, video in bursts every 10 ms (about 110 packets/s). */
  startMedia(): void {
    this.stream("audio", 20, 1, () => 100);
    // About 1 Mbit/s: 1.1 packets of about 1,150 bytes every 10 ms.
    let carry = 0;
    this.stream(
      "video",
      10,
      1,
      () => 1100 + Math.floor(Math.random() * 100),
      () => {
        carry += 0.1;
        if (carry >= 1) {
          carry -= 1;
          return 2;
        }
        return 1;
      },
    );
  }

  stopMedia(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  async close(): Promise<void> {
    this.stopMedia();
    await this.pc.close();
  }

  private stream(
    kind: "audio" | "video",
    everyMs: number,
    _perTick: number,
    size: () => number,
    burst: () => number = () => 1,
  ): void {
    const t = this.transceivers.get(kind);
    if (!t) throw new Error(`no ${kind} transceiver`);
    let seq = 0;
    let ts = 0;
    const pt = t.codecs[0]?.payloadType ?? 96;
    this.timers.push(
      setInterval(() => {
        const n = burst();
        ts += kind === "audio" ? 960 : 900;
        for (let i = 0; i < n; i++) {
          const payload = Buffer.alloc(size());
          payload.writeDoubleLE(now(), 0);
          const header = new RtpHeader({
            payloadType: pt,
            sequenceNumber: seq++ & 0xffff,
            timestamp: ts,
            marker: i === n - 1,
          });
          if (this.recording) this.stats.sent++;
          void t.sender.sendRtp(new RtpPacket(header, payload)).catch(() => {});
        }
      }, everyMs),
    );
  }

  private watch(t: RTCRtpTransceiver): void {
    const kind = t.kind as "audio" | "video";
    if (kind !== "audio" && kind !== "video") return;
    if (this.transceivers.get(kind) === t) return;
    this.transceivers.set(kind, t);
    t.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        if (!this.recording || rtp.payload.length < 8) return;
        this.stats.received++;
        this.stats.latenciesMs.push(now() - rtp.payload.readDoubleLE(0));
      }),
    );
  }

  private gathered(): Promise<void> {
    return new Promise((resolve) => {
      if (this.pc.iceGatheringState === "complete") resolve();
      this.pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
    });
  }
}
