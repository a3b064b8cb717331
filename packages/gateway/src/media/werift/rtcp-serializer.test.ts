import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PictureLossIndication,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  SourceDescriptionChunk,
  SourceDescriptionItem,
} from "werift";
import { serializeRtcp } from "./rtcp-serializer.js";

const report = (ssrc: number, packetsLost = 3) =>
  new RtcpReceiverInfo({
    ssrc,
    fractionLost: 17,
    packetsLost,
    highestSequence: 0x0001_fffe,
    jitter: 42,
    lsr: 0xdead_beef,
    dlsr: 65536 * 2,
  });

const senderReport = (reports: RtcpReceiverInfo[]) =>
  new RtcpSrPacket({
    ssrc: 0xf000_0001,
    senderInfo: new RtcpSenderInfo({
      ntpTimestamp: 0xe9a1_2345_8000_0001n,
      rtpTimestamp: 0xffff_fff0,
      packetCount: 1234,
      octetCount: 1_234_567,
    }),
    reports,
  });

const description = (cname: string) =>
  new RtcpSourceDescriptionPacket({
    chunks: [
      new SourceDescriptionChunk({
        source: 0xf000_0001,
        items: [new SourceDescriptionItem({ type: 1, text: cname })],
      }),
    ],
  });

const weriftCompound = (packets: { serialize(): Buffer }[]) =>
  Buffer.concat(packets.map((p) => p.serialize()));

describe("serializeRtcp", () => {
  it("writes sender reports as werift does, with 0, 1 and 2 reception reports", () => {
    for (const reports of [[], [report(7)], [report(7), report(8)]]) {
      const packet = senderReport(reports);
      assert.deepEqual(serializeRtcp([packet]), packet.serialize());
    }
  });

  it("writes receiver reports as werift does", () => {
    for (const reports of [[], [report(7)], [report(7), report(8)]]) {
      const packet = new RtcpRrPacket({ ssrc: 5, reports });
      assert.deepEqual(serializeRtcp([packet]), packet.serialize());
    }
  });

  it("writes a sender report with its source description as one compound packet, as werift did", () => {
    // Items not ending on a 32-bit boundary: werift's chunk then ends in its padding's zero octets.
    for (const cname of ["abcde", "abcdefg", "abcdefgh", "a-37-character-cname-like-a-uuid-0001"]) {
      const packets = [senderReport([report(9)]), description(cname)];
      assert.deepEqual(serializeRtcp(packets), weriftCompound(packets), cname);
    }
  });

  it("ends a source description's items with a null octet even on a 32-bit boundary (RFC 3550 §6.5)", () => {
    const packet = description("abcd"); // SSRC 4 + type, length 2 + 4 bytes = 10: pads to 12
    const wire = serializeRtcp([packet]);
    assert.equal(wire.length, 4 + 12);
    const aligned = description("abcdef12"); // 4 + 2 + 8 = 14 → 16, with the null inside
    assert.equal(serializeRtcp([aligned]).length, 4 + 16);
    const onBoundary = description("abcdef"); // 4 + 2 + 6 = 12: werift wrote no null octet
    const ours = serializeRtcp([onBoundary]);
    assert.equal(ours.length, 4 + 16);
    assert.equal(ours.readUInt16BE(2), 4, "length in 32-bit words minus one");
    assert.deepEqual([...ours.subarray(16)], [0, 0, 0, 0]);
    const [parsed] = RtcpPacketConverter.deSerialize(ours) as RtcpSourceDescriptionPacket[];
    assert.equal(parsed?.chunks[0]?.items[0]?.text, "abcdef");
  });

  it("leaves other packets (feedback) to werift's serializer, in the compound's order", () => {
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: 2 }),
    });
    const rr = new RtcpRrPacket({ ssrc: 5, reports: [report(7)] });
    assert.deepEqual(serializeRtcp([rr, pli]), weriftCompound([rr, pli]));
    assert.deepEqual(serializeRtcp([pli]), pli.serialize());
  });

  it("writes a negative cumulative loss as a signed 24-bit count, which werift could not", () => {
    const packet = new RtcpRrPacket({ ssrc: 5, reports: [report(7, -2)] });
    assert.throws(() => packet.serialize());
    const wire = serializeRtcp([packet]);
    assert.equal(wire.readIntBE(4 + 4 + 5, 3), -2);
  });

  it("gives what werift parses back to the same fields", () => {
    const packets = [senderReport([report(7), report(8)]), description("someone@callgate")];
    const [sr, sdes] = RtcpPacketConverter.deSerialize(serializeRtcp(packets)) as [
      RtcpSrPacket,
      RtcpSourceDescriptionPacket,
    ];
    assert.equal(sr.ssrc, 0xf000_0001);
    assert.equal(sr.senderInfo.ntpTimestamp, 0xe9a1_2345_8000_0001n);
    assert.equal(sr.senderInfo.rtpTimestamp, 0xffff_fff0);
    assert.deepEqual(
      sr.reports.map((r) => r.ssrc),
      [7, 8],
    );
    assert.equal(sr.reports[1]?.lsr, 0xdead_beef);
    assert.equal(sdes.chunks[0]?.items[0]?.text, "someone@callgate");
  });
});
