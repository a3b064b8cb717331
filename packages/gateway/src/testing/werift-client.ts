import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  RtpHeader,
  RtpPacket,
} from "werift";

export interface ReceivedPacket {
  seq: number;
  ssrc: number;
  payloadType: number;
  payload: string;
}

export interface TestPeerOptions {
  /** Payload types to offer for Opus and VP8 (werift's own numbers otherwise), to test PT mapping. */
  payloadTypes?: { audio: number; video: number };
}

/** A werift peer standing in for a browser in Node tests: max-bundle, loopback only, no STUN. */
export class TestPeer {
  readonly pc: RTCPeerConnection;
  readonly received = { audio: [] as string[], video: [] as string[] };
  /** Every packet received, with the header fields tests check. */
  readonly packets = { audio: [] as ReceivedPacket[], video: [] as ReceivedPacket[] };
  private readonly transceivers = new Map<"audio" | "video", RTCRtpTransceiver>();

  constructor(options: TestPeerOptions = {}) {
    const pt = options.payloadTypes;
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceAdditionalHostAddresses: ["127.0.0.1"],
      bundlePolicy: "max-bundle",
      ...(pt && {
        codecs: {
          audio: [
            new RTCRtpCodecParameters({
              mimeType: "audio/opus",
              clockRate: 48000,
              channels: 2,
              payloadType: pt.audio,
            }),
          ],
          video: [
            new RTCRtpCodecParameters({
              mimeType: "video/VP8",
              clockRate: 90000,
              payloadType: pt.video,
              rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "goog-remb" }],
            }),
          ],
        },
      }),
    });
    // Tracks are announced while a remote description is applied: watch transceivers from the start.
    this.pc.onTransceiverAdded.subscribe((t) => {
      if (t.kind === "audio" || t.kind === "video") this.watch(t);
    });
  }

  /** Adds send-and-receive audio and video, for a peer that offers. */
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
    for (const t of this.pc.getTransceivers()) {
      if (t.kind === "audio" || t.kind === "video") {
        t.setDirection("sendrecv");
        this.watch(t);
      }
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    return { type: "answer", sdp: this.pc.localDescription!.sdp };
  }

  async accept(answer: { sdp: string }): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    // werift skips the new ICE checks after an ICE restart while DTLS is up (the gateway's
    // WeriftPeer works around the same bug): start them, as a browser would run them.
    for (const dtls of this.pc.dtlsTransports) {
      const ice = dtls.iceTransport;
      if (dtls.state === "connected" && !ice.connection.nominated) ice.start().catch(() => {});
    }
  }

  /** The next RTP sequence number per kind: a real sender never reuses one (SRTP drops replays). */
  private readonly nextSeq = { audio: 0, video: 0 };

  /**
   * Sends `count` RTP packets whose payloads are `${label}-${i}`, numbered on from the last ones
   * sent of this kind after leaving out `skip` numbers (packets "lost" on the way).
   */
  async send(kind: "audio" | "video", label: string, count: number, gapMs = 10, skip = 0): Promise<void> {
    const t = this.transceivers.get(kind)!;
    const pt = t.codecs[0]?.payloadType ?? 96;
    const first = this.nextSeq[kind] + skip;
    this.nextSeq[kind] = first + count;
    for (let i = 0; i < count; i++) {
      const header = new RtpHeader({
        payloadType: pt,
        sequenceNumber: (first + i) & 0xffff,
        timestamp: ((first + i) * 3000) >>> 0,
        marker: true,
      });
      await t.sender.sendRtp(new RtpPacket(header, Buffer.from(`${label}-${i}`)));
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  close(): Promise<void> {
    return this.pc.close();
  }

  private watch(t: RTCRtpTransceiver): void {
    const kind = t.kind as "audio" | "video";
    if (this.transceivers.get(kind) === t) return;
    this.transceivers.set(kind, t);
    t.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const payload = rtp.payload.toString();
        this.received[kind].push(payload);
        this.packets[kind].push({
          seq: rtp.header.sequenceNumber,
          ssrc: rtp.header.ssrc,
          payloadType: rtp.header.payloadType,
          payload,
        });
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

/** UDP sockets open in this process (gateway and test peers alike). */
export function udpSockets(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (h) => h?.constructor?.name === "Socket" && "bind" in (h as object) && "send" in (h as object),
  ).length;
}

export async function eventually(
  condition: () => boolean,
  timeoutMs = 5000,
  what = "condition",
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
