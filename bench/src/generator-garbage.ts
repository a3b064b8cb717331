import { setTimeout as sleep } from "node:timers/promises";

/** After the generator's collection before a window: its helpers' concurrent sweeping ends. */
export const GENERATOR_SWEEP_MS = 200;

/**
 * Collects the load generator's own garbage before a measuring window, while no media flows
 * (bench/run.mjs starts it with --expose-gc, and young semi-spaces of a fixed size no window's
 * packets fill; without gc() exposed, nothing). A scheduler trace at 10 calls found the
 * generator's collector threads behind Callgate's slowest packets: sweeping on the relay's core,
 * SCHED_IDLE and all, while the relay waited for the next tick (4 ms). Linux's scheduler (EEVDF)
 * runs a thread only once it is "eligible", and a relay thread a hair short of it when the core
 * came free waited behind whatever else was runnable, an idle-policy thread too, until the tick
 * looked again. Browsers on other machines have no collector on a gateway's cores. Returns
 * whether it collected.
 */
export async function collectGeneratorGarbage(
  gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc,
  settleMs = GENERATOR_SWEEP_MS,
): Promise<boolean> {
  if (!gc) return false;
  gc();
  await sleep(settleMs);
  return true;
}
