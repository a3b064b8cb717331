import { execFileSync } from "node:child_process";
import { lowerHelperThreads } from "@callgate/gateway";

/** What keepGeneratorAside could do (chrt or the native addon may be missing; the helpers are lowered anyway). */
export interface GeneratorPriority {
  /** The main thread runs SCHED_BATCH: it never preempts a thread when it wakes. */
  mainBatch: boolean;
  /** Helper threads put on SCHED_IDLE: they run only on a core nothing else wants. */
  idleHelpers: number;
}

/** `chrt` (util-linux) sets a thread's policy; Node has no call for it. False when it could not. */
function chrt(policy: "--batch", tid: number): boolean {
  try {
    execFileSync("chrt", [policy, "--pid", "0", String(tid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps the load generator out of the gateways' way. It stands for browsers on other machines,
 * which take no CPU from a gateway; here it shares this machine's cores with it, so:
 *
 * - its helper threads (V8's compiler and collector) run SCHED_IDLE, only on a core nothing else
 *   wants, and are preempted at once by any other thread that wakes. At its own priority its
 *   concurrent markers took both cores for milliseconds (an 8 ms packet, in a scheduler trace),
 *   and at nice 10 a gateway thread woken on the core of one still waited for the end of its
 *   slice (4 ms, the next tick) while it marked;
 * - its main thread runs SCHED_BATCH, which does not preempt on wake-up. A packet the gateway
 *   relayed woke the generator on the gateway's own core, where it preempted the gateway's relay
 *   thread, which then waited behind it for 5 ms while the other core idled (trace in
 *   docs/media.md). The generator's latency figures end at the kernel's arrival time, so its
 *   waking a little later does not count against either gateway.
 *
 * A probe alternating rounds as before and with this (10 calls, eight rounds, both gateways held):
 * the slowest packet's median 7.23 → 2.50 ms for Callgate and 3.93 → 4.33 ms for Janus, p99 0.54
 * → 0.41 and 0.51 → 0.49 ms. Where chrt or the native addon is missing the helpers are still lowered 10 nice levels.
 * Called at start and again before each level's windows, for threads started since.
 */
export function keepGeneratorAside(
  tasks = "/proc/self/task",
  mainThread: number = process.pid,
): GeneratorPriority {
  // The helpers as the gateway puts its own: 10 nice levels down and SCHED_IDLE (native addon).
  const idleHelpers = lowerHelperThreads(10, "idle", undefined, tasks, mainThread).idle;
  const mainBatch = chrt("--batch", mainThread);
  return { mainBatch, idleHelpers };
}
