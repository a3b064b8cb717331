import type { StreamStatisticsInternals } from "./werift-internals.js";

/**
 * werift's StreamStatistics.add for the fast path: the same fields updated the same way (werift
 * builds its receiver reports and getStats from them), with the time given by the caller, read
 * once per batch of datagrams. werift's own reads two clocks a packet, Date.now() and
 * performance.now(), which on Node 20 makes an array each time: about 64 bytes of garbage a
 * packet, where the relay's collections are what its worst latencies are made of.
 *
 * `nowMs`: wall-clock time in ms since the epoch (werift: Date.now() / 1000 for the jitter's
 * arrival clock, performance.timeOrigin + performance.now() for lastPacketReceivedTimestamp).
 */
export function countReceived(
  stats: StreamStatisticsInternals,
  sequenceNumber: number,
  timestamp: number,
  headerBytes: number,
  payloadBytes: number,
  nowMs: number,
): void {
  const maxSeq = stats.max_seq;
  const inOrder = maxSeq === undefined || newerSequence(sequenceNumber, maxSeq);
  stats.packets_received++;
  stats.bytesReceived += payloadBytes;
  stats.headerBytesReceived += headerBytes;
  stats.lastPacketReceivedTimestamp = nowMs;
  if (stats.base_seq === undefined) stats.base_seq = sequenceNumber;
  if (!inOrder) return;
  const arrival = Math.trunc((nowMs / 1000) * stats.clockRate);
  if (maxSeq !== undefined && sequenceNumber < maxSeq) stats.cycles += 1 << 16;
  stats.max_seq = sequenceNumber;
  if (timestamp !== stats.last_timestamp && stats.packets_received > 1) {
    // RFC 3550 A.8, in werift's arithmetic (jitter kept times 16).
    const diff = Math.abs(arrival - (stats.last_arrival ?? 0) - (timestamp - (stats.last_timestamp ?? 0)));
    stats.jitter_q4 += diff - ((stats.jitter_q4 + 8) >> 4);
  }
  stats.last_arrival = arrival;
  stats.last_timestamp = timestamp;
}

/** `a` comes after `b` in 16-bit sequence space (werift's uint16Gt). */
function newerSequence(a: number, b: number): boolean {
  return (a < b && b - a > 32768) || (a > b && a - b < 32768);
}
