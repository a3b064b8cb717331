/** The gateway quiet this long (no RTP or RTCP in or out, no API request): the heap is collected. */
const IDLE_MS = 10_000;
const CHECK_MS = 2_500;

/**
 * The gateway runs without V8's memory reducer (see the CLI's GATEWAY_NODE_FLAGS): its full,
 * compacting collections paused the relay of a live call for up to 30 ms. What it was for,
 * giving the heap a busy spell grew back to the system, is done here instead: one full
 * collection once the gateway has been quiet for IDLE_MS after doing anything, when a pause harms
 * no call (after 20 calls, resident memory 114.7 → 108.6 MB; the reducer went to 100.0 within a
 * minute, neither stayed at 120.8: docs/media.md). API requests count as well as media: a burst of
 * them (sessions, tokens) leaves garbage in the old generation whose full collection, left to V8,
 * fell in the next call's media (a Mark-Compact of 33 → 23 MB, 3.4 ms paused plus an 8.1 ms
 * incremental step). Needs Node's --expose-gc; without it, nothing.
 *
 * `activity`: a count that grows with every packet relayed and request handled.
 */
export function collectWhenIdle(
  activity: () => number,
  gc: (() => void) | undefined = globalThis.gc,
  now: () => number = Date.now,
): { stop(): void } {
  if (!gc) return { stop: () => {} };
  let seen = activity();
  let changedAt = now();
  let collected = true;
  const check = () => {
    const count = activity();
    if (count !== seen) {
      seen = count;
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
