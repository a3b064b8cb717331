import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { collectWhenMediaStops } from "./idle-collection.js";
import { newRelayCounters } from "./media-peer.js";

describe("heap collection once media stops", () => {
  it("collects once, 10 s after the last packet, and again only after media flowed again", () => {
    mock.timers.enable({ apis: ["setInterval"] });
    try {
      const counters = newRelayCounters();
      let clock = 0;
      let collections = 0;
      const collector = collectWhenMediaStops(
        () => counters,
        () => collections++,
        () => clock,
      );
      const wait = (ms: number) => {
        for (let t = 0; t < ms; t += 500) {
          clock += 500;
          mock.timers.tick(500);
        }
      };
      wait(30_000);
      assert.equal(collections, 0, "no media yet: nothing to give back");
      for (let i = 0; i < 20; i++) {
        counters.fastIn += 50;
        counters.rtcpOut += 1;
        wait(1000);
      }
      assert.equal(collections, 0, "never while media flows");
      wait(9000);
      assert.equal(collections, 0);
      wait(3000);
      assert.equal(collections, 1, "once media has stopped for 10 s");
      wait(60_000);
      assert.equal(collections, 1, "and only once");
      counters.engineIn += 1;
      wait(15_000);
      assert.equal(collections, 2, "media again, then stopped again");
      collector.stop();
      counters.fastOut += 1;
      wait(30_000);
      assert.equal(collections, 2, "stopped");
    } finally {
      mock.timers.reset();
    }
  });

  it("does nothing without gc() (Node started without --expose-gc)", () => {
    const collector = collectWhenMediaStops(() => newRelayCounters(), undefined);
    collector.stop();
  });
});
