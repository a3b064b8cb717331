import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CACHED_LENGTH_LIMIT, SlotViews } from "./slot-views.js";

describe("SlotViews", () => {
  const slotBytes = 2048;
  const buffer = Buffer.alloc(slotBytes * 4);
  buffer.forEach((_, i) => {
    buffer[i] = i % 251;
  });

  it("gives a view of a slot's first bytes, the same object for the same slot and length", () => {
    const views = new SlotViews(buffer, slotBytes, 4);
    const view = views.get(2, 100);
    assert.equal(view.length, 100);
    assert.equal(view.buffer, buffer.buffer);
    assert.equal(view.byteOffset, buffer.byteOffset + 2 * slotBytes);
    assert.deepEqual(view, buffer.subarray(2 * slotBytes, 2 * slotBytes + 100));
    assert.equal(views.get(2, 100), view, "made once");
    assert.notEqual(views.get(2, 99), view);
    assert.notEqual(views.get(1, 100), view);
    assert.equal(views.get(1, 100).byteOffset, buffer.byteOffset + slotBytes);
  });

  it("sees what the slot holds now, not what it held when the view was made", () => {
    const views = new SlotViews(buffer, slotBytes, 4);
    const view = views.get(0, 8);
    buffer[3] = 0xee;
    assert.equal(views.get(0, 8)[3], 0xee);
    assert.equal(view[3], 0xee);
  });

  it("keeps no view of a length past the limit (a new one each time)", () => {
    const views = new SlotViews(buffer, slotBytes, 4);
    const long = CACHED_LENGTH_LIMIT + 1;
    const view = views.get(3, long);
    assert.equal(view.length, long);
    assert.equal(view.byteOffset, buffer.byteOffset + 3 * slotBytes);
    assert.notEqual(views.get(3, long), view);
    assert.equal(views.get(3, CACHED_LENGTH_LIMIT), views.get(3, CACHED_LENGTH_LIMIT));
  });
});
