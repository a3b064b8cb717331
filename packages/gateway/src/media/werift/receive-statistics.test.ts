import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RTCRtpCodecParameters, RTCRtpReceiver, RtpHeader, RtpPacket } from "werift";
import { countReceived } from "./receive-statistics.js";
import type { RtpPacketView, StreamStatisticsInternals } from "./werift-internals.js";

/** werift's own StreamStatistics class (not exported): made by a receiver for a stream's first packet. */
function weriftStatistics(clockRate: number): new (clockRate: number) => StreamStatisticsInternals {
  const receiver = new RTCRtpReceiver({} as never, "video", 1);
  const codec = new RTCRtpCodecParameters({ mimeType: "video/VP8", clockRate, payloadType: 96 });
  (receiver as unknown as { codecs: Record<number, RTCRtpCodecParameters> }).codecs[96] = codec;
  (
    receiver as unknown as { handleRTP(packet: RtpPacket, extensions: object, track: undefined): void }
  ).handleRTP(
    new RtpPacket(new RtpHeader({ ssrc: 7, payloadType: 96, sequenceNumber: 1 }), Buffer.alloc(4)),
    {},
    undefined,
  );
  const stats = (receiver as unknown as { remoteStreams: Record<number, object> }).remoteStreams[7]!;
  receiver.stop(); // its RTCP loop and NACK timer
  return stats.constructor as new (
    clockRate: number,
  ) => StreamStatisticsInternals;
}

const FIELDS = [
  "base_seq",
  "max_seq",
  "cycles",
  "packets_received",
  "bytesReceived",
  "headerBytesReceived",
  "jitter_q4",
  "last_arrival",
  "last_timestamp",
] as const;

describe("fast-path receive statistics", () => {
  it("leave werift's fields as werift's own add does: in order, reordered, lost, wrapping, jittered", () => {
    const StreamStatistics = weriftStatistics(90_000);
    const theirs = new StreamStatistics(90_000);
    const ours = new StreamStatistics(90_000);
    // Sequence numbers around the 16-bit wrap, one late, two lost, timestamps with uneven spacing.
    const sequence = [65530, 65531, 65533, 65532, 65534, 65535, 0, 1, 4, 3, 5, 6, 7];
    let nowMs = 1_764_000_000_123.4;
    for (const [i, seq] of sequence.entries()) {
      nowMs += 20 + (i % 3) * 7.3;
      const timestamp = (3_000_000_000 + i * 1_800 + (i % 2) * 450) >>> 0;
      const view: RtpPacketView = {
        header: { sequenceNumber: seq, timestamp, ssrc: 7, serializeSize: 12 + (i % 2) * 8 },
        payload: { length: 1_000 + i },
      };
      theirs.add(view, nowMs / 1000);
      countReceived(ours, seq, timestamp, view.header.serializeSize, view.payload.length, nowMs);
      for (const field of FIELDS) assert.equal(ours[field], theirs[field], `${field} after packet ${i}`);
    }
    assert.equal(ours.cycles, 1 << 16);
    assert.ok(ours.jitter_q4 > 0);
    assert.equal(ours.lastPacketReceivedTimestamp, nowMs);
  });
});
