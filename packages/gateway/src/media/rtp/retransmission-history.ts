/** Slots in the ring: more than a second of 1 Mbit/s video, so the time window, not the ring, is the bound. */
const SLOTS = 128;
/** The window never grows past a second (Janus's DEFAULT_MAX_NACK_QUEUE). */
const MAX_WINDOW_MS = 1000;
/** A retransmission is useful for about one RTT after the loss; Janus keeps RTT + 100 ms. */
const RTT_MARGIN_MS = 100;

/**
 * How long sent packets are kept for NACKs: the RTT plus 100 ms, at least `minNackQueueMs` and
 * at most a second, as Janus sizes its retransmission buffer.
 */
export function retransmissionWindowMs(minNackQueueMs: number, rttMs: number | undefined): number {
  return Math.max(minNackQueueMs, Math.min((rttMs ?? 0) + RTT_MARGIN_MS, MAX_WINDOW_MS));
}

/**
 * Sent packets by sequence number, for answering NACKs. Packets older than the window are let go
 * as new ones are added, so a call holds only what could still be asked for (about 25 video
 * packets at 1 Mbit/s and the default 200 ms), not a fixed count.
 */
export class RetransmissionHistory {
  private readonly packets = new Array<Buffer | undefined>(SLOTS);
  private readonly sequences = new Int32Array(SLOTS).fill(-1);
  private readonly sentAt = new Float64Array(SLOTS);
  /** The oldest slot that may still hold a packet: pruning walks from here towards the newest. */
  private oldest = 0;
  /** The window at the last add: a sender that stopped adds nothing, and its packets still age out. */
  private windowMs = 0;

  /** Keeps `packet` (sent now, at `nowMs`) and lets go of what fell out of the window. */
  add(sequence: number, packet: Buffer, nowMs: number, windowMs: number): void {
    const slot = sequence % SLOTS;
    this.packets[slot] = packet;
    this.sequences[slot] = sequence;
    this.sentAt[slot] = nowMs;
    this.windowMs = windowMs;
    const cutoff = nowMs - windowMs;
    let oldest = this.oldest;
    for (let steps = 0; steps < SLOTS && oldest !== slot; steps++) {
      if (this.packets[oldest] !== undefined) {
        if ((this.sentAt[oldest] ?? 0) >= cutoff) break;
        this.packets[oldest] = undefined;
      }
      oldest = (oldest + 1) % SLOTS;
    }
    this.oldest = oldest;
  }

  /** The packet sent with this sequence number, if it is still inside the window at `nowMs`. */
  get(sequence: number, nowMs: number): Buffer | undefined {
    const slot = sequence % SLOTS;
    if (this.sequences[slot] !== sequence || nowMs - (this.sentAt[slot] ?? 0) > this.windowMs)
      return undefined;
    return this.packets[slot];
  }

  /** Packets held now (for tests and memory checks). */
  get size(): number {
    let n = 0;
    for (const p of this.packets) if (p !== undefined) n++;
    return n;
  }
}
