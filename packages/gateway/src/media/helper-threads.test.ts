import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { DEFAULT_HELPER_THREADS_NICE, helperThreadsNice, lowerHelperThreads } from "./helper-threads.js";

const MODULE = new URL("./helper-threads.js", import.meta.url).href;

/**
 * Runs lowerHelperThreads(increment) in a Node of its own (priorities cannot be raised back),
 * started at nice `startedAt`, and reads every thread's.
 */
function inChild(increment: number, startedAt = 0): { lowered: number; main: number; others: number[] } {
  const script = `
    import { readdirSync } from "node:fs";
    import { getPriority } from "node:os";
    const { lowerHelperThreads } = await import(${JSON.stringify(MODULE)});
    const { lowered } = lowerHelperThreads(${increment});
    const others = readdirSync("/proc/self/task").map(Number).filter((t) => t !== process.pid).map((t) => getPriority(t));
    console.log(JSON.stringify({ lowered, main: getPriority(process.pid), others }));`;
  return JSON.parse(
    execFileSync("nice", ["-n", `${startedAt}`, process.execPath, "--input-type=module", "-e", script], {
      encoding: "utf8",
    }),
  );
}

describe("helper threads' priority", () => {
  it("gives every thread but the main one the nice value, the main thread keeping its own", () => {
    const { lowered, main, others } = inChild(DEFAULT_HELPER_THREADS_NICE);
    assert.equal(main, 0, "the relay's thread keeps its priority");
    assert.ok(others.length >= 4, `V8's worker threads are there: ${others.length}`);
    assert.equal(lowered, others.length);
    assert.deepEqual(
      others,
      others.map(() => DEFAULT_HELPER_THREADS_NICE),
    );
  });

  it("counts from the main thread's nice value, up to 19 at most", () => {
    const started5 = inChild(DEFAULT_HELPER_THREADS_NICE, 5);
    assert.equal(started5.main, 5);
    assert.deepEqual(
      started5.others,
      started5.others.map(() => 5 + DEFAULT_HELPER_THREADS_NICE),
    );
    const started15 = inChild(DEFAULT_HELPER_THREADS_NICE, 15);
    assert.equal(started15.main, 15);
    assert.deepEqual(
      started15.others,
      started15.others.map(() => 19),
    );
  });

  it("leaves every thread alone with 0", () => {
    const { lowered, main, others } = inChild(0);
    assert.equal(lowered, 0);
    assert.equal(main, 0);
    assert.deepEqual(
      others,
      others.map(() => 0),
    );
  });

  it("does nothing where there is no /proc", () => {
    assert.deepEqual(lowerHelperThreads(10, "/nonexistent/task"), { nice: 10, lowered: 0 });
  });

  it("reads CALLGATE_HELPER_THREADS_NICE, refusing what is not a nice value from 0 to 19", () => {
    assert.equal(helperThreadsNice({}), DEFAULT_HELPER_THREADS_NICE);
    assert.equal(helperThreadsNice({ CALLGATE_HELPER_THREADS_NICE: "" }), DEFAULT_HELPER_THREADS_NICE);
    assert.equal(helperThreadsNice({ CALLGATE_HELPER_THREADS_NICE: "0" }), 0);
    assert.equal(helperThreadsNice({ CALLGATE_HELPER_THREADS_NICE: "19" }), 19);
    for (const bad of ["20", "-1", "1.5", "high", "0x5"])
      assert.throws(
        () => helperThreadsNice({ CALLGATE_HELPER_THREADS_NICE: bad }),
        (err: unknown) => err instanceof RangeError && err.message.includes(`"${bad}"`),
        bad,
      );
  });
});
