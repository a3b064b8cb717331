import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PacketIndexTracker, REPLAY_WINDOW } from "./packet-index.js";

describe("SRTP packet index", () => {
  it("counts rollovers forwards and places late packets from before a wrap", () => {
    const t = new PacketIndexTracker();
    t.accept(t.estimate(65535));
    assert.equal(t.estimate(0), 65536);
    t.accept(65536);
    assert.equal(t.estimate(65534), 65534, "a late packet from before the wrap");
    assert.equal(t.estimate(1), 65537);
  });

  it("accepts each index once, late ones inside the window, none before it", () => {
    const t = new PacketIndexTracker();
    for (const i of [100, 101, 103]) t.accept(i);
    assert.equal(t.isReplay(101), true);
    assert.equal(t.isReplay(102), false, "late, not seen yet");
    t.accept(102);
    assert.equal(t.isReplay(102), true);
    const highest = 100 + REPLAY_WINDOW + 40;
    t.accept(highest);
    assert.equal(t.isReplay(highest - REPLAY_WINDOW + 1), false, "the oldest index the window holds");
    assert.equal(t.isReplay(highest - REPLAY_WINDOW), true, "just before the window");
    assert.equal(t.isReplay(100 + REPLAY_WINDOW + 39), false);
    assert.equal(t.isReplay(100 + REPLAY_WINDOW + 40), true);
  });

  it("keeps the window across shifts of every size", () => {
    const t = new PacketIndexTracker();
    let highest = 1000;
    t.accept(highest);
    for (const step of [1, 5, 31, 32, 33, 64, 97]) {
      highest += step;
      t.accept(highest);
      assert.equal(t.isReplay(highest), true);
      assert.equal(t.isReplay(highest - step), highest - step >= 1000 && step < REPLAY_WINDOW);
    }
  });
});
