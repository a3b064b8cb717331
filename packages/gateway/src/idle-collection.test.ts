import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { collectWhenIdle } from "./idle-collection.js";

describe("heap collection once the gateway is quiet", () => {
  it("collects once, 10 s after the last packet or request, and again only after more work", () => {
    mock.timers.enable({ apis: ["setInterval"] });
    try {
      let activity = 0;
      let clock = 0;
      let collections = 0;
      const collector = collectWhenIdle(
        () => activity,
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
      assert.equal(collections, 0, "nothing done yet: nothing to give back");
      for (let i = 0; i < 20; i++) {
        activity += 51;
        wait(1000);
      }
      assert.equal(collections, 0, "never while work goes on");
      wait(9000);
      assert.equal(collections, 0);
      wait(3000);
      assert.equal(collections, 1, "once quiet for 10 s");
      wait(60_000);
      assert.equal(collections, 1, "and only once");
      activity += 1;
      wait(15_000);
      assert.equal(collections, 2, "work again (a request, a packet), then quiet again");
      collector.stop();
      activity += 1;
      wait(30_000);
      assert.equal(collections, 2, "stopped");
    } finally {
      mock.timers.reset();
    }
  });

  it("does nothing without gc() (Node started without --expose-gc)", () => {
    const collector = collectWhenIdle(() => 0, undefined);
    collector.stop();
  });
});
