import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { type NativeSchedBinding, SCHED_IDLE, schedBinding } from "./sched-binding.js";

/**
 * How many nice levels below the main thread the helper threads run unless
 * CALLGATE_HELPER_THREADS_NICE says otherwise (an increment, as `nice -n`: a gateway started at
 * nice 0 has its helpers at 10, one started with `nice -n 5` at 15).
 */
export const DEFAULT_HELPER_THREADS_NICE = 10;

/**
 * What the helper threads get on top of the nice value (CALLGATE_HELPER_THREADS_POLICY): `idle`,
 * Linux's SCHED_IDLE policy, or `nice`, the nice value alone.
 */
export type HelperThreadsPolicy = "idle" | "nice";
export const DEFAULT_HELPER_THREADS_POLICY: HelperThreadsPolicy = "idle";

/** What was done, for the start-up line. */
export interface HelperThreadsPriority {
  /** The nice value the helper threads now have (the main thread's when left alone). */
  nice: number;
  /** How many threads got it. */
  lowered: number;
  /** How many were put on SCHED_IDLE. */
  idle: number;
  /** Why none was, where the idle policy was asked for but could not be given. */
  idleRefused?: string;
}

/**
 * The increment asked for in CALLGATE_HELPER_THREADS_NICE (0 to 19; 0 leaves the threads alone),
 * DEFAULT_HELPER_THREADS_NICE when unset. Anything else is an error: a typo should not quietly
 * give the default.
 */
export function helperThreadsNice(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CALLGATE_HELPER_THREADS_NICE;
  if (given === undefined || given.trim() === "") return DEFAULT_HELPER_THREADS_NICE;
  const nice = /^\s*\d{1,2}\s*$/.test(given) ? Number(given) : Number.NaN;
  if (!(nice >= 0 && nice <= 19))
    throw new RangeError(
      `CALLGATE_HELPER_THREADS_NICE must be a whole number from 0 (leave the helper threads alone) to 19, not "${given}"`,
    );
  return nice;
}

/** The policy asked for in CALLGATE_HELPER_THREADS_POLICY; anything but `idle` or `nice` is an error. */
export function helperThreadsPolicy(env: NodeJS.ProcessEnv = process.env): HelperThreadsPolicy {
  const given = env.CALLGATE_HELPER_THREADS_POLICY;
  if (given === undefined || given.trim() === "") return DEFAULT_HELPER_THREADS_POLICY;
  const policy = given.trim().toLowerCase();
  if (policy !== "idle" && policy !== "nice")
    throw new RangeError(
      `CALLGATE_HELPER_THREADS_POLICY must be "idle" (SCHED_IDLE) or "nice" (the nice value alone), not "${given}"`,
    );
  return policy;
}

/**
 * Gives every thread of this process but the main one a lower scheduling priority: the main
 * thread's nice value plus `increment`, at most 19 (Linux keeps nice values per thread). Never a
 * higher priority than the main thread's, even where the process may raise one (root).
 *
 * Why: the main thread relays the media, and V8's helper threads (the optimising compiler,
 * concurrent marking, parallel scavenges) ran at its priority. On a machine with few cores a
 * woken compiler thread was put on the relay's core and preempted it, for 1-2 ms of compiling,
 * while the other core sat idle: a scheduler trace of the gateway (perf, docs/media.md) showed
 * this behind the slowest packets at one call. With the helpers at nice 10 the relay runs first
 * and they take what it leaves: the slowest packet of a measuring round, median over the rounds,
 * fell from 2.8 to 1.1 ms at one call and from 3.9 to 2.7 ms at ten (docs/media.md). Not 19: the
 * main thread sometimes waits for a helper (a parallel scavenge's share), and one starved that
 * much made it worse (8 and 11 ms at ten calls). Raising one's own threads' nice value needs no
 * privilege.
 *
 * With policy `idle` (the default) they are put on SCHED_IDLE as well, through the native addon.
 * Linux's scheduler (EEVDF, 6.6 and later) still let a nice-10 helper take the relay's core: the
 * relay, having run more than its share, was not eligible when the compiler thread it had just
 * woken was, and that thread then kept the core until the next tick. A scheduler trace of
 * gateways that differ only in this (docs/media.md) counted, inside the measuring windows at 10
 * calls, 42 such preemptions (12.7 ms in all, the longest 5.0 ms) at nice 10 and none on
 * SCHED_IDLE; at 50 calls 245 (98.5 ms, longest 6.1 ms) against 61 (3.5 ms, longest 0.6 ms). A
 * SCHED_IDLE thread never preempts a normal one on waking, and gives its core up at once to one
 * that wakes there. Where the main thread waits for a helper (a parallel scavenge), its own core
 * is free for that helper. The nice value stays as well: it is what a thread falls back to
 * should the idle policy be refused, or taken away by an admin.
 *
 * Threads started later (libuv's pool, on its first use) inherit the main thread's priority: they
 * do file and DNS work, not the relay's. Where /proc is missing (not Linux), nothing is done.
 */
export function lowerHelperThreads(
  increment: number = helperThreadsNice(),
  policy: HelperThreadsPolicy = helperThreadsPolicy(),
  binding: NativeSchedBinding | null = policy === "idle" ? schedBinding() : null,
  tasks = "/proc/self/task",
  mainThread: number = process.pid,
): HelperThreadsPriority {
  const mainNice = getPriority(mainThread);
  const nice = Math.min(19, mainNice + increment);
  const result: HelperThreadsPriority = { nice, lowered: 0, idle: 0 };
  if (policy === "idle" && !binding) result.idleRefused = "the native addon is not built";
  let threads: string[];
  try {
    threads = readdirSync(tasks);
  } catch {
    return result;
  }
  for (const name of threads) {
    const tid = Number(name);
    if (!Number.isInteger(tid) || tid === mainThread) continue;
    try {
      if (nice !== mainNice) {
        setPriority(tid, nice);
        result.lowered++;
      }
    } catch {
      continue; // The thread ended meanwhile.
    }
    if (policy !== "idle" || !binding) continue;
    try {
      if (binding.setIdle(tid) === SCHED_IDLE) result.idle++;
    } catch (error) {
      // Ended meanwhile (ESRCH), or refused: say why once, the nice value stays.
      if (!/ESRCH|No such process/.test((error as Error).message))
        result.idleRefused ??= (error as Error).message;
    }
  }
  return result;
}
