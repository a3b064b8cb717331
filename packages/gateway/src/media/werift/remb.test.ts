import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReceiverEstimatedMaxBitrate } from "werift";
import { rembExponentMantissa, rembPacket } from "./remb.js";

describe("REMB", () => {
  it("encodes small bitrates exactly and large ones within a mantissa step", () => {
    assert.deepEqual(rembExponentMantissa(64000), { brExp: 0, brMantissa: 64000 });
    const { brExp, brMantissa } = rembExponentMantissa(10_000_000);
    assert.ok(brMantissa < 1 << 18);
    const decoded = brMantissa * 2 ** brExp;
    assert.ok(decoded <= 10_000_000 && decoded > 10_000_000 * 0.99, `${decoded}`);
  });

  it("survives a round trip through the wire format with the bitrate and the SSRC it caps", () => {
    const packet = rembPacket(1111, 2222, 128000);
    const wire = packet.feedback.serialize();
    const back = ReceiverEstimatedMaxBitrate.deSerialize(wire);
    assert.equal(back.bitrate, 128000n);
    assert.deepEqual(back.ssrcFeedbacks, [2222]);
    assert.equal(back.senderSsrc, 1111);
  });
});
