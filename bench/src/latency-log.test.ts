import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LatencyLog } from "./latency-log.js";

describe("latency log", () => {
  it("keeps every latency across blocks, and joins logs in order into one typed array", () => {
    const big = new LatencyLog();
    const count = 40_000; // more than two blocks
    for (let i = 0; i < count; i++) big.push(i / 10);
    const small = new LatencyLog();
    small.push(-1);
    const empty = new LatencyLog();
    assert.equal(big.length, count);
    assert.equal(empty.length, 0);
    const all = LatencyLog.concat([big, empty, small]);
    assert.ok(all instanceof Float64Array);
    assert.equal(all.length, count + 1);
    assert.equal(all[0], 0);
    assert.equal(all[16_384], 1638.4, "the first of the second block");
    assert.equal(all[count - 1], (count - 1) / 10);
    assert.equal(all[count], -1);
  });

  it("sorts numerically, as percentiles need (not as strings)", () => {
    const log = new LatencyLog();
    for (const ms of [10, 9, 100, 0.5, 2]) log.push(ms);
    assert.deepEqual([...LatencyLog.concat([log]).sort()], [0.5, 2, 9, 10, 100]);
  });
});
