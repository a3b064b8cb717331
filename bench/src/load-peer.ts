import {
  arrivalTimeMs,
  newRelayCounters,
  realtimeMs,
  rtpPayloadOffset,
  SrtpFastPath,
  stampArrivalTimes,
} from "@callgate/gateway/testing";
import { RTCPeerConnection, type RTCRtpTransceiver } from "werift";
import { LatencyLog } from "./latency-log.js";

/** Where a stream's packets went: counts, and one-way latencies (ms) from the stamp in each payload. */
export interface StreamStats {
  sent: number;
  received: number;
  latenciesMs: LatencyLog;
}

/** Packets a stream makes in turn in its own buffers: one is long sent when its turn comes again. */
const PACKET_BUFFERS = 64;
/** Each packet buffer's size: the largest packet (12 + 1,199 bytes) and its SRTP tag. */
const PACKET_BUFFER_BYTES = 1280;

/**
 * Send times are stamped on the realtime clock (in ms, to the nanosecond with the native addon),
 * the clock the kernel stamps each arriving datagram with: a latency ends when the packet reached
 * the receiving peer's socket, so the generator's own event loop (its garbage collections,
 * another peer's turn on the clock) is not counted against the gateway. Where the kernel gave no
 * arrival time (no addon, or a packet that came werift's way) the receive time is taken here.
 */
const now = realtimeMs;
stampArrivalTimes(true);

/** Audio: a packet every 20 ms. Video: about 1 Mbit/s, 1.1 packets of about 1,150 bytes every 10 ms. */
const AUDIO_INTERVAL_MS = 20;
const VIDEO_PACKETS_PER_MS = 0.11;

/**
 * One clock for every peer's media, open loop: each tick sends every packet due since the stream
 * started, so a generator that falls behind sends late bursts (seen as latency) rather than
 * quietly sending less than the nominal rate. The clock ticks every millisecond and each peer has
 * its turn every fifth tick, in a phase of its own: as independent browsers' pacers (every 5 ms)
 * are not in step, the peers' packets are spread over those 5 ms rather than all sent in one
 * burst (which one process's single 5 ms timer made, every peer's packets at once).
 */
const TICK_MS = 1;
const PHASES = 5;
const clocked = new Set<LoadPeer>();
let clock: ReturnType<typeof setInterval> | undefined;
let ticks = 0;
let nextPhase = 0;

function joinClock(peer: LoadPeer): void {
  peer.phase = nextPhase++ % PHASES;
  clocked.add(peer);
  clock ??= setInterval(() => {
    const t = now();
    const phase = ticks++ % PHASES;
    for (const p of clocked) if (p.phase === phase) p.tick(t);
  }, TICK_MS);
}

function leaveClock(peer: LoadPeer): void {
  clocked.delete(peer);
  if (clocked.size === 0 && clock) {
    clearInterval(clock);
    clock = undefined;
  }
}

interface OutStream {
  kind: "audio" | "video";
  sent: number;
  seq: number;
  /** Where its packets are made, in turn (see PACKET_BUFFERS): no buffer to collect per packet. */
  buffers: Buffer[];
}

const outStream = (kind: "audio" | "video"): OutStream => ({
  kind,
  sent: 0,
  seq: 0,
  buffers: Array.from({ length: PACKET_BUFFERS }, () => Buffer.alloc(PACKET_BUFFER_BYTES)),
});

/**
 * A synthetic WebRTC peer for the load generator (werift: real ICE, DTLS-SRTP, RTP/RTCP). It
 * sends audio (50 packets/s, about 100 bytes) and video (about 1 Mbit/s in 1,100-1,200 byte
 * packets) with the send time stamped in the first 8 bytes of each payload, and records the
 * latency of everything it receives. Once connected its RTP goes through the gateway's SRTP fast
 * path, so that the generator costs less than the gateways it measures.
 */
export class LoadPeer {
  readonly pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: "max-bundle" });
  readonly stats: StreamStats = { sent: 0, received: 0, latenciesMs: new LatencyLog() };
  recording = false;
  /** Its turn on the shared clock (see joinClock). */
  phase = 0;
  private readonly transceivers = new Map<"audio" | "video", RTCRtpTransceiver>();
  private fastPath: SrtpFastPath | undefined;
  private readonly counters = newRelayCounters();
  private started = 0;
  /** When media first started: RTP timestamps count from here, on across pauses in the media. */
  private rtpOrigin = 0;
  private readonly out: OutStream[] = [outStream("audio"), outStream("video")];

  constructor() {
    this.pc.onTransceiverAdded.subscribe((t) => this.watch(t));
    this.pc.connectionStateChange.subscribe((state) => {
      const dtls = this.pc.dtlsTransports[0];
      if (state === "connected" && dtls && !this.fastPath)
        this.fastPath = SrtpFastPath.start(
          dtls,
          this.transceivers,
          this.counters,
          (_t, _kind, packet) => this.received(packet, rtpPayloadOffset(packet), arrivalTimeMs()),
          200, // sent video kept for NACKs: the gateways' default min_nack_queue
        );
    });
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

  startMedia(): void {
    this.started = now();
    if (this.rtpOrigin === 0) this.rtpOrigin = this.started;
    for (const s of this.out) s.sent = 0;
    joinClock(this);
  }

  stopMedia(): void {
    leaveClock(this);
  }

  async close(): Promise<void> {
    this.stopMedia();
    this.fastPath?.close();
    await this.pc.close();
  }

  /** Sends what is due by `at` on each stream (see joinClock). */
  tick(at: number): void {
    const elapsed = at - this.started;
    for (const s of this.out) {
      const due =
        s.kind === "audio"
          ? Math.floor(elapsed / AUDIO_INTERVAL_MS)
          : Math.floor(elapsed * VIDEO_PACKETS_PER_MS);
      while (s.sent < due) {
        this.send(s, at);
        s.sent++;
      }
    }
  }

  private send(s: OutStream, at: number): void {
    const t = this.transceivers.get(s.kind);
    if (!t) return;
    const size = s.kind === "audio" ? 100 : 1100 + Math.floor(Math.random() * 100);
    // RTP clock: 48 kHz audio (960 a 20 ms packet), 90 kHz video.
    const since = at - this.rtpOrigin;
    const timestamp = Math.floor((since * (s.kind === "audio" ? 48 : 90)) % 2 ** 32);
    const buffer = s.buffers[s.seq % PACKET_BUFFERS] as Buffer;
    const packet = buffer.subarray(0, 12 + size);
    packet[0] = 0x80;
    packet[1] = 0x80 | (t.codecs[0]?.payloadType ?? 96);
    packet.writeUInt16BE(s.seq++ & 0xffff, 2);
    packet.writeUInt32BE(timestamp >>> 0, 4);
    packet.writeUInt32BE(0, 8); // the SSRC is the sender's, written as the packet is protected
    packet.writeDoubleLE(now(), 12);
    if (this.recording) this.stats.sent++;
    // The fast path encrypts in the packet's own buffer; werift's way gets a copy it may keep.
    if (!this.fastPath?.send(s.kind, packet, buffer.length))
      void t.sender.sendRtp(Buffer.from(packet)).catch(() => {});
  }

  private received(packet: Buffer, offset: number, arrivedAt = 0): void {
    if (!this.recording || offset < 0 || packet.length - offset < 8) return;
    this.stats.received++;
    this.stats.latenciesMs.push((arrivedAt || now()) - packet.readDoubleLE(offset));
  }

  private watch(t: RTCRtpTransceiver): void {
    const kind = t.kind as "audio" | "video";
    if (kind !== "audio" && kind !== "video") return;
    if (this.transceivers.get(kind) === t) return;
    this.transceivers.set(kind, t);
    t.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const packet = rtp.serialize();
        this.received(packet, rtpPayloadOffset(packet));
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
