import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { beginBatch, endBatch, relayEpochMs, relayNowMs } from "./relay-clock.js";

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
};

describe("relay clock", () => {
  it("gives every packet of a batch the batch's time, on performance.now()'s scale and the wall clock", () => {
    const before = performance.now();
    beginBatch();
    const at = relayNowMs();
    const epoch = relayEpochMs();
    spin(3);
    assert.equal(relayNowMs(), at, "the same time for the whole batch");
    assert.equal(relayEpochMs(), epoch);
    assert.ok(at >= before && at <= performance.now());
    assert.ok(Math.abs(epoch - (performance.timeOrigin + at)) < 1e-3);
    assert.ok(Math.abs(epoch - Date.now()) < 50, "wall-clock ms since the epoch");
    endBatch();
  });

  it("reads the clock itself outside a batch", () => {
    beginBatch();
    const inBatch = relayNowMs();
    endBatch();
    spin(3);
    const now = relayNowMs();
    assert.ok(now - inBatch >= 3);
    assert.ok(relayNowMs() >= now);
    assert.ok(Math.abs(relayEpochMs() - (performance.timeOrigin + relayNowMs())) < 5);
  });
});
