import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { randomId } from "./ids.js";

describe("random ids", () => {
  it("are non-zero safe integers, distinct across many draws of the pool", () => {
    const taken = new Set<number>();
    // Many times the pool's size: ids keep coming from fresh CSPRNG bytes after each refill.
    for (let i = 0; i < 5_000; i++) {
      const id = randomId(taken);
      assert.ok(Number.isSafeInteger(id) && id > 0, `${id}`);
      assert.equal(taken.has(id), false);
      taken.add(id);
    }
    // 53 random bits: ids spread over the whole range, as Janus's do.
    assert.ok([...taken].some((id) => id > 2 ** 52));
  });

  it("never returns an id already taken", () => {
    const first = randomId(new Set());
    let asked = 0;
    const taken = {
      // Claims the first few candidates are taken: the next ones are drawn instead.
      has: (id: number) => asked++ < 3 || id === first,
    };
    const id = randomId(taken);
    assert.ok(asked >= 4);
    assert.notEqual(id, first);
  });
});
