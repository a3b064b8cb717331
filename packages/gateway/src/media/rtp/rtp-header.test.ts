import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtpHeader, RtpPacket } from "werift";
import {
  isRtp,
  rewriteRtpSource,
  rtpPayloadOffset,
  rtpSequenceNumber,
  rtpSsrc,
  rtpTimestamp,
} from "./rtp-header.js";

describe("RTP header in place", () => {
  const packet = (extra: Partial<RtpHeader> = {}) =>
    new RtpPacket(
      new RtpHeader({
        sequenceNumber: 513,
        timestamp: 0xfffffff0,
        ssrc: 0xdeadbeef,
        payloadType: 96,
        ...extra,
      }),
      Buffer.from("payload"),
    ).serialize();

  it("reads the fields and finds the payload after CSRCs and an extension", () => {
    const plain = packet();
    assert.equal(rtpPayloadOffset(plain), 12);
    assert.equal(rtpSequenceNumber(plain), 513);
    assert.equal(rtpTimestamp(plain), 0xfffffff0);
    assert.equal(rtpSsrc(plain), 0xdeadbeef);
    const extended = packet({
      csrc: [7, 8],
      extension: true,
      extensionProfile: 0xbede,
      extensions: [{ id: 1, payload: Buffer.from([1, 2, 3]) }],
    });
    assert.equal(extended.subarray(rtpPayloadOffset(extended)).toString(), "payload");
  });

  it("refuses headers that do not fit", () => {
    assert.equal(rtpPayloadOffset(Buffer.alloc(11)), -1);
    const lying = packet();
    lying[0] = 0x80 | 0x10; // says an extension follows, and the length field points past the end
    lying.writeUInt16BE(0xffff, 14);
    assert.equal(rtpPayloadOffset(lying), -1);
  });

  it("tells RTP from RTCP, STUN and DTLS on a bundled socket (RFC 5761, RFC 7983)", () => {
    assert.equal(isRtp(packet()), true);
    const rtcp = Buffer.alloc(12);
    rtcp[0] = 0x80;
    rtcp[1] = 200; // sender report
    assert.equal(isRtp(rtcp), false);
    assert.equal(isRtp(Buffer.from([0x00, 0x01, ...new Array(18).fill(0)])), false); // STUN
    assert.equal(isRtp(Buffer.from([22, 0xfe, 0xfd, ...new Array(10).fill(0)])), false); // DTLS
  });

  it("rewrites SSRC and payload type, keeping the marker bit", () => {
    const plain = packet({ marker: true });
    rewriteRtpSource(plain, 0x01020304, 111);
    const back = RtpPacket.deSerialize(plain);
    assert.equal(back.header.ssrc, 0x01020304);
    assert.equal(back.header.payloadType, 111);
    assert.equal(back.header.marker, true);
  });
});
