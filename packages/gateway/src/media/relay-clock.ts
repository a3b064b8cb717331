/**
 * The relay's clock, read once per batch of datagrams instead of once a packet. On Node 20
 * performance.now() makes an array each call (process.hrtime underneath), 48 bytes of garbage;
 * a relayed video packet read it twice. Inside a batch (BatchedUdpReader brackets its handlers
 * with beginBatch/endBatch) every packet gets the batch's time, the moment it was read; outside
 * one (dgram's reads, timers, the load generator's sends) the clock itself is read.
 */
let batchMs = -1;
/** The batch's time as wall-clock ms, worked out once: a sum per packet would be a number boxed per packet. */
let batchEpochMs = 0;

export function beginBatch(): void {
  batchMs = performance.now();
  batchEpochMs = performance.timeOrigin + batchMs;
}

export function endBatch(): void {
  batchMs = -1;
}

/** Monotonic ms, on performance.now()'s scale. */
export function relayNowMs(): number {
  return batchMs >= 0 ? batchMs : performance.now();
}

/** Wall-clock ms since the epoch, on the same clock as relayNowMs. */
export function relayEpochMs(): number {
  return batchMs >= 0 ? batchEpochMs : performance.timeOrigin + performance.now();
}
