import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { qualityBetween } from "./quality.js";

describe("connection-quality hint", () => {
  const at = (packetsReceived: number, packetsLost: number, rtt?: number) => ({
    packetsReceived,
    packetsLost,
    rtt,
  });
  it("needs two samples", () => assert.equal(qualityBetween(undefined, at(100, 0)), "unknown"));
  it("is good with little loss and a short round trip", () =>
    assert.equal(qualityBetween(at(100, 0), at(200, 1, 0.05)), "good"));
  it("is fair from 2% loss or 300 ms", () => {
    assert.equal(qualityBetween(at(100, 0), at(200, 4)), "fair");
    assert.equal(qualityBetween(at(100, 0), at(200, 0, 0.4)), "fair");
  });
  it("is poor from 8% loss, 600 ms, or nothing arriving", () => {
    assert.equal(qualityBetween(at(100, 0), at(200, 10)), "poor");
    assert.equal(qualityBetween(at(100, 0), at(200, 0, 0.7)), "poor");
    assert.equal(qualityBetween(at(100, 5), at(100, 5)), "poor");
  });
});
