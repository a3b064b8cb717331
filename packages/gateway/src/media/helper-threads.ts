import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * How many nice levels below the main thread the helper threads run unless
 * CALLGATE_HELPER_THREADS_NICE says otherwise (an increment, as `nice -n`: a gateway started at
 * nice 0 has its helpers at 10, one started with `nice -n 5` at 15).
 */
export const DEFAULT_HELPER_THREADS_NICE = 10;

/** What was done, for the start-up line. */
export interface HelperThreadsPriority {
  /** The nice value the helper threads now have (the main thread's when left alone). */
  nice: number;
  /** How many threads got it. */
  lowered: number;
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
 * Threads started later (libuv's pool, on its first use) inherit the main thread's priority: they
 * do file and DNS work, not the relay's. Where /proc is missing (not Linux), nothing is done.
 */
export function lowerHelperThreads(
  increment: number = helperThreadsNice(),
  tasks = "/proc/self/task",
  mainThread: number = process.pid,
): HelperThreadsPriority {
  const mainNice = getPriority(mainThread);
  const nice = Math.min(19, mainNice + increment);
  if (nice === mainNice) return { nice, lowered: 0 };
  let threads: string[];
  try {
    threads = readdirSync(tasks);
  } catch {
    return { nice, lowered: 0 };
  }
  let lowered = 0;
  for (const name of threads) {
    const tid = Number(name);
    if (!Number.isInteger(tid) || tid === mainThread) continue;
    try {
      setPriority(tid, nice);
      lowered++;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return { nice, lowered };
}
