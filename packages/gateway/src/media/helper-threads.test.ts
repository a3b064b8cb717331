import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  DEFAULT_HELPER_THREADS_NICE,
  type HelperThreadsPolicy,
  helperThreadsNice,
  helperThreadsPolicy,
  lowerHelperThreads,
} from "./helper-threads.js";
import { type NativeSchedBinding, SCHED_IDLE, SCHED_OTHER } from "./sched-binding.js";

const MODULE = new URL("./helper-threads.js", import.meta.url).href;

interface ChildThreads {
  lowered: number;
  idle: number;
  /** The main thread's nice value and policy. */
  main: number;
  mainPolicy: number;
  /** The other threads' nice values and policies. */
  others: number[];
  policies: number[];
}

/**
 * Runs lowerHelperThreads(increment, policy) in a Node of its own (priorities cannot be raised
 * back), started at nice `startedAt`, and reads every thread's nice value and policy (the 41st
 * field of /proc/<pid>/task/<tid>/stat).
 */
function inChild(increment: number, startedAt = 0, policy: HelperThreadsPolicy = "nice"): ChildThreads {
  const script = `
    import { readdirSync, readFileSync } from "node:fs";
    import { getPriority } from "node:os";
    const { lowerHelperThreads } = await import(${JSON.stringify(MODULE)});
    const { lowered, idle } = lowerHelperThreads(${increment}, ${JSON.stringify(policy)});
    const policyOf = (t) => Number(readFileSync("/proc/self/task/" + t + "/stat", "utf8").split(") ")[1].split(" ")[38]);
    const tids = readdirSync("/proc/self/task").map(Number).filter((t) => t !== process.pid);
    console.log(JSON.stringify({
      lowered, idle, main: getPriority(process.pid), mainPolicy: policyOf(process.pid),
      others: tids.map((t) => getPriority(t)), policies: tids.map(policyOf),
    }));`;
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

  it("leaves every thread alone with 0 and the nice policy", () => {
    const { lowered, idle, main, others, policies } = inChild(0);
    assert.equal(lowered, 0);
    assert.equal(idle, 0);
    assert.equal(main, 0);
    assert.deepEqual(
      others,
      others.map(() => 0),
    );
    assert.deepEqual(
      policies,
      policies.map(() => SCHED_OTHER),
    );
  });

  it("puts every thread but the main one on SCHED_IDLE with the idle policy, their nice value kept", () => {
    const { lowered, idle, main, mainPolicy, others, policies } = inChild(
      DEFAULT_HELPER_THREADS_NICE,
      0,
      "idle",
    );
    assert.equal(mainPolicy, SCHED_OTHER, "the relay's thread keeps its policy");
    assert.equal(main, 0);
    assert.ok(others.length >= 4, `V8's worker threads are there: ${others.length}`);
    assert.equal(idle, others.length);
    assert.equal(lowered, others.length);
    assert.deepEqual(
      policies,
      policies.map(() => SCHED_IDLE),
    );
    assert.deepEqual(
      others,
      others.map(() => DEFAULT_HELPER_THREADS_NICE),
    );
  });

  it("keeps the nice value alone, and says why, where SCHED_IDLE cannot be set", () => {
    const tasks = mkdtempSync(join(tmpdir(), "cg-tasks-"));
    for (const tid of [process.pid, 2_000_001, 2_000_002]) mkdirSync(join(tasks, String(tid)));
    const refusing: NativeSchedBinding = {
      getSlice: () => ({ policy: SCHED_OTHER, sliceNs: 0 }),
      setSlice: () => ({ policy: SCHED_OTHER, sliceNs: 0 }),
      setIdle: () => {
        throw new Error("sched_setattr: Operation not permitted");
      },
    };
    const setIdle: number[] = [];
    const taking: NativeSchedBinding = {
      ...refusing,
      setIdle: (tid) => {
        setIdle.push(tid);
        return SCHED_IDLE;
      },
    };
    // The thread ids are not this process's: setPriority fails as for a thread that has ended,
    // and such a thread is skipped before its policy is touched.
    assert.deepEqual(lowerHelperThreads(10, "idle", taking, tasks), { nice: 10, lowered: 0, idle: 0 });
    assert.deepEqual(setIdle, []);
    // With no nice step to take, each thread's policy is still asked for.
    const alone = lowerHelperThreads(0, "idle", taking, tasks);
    assert.deepEqual(alone, { nice: 0, lowered: 0, idle: 2 });
    assert.deepEqual(setIdle.sort(), [2_000_001, 2_000_002]);
    assert.deepEqual(lowerHelperThreads(0, "idle", refusing, tasks), {
      nice: 0,
      lowered: 0,
      idle: 0,
      idleRefused: "sched_setattr: Operation not permitted",
    });
    assert.deepEqual(lowerHelperThreads(0, "idle", null, tasks), {
      nice: 0,
      lowered: 0,
      idle: 0,
      idleRefused: "the native addon is not built",
    });
    rmSync(tasks, { recursive: true });
  });

  it("does nothing where there is no /proc", () => {
    assert.deepEqual(lowerHelperThreads(10, "nice", null, "/nonexistent/task"), {
      nice: 10,
      lowered: 0,
      idle: 0,
    });
  });

  it("reads CALLGATE_HELPER_THREADS_POLICY, refusing what is neither idle nor nice", () => {
    assert.equal(helperThreadsPolicy({}), "idle");
    assert.equal(helperThreadsPolicy({ CALLGATE_HELPER_THREADS_POLICY: " " }), "idle");
    assert.equal(helperThreadsPolicy({ CALLGATE_HELPER_THREADS_POLICY: "nice" }), "nice");
    assert.equal(helperThreadsPolicy({ CALLGATE_HELPER_THREADS_POLICY: "IDLE" }), "idle");
    for (const bad of ["batch", "0", "idle,nice"])
      assert.throws(
        () => helperThreadsPolicy({ CALLGATE_HELPER_THREADS_POLICY: bad }),
        (err: unknown) => err instanceof RangeError && err.message.includes(`"${bad}"`),
        bad,
      );
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
