/**
 * The relay's clock, read once per batch of datagrams instead of once a packet. On Node 20
 * performance.now() makes an array each call (process.hrtime underneath), 48 bytes of garbage;
 * a relayed video packet read it twice. Inside a batch (BatchedUdpReader brackets its handlers
 * with beginBatch/endBatch) every packet gets the batch's time, the moment it was read; outside
 * one (dgram's reads, timers, the load generator's sends) the clock itself is read.
 */

/**
 * performance.timeOrigin, read once: the getter works it out again on each read, an allocation
 * (a tenth of the relay's clock garbage in an allocation profile at 10 calls).
 */
const TIME_ORIGIN_MS = performance.timeOrigin;

/**
 * [0]: the batch's time (-1 outside one); [1]: the same as wall-clock ms, worked out once (a sum
 * per packet would be a number boxed per packet). A typed array, not two module variables: a
 * fractional number written to a variable is boxed, one allocation per write, per batch.
 */
const batch = new Float64Array([-1, 0]);

export function beginBatch(): void {
  const now = performance.now();
  batch[0] = now;
  batch[1] = TIME_ORIGIN_MS + now;
}

export function endBatch(): void {
  batch[0] = -1;
}

/** Monotonic ms, on performance.now()'s scale. */
export function relayNowMs(): number {
  const at = batch[0] as number;
  return at >= 0 ? at : performance.now();
}

/** Wall-clock ms since the epoch, on the same clock as relayNowMs. */
export function relayEpochMs(): number {
  return batch[0]! >= 0 ? (batch[1] as number) : TIME_ORIGIN_MS + performance.now();
}
