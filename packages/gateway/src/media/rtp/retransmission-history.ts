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

/** Bytes each reusable slot holds: a full-size RTP packet plus its SRTP tag; larger ones get their own buffer. */
const SLOT_BYTES = 1500;
/** Slots at first; the ring doubles while the window holds more packets than it has slots. */
const INITIAL_SLOTS = 16;
/** At most this many packets are kept (a second of 12 Mbit/s video), whatever the window. */
const MAX_SLOTS = 1024;

/**
 * Sent packets, newest last, for answering NACKs: a ring of slots whose memory is reused, the
 * packet copied in. Keeping the sent buffers themselves made each video packet live a window long
 * (200 ms and up), long enough for V8 to move it to the old generation, where it then piled up
 * until a full collection: per call, megabytes. The ring grows to what the window holds (about
 * 25 packets at 1 Mbit/s and the default 200 ms) and lets go of nothing after that.
 */
export class RetransmissionHistory {
  private slots: Buffer[] = [];
  private lengths = new Int32Array(INITIAL_SLOTS);
  private sequences = new Int32Array(INITIAL_SLOTS);
  private sentAt = new Float64Array(INITIAL_SLOTS);
  /** Where the oldest packet kept is, and how many are kept. */
  private oldest = 0;
  private count = 0;
  /** The window at the last add: a sender that stopped adds nothing, and its packets still age out. */
  private windowMs = 0;

  /** Keeps a copy of `packet` (sent now, at `nowMs`) and lets go of what fell out of the window. */
  add(sequence: number, packet: Buffer, nowMs: number, windowMs: number): void {
    this.windowMs = windowMs;
    this.prune(nowMs - windowMs);
    const capacity = this.sequences.length;
    if (this.count === capacity) {
      if (capacity < MAX_SLOTS) this.grow();
      else this.dropOldest();
    }
    const slot = (this.oldest + this.count) % this.sequences.length;
    let memory = this.slots[slot];
    if (!memory || memory.length < packet.length)
      memory = this.slots[slot] = Buffer.allocUnsafeSlow(Math.max(SLOT_BYTES, packet.length));
    packet.copy(memory, 0, 0, packet.length);
    this.lengths[slot] = packet.length;
    this.sequences[slot] = sequence;
    this.sentAt[slot] = nowMs;
    this.count++;
  }

  /**
   * The packet sent with this sequence number, if it is still inside the window at `nowMs`: a
   * view of the slot, valid until the next add (send it at once).
   */
  get(sequence: number, nowMs: number): Buffer | undefined {
    const capacity = this.sequences.length;
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.oldest + i) % capacity;
      if (this.sequences[slot] !== sequence) continue;
      if (nowMs - (this.sentAt[slot] ?? 0) > this.windowMs) return undefined;
      return this.slots[slot]?.subarray(0, this.lengths[slot]);
    }
    return undefined;
  }

  /** Packets held now (for tests and memory checks). */
  get size(): number {
    return this.count;
  }

  private prune(cutoff: number): void {
    while (this.count > 0 && (this.sentAt[this.oldest] ?? 0) < cutoff) this.dropOldest();
  }

  private dropOldest(): void {
    this.oldest = (this.oldest + 1) % this.sequences.length;
    this.count--;
  }

  /** Doubles the ring, the packets kept laid out oldest first. */
  private grow(): void {
    const capacity = this.sequences.length;
    const order = Array.from({ length: this.count }, (_, i) => (this.oldest + i) % capacity);
    const lengths = new Int32Array(capacity * 2);
    const sequences = new Int32Array(capacity * 2);
    const sentAt = new Float64Array(capacity * 2);
    const slots: Buffer[] = [];
    order.forEach((from, to) => {
      lengths[to] = this.lengths[from] ?? 0;
      sequences[to] = this.sequences[from] ?? 0;
      sentAt[to] = this.sentAt[from] ?? 0;
      const memory = this.slots[from];
      if (memory) slots[to] = memory;
    });
    this.lengths = lengths;
    this.sequences = sequences;
    this.sentAt = sentAt;
    this.slots = slots;
    this.oldest = 0;
  }
}
