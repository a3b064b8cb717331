import type { RelayCounters } from "./media-peer.js";

/** Media stopped this long (no RTP or RTCP in or out): the heap is collected. */
const IDLE_MS = 10_000;
const CHECK_MS = 2_500;

/**
 * The gateway runs without V8's memory reducer (see the CLI's GATEWAY_NODE_FLAGS): its full,
 * compacting collections paused the relay of a live call for up to 30 ms. What it was for,
 * giving the heap a busy spell grew back to the system, is done here instead: one full
 * collection once media has stopped for IDLE_MS, when a pause harms no call (after 20 calls,
 * resident memory 114.7 → 108.6 MB; the reducer went to 100.0 within a minute, neither stayed at
 * 120.8: docs/media.md). Needs Node's --expose-gc; without it, nothing.
 */
export function collectWhenMediaStops(
  counters: () => RelayCounters,
  gc: (() => void) | undefined = globalThis.gc,
  now: () => number = Date.now,
): { stop(): void } {
  if (!gc) return { stop: () => {} };
  const total = () => {
    const c = counters();
    return c.fastIn + c.engineIn + c.fastOut + c.engineOut + c.rtcpIn + c.rtcpOut;
  };
  let seen = total();
  let changedAt = now();
  let collected = true;
  const check = () => {
    const packets = total();
    if (packets !== seen) {
      seen = packets;
      changedAt = now();
      collected = false;
    } else if (!collected && now() - changedAt >= IDLE_MS) {
      collected = true;
      gc();
    }
  };
  const timer = setInterval(check, CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
