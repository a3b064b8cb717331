import { type NativeSchedBinding, SCHED_BATCH, SCHED_OTHER, schedBinding } from "./sched-binding.js";

/** The slice the relay thread asks for unless CALLGATE_RELAY_SLICE_US says otherwise: the kernel's shortest. */
export const DEFAULT_RELAY_SLICE_US = 100;
const MIN_SLICE_US = 100;
const MAX_SLICE_US = 100_000;

/**
 * The slice asked for in CALLGATE_RELAY_SLICE_US, in µs: 0 leaves the kernel's own (about 1.4 ms
 * here), otherwise 100 to 100,000 (what Linux accepts); DEFAULT_RELAY_SLICE_US when unset. Anything
 * else is an error: a typo should not quietly give the default.
 */
export function relaySliceMicros(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CALLGATE_RELAY_SLICE_US;
  if (given === undefined || given.trim() === "") return DEFAULT_RELAY_SLICE_US;
  const us = /^\s*\d{1,6}\s*$/.test(given) ? Number(given) : Number.NaN;
  if (!(us === 0 || (us >= MIN_SLICE_US && us <= MAX_SLICE_US)))
    throw new RangeError(
      `CALLGATE_RELAY_SLICE_US must be 0 (the kernel's own slice) or a whole number of microseconds from ${MIN_SLICE_US} to ${MAX_SLICE_US}, not "${given}"`,
    );
  return us;
}

/** What requestRelaySlice did, for the start-up line. */
export type RelaySlice = { applied: true; sliceUs: number } | { applied: false; reason: string };

/** The policies a slice is asked for on; sched_slice.c acts on no other. */
const FAIR_POLICIES = new Set([SCHED_OTHER, SCHED_BATCH]);

/**
 * Asks the kernel for a short scheduler slice on the calling thread, which must be the relay's
 * (Node's main thread: the media and the signalling are handled there). Linux's scheduler (EEVDF)
 * lets a thread that wakes run only once its turn comes; a short slice brings that turn forward.
 * Without it the relay, woken by a datagram on a core where another thread ran (V8's helpers, a
 * load generator, another process), waited for the next tick (4 ms at 250 Hz), whatever that
 * thread's priority: in a test program a thread waking every 0.5 ms beside a busy one on its core
 * waited up to 4.0 ms (nine times over 1 ms in 5 s), with a 0.1 ms slice 0.13 ms (docs/media.md).
 * Needs no privilege, Linux 6.12 or later (older kernels ignore it, which this reports), and the
 * native addon. A thread an admin put on a real-time or idle policy (chrt) is left as it is.
 */
export function requestRelaySlice(
  sliceUs: number = relaySliceMicros(),
  binding: NativeSchedBinding | null = schedBinding(),
): RelaySlice {
  if (sliceUs === 0) return { applied: false, reason: "CALLGATE_RELAY_SLICE_US=0 (the kernel's own slice)" };
  if (!binding) return { applied: false, reason: "the native addon is not built" };
  let now: { policy: number; sliceNs: number };
  try {
    if (!FAIR_POLICIES.has(binding.getSlice().policy))
      return { applied: false, reason: "the relay thread has a real-time or idle policy (left as it is)" };
    now = binding.setSlice(sliceUs * 1000);
  } catch (error) {
    return { applied: false, reason: (error as Error).message };
  }
  if (now.sliceNs !== sliceUs * 1000)
    return { applied: false, reason: "this kernel has no per-thread slices (Linux 6.12 and later)" };
  return { applied: true, sliceUs };
}
