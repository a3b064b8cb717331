import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/** Linux scheduling policies, as the 41st field of /proc/<tid>/stat shows them. */
const SCHED_OTHER = 0;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;

const MODULE = fileURLToPath(new URL("./generator-priority.js", import.meta.url));

/**
 * Runs keepGeneratorAside in a child Node (it changes the policy of every thread of the process
 * it runs in, which must not be the test runner) and reads back each thread's policy and nice.
 */
function policiesAfter(call: boolean): { main: number[]; helpers: number[][]; result: unknown } {
  const script = `
    import { readdirSync, readFileSync } from "node:fs";
    const { keepGeneratorAside } = await import(${JSON.stringify(MODULE)});
    const result = ${call ? "keepGeneratorAside()" : "null"};
    const read = (tid) => {
      const stat = readFileSync("/proc/self/task/" + tid + "/stat", "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return [Number(fields[41 - 3]), Number(fields[19 - 3])];
    };
    const tids = readdirSync("/proc/self/task").map(Number);
    console.log(JSON.stringify({
      main: read(process.pid),
      helpers: tids.filter((t) => t !== process.pid).map(read),
      result,
    }));`;
  return JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }),
  );
}

describe("keepGeneratorAside", () => {
  it("puts the main thread on SCHED_BATCH and every other thread on SCHED_IDLE", () => {
    const before = policiesAfter(false);
    assert.equal(before.main[0], SCHED_OTHER);
    assert.ok(before.helpers.every(([policy]) => policy === SCHED_OTHER));
    // The tests may themselves run under `nice`: the child starts at the runner's nice value.
    const mainNice = before.main[1]!;

    const after = policiesAfter(true);
    assert.equal(after.main[0], SCHED_BATCH);
    assert.equal(after.main[1], mainNice, "the main thread keeps its nice value");
    assert.ok(after.helpers.length > 0, "Node runs helper threads");
    for (const [policy, nice] of after.helpers) {
      assert.equal(policy, SCHED_IDLE);
      assert.equal(nice, Math.min(19, mainNice + 10), "lowered as well, for where the addon is missing");
    }
    assert.deepEqual(after.result, { mainBatch: true, idleHelpers: after.helpers.length });
  });
});
