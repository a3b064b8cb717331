/** How far back a late packet may still be accepted (libsrtp's default window is 128 too). */
export const REPLAY_WINDOW = 128;

/**
 * One SSRC's SRTP packet index, ROC * 2^16 + SEQ (RFC 3711 §3.3.1), guessed from the highest
 * sequence number seen as in RFC 3711 Appendix A, with a replay window for the receiving side.
 */
export class PacketIndexTracker {
  private rolloverCounter = 0;
  private highestSequence = -1;
  private highestIndex = -1;
  /** Bit i set: index highestIndex - i was accepted. */
  private readonly window = new Uint32Array(REPLAY_WINDOW / 32);

  /** The index a packet with this sequence number has. */
  estimate(sequence: number): number {
    const last = this.highestSequence;
    if (last < 0) return sequence;
    let roc = this.rolloverCounter;
    if (last < 32768) {
      if (sequence - last > 32768) roc -= 1;
    } else if (last - 32768 > sequence) {
      roc += 1;
    }
    return roc < 0 ? -1 : roc * 65536 + sequence;
  }

  /** True for an index already accepted, or too old to tell (before the window). */
  isReplay(index: number): boolean {
    if (index < 0) return true;
    if (this.highestIndex < 0 || index > this.highestIndex) return false;
    const age = this.highestIndex - index;
    if (age >= REPLAY_WINDOW) return true;
    return (this.window[age >>> 5]! & (1 << (age & 31))) !== 0;
  }

  /** Records an authenticated (or, sending, a protected) packet. */
  accept(index: number): void {
    if (index < 0) return;
    if (index > this.highestIndex) {
      this.shift(this.highestIndex < 0 ? REPLAY_WINDOW : index - this.highestIndex);
      this.highestIndex = index;
      this.highestSequence = index % 65536;
      this.rolloverCounter = Math.floor(index / 65536);
      this.window[0]! |= 1;
      return;
    }
    const age = this.highestIndex - index;
    if (age < REPLAY_WINDOW) this.window[age >>> 5]! |= 1 << (age & 31);
  }

  private shift(by: number): void {
    const w = this.window;
    if (by >= REPLAY_WINDOW) {
      w.fill(0);
      return;
    }
    const words = by >>> 5;
    const bits = by & 31;
    for (let i = w.length - 1; i >= 0; i--) {
      const from = i - words;
      const high = from >= 0 ? w[from]! : 0;
      const low = from - 1 >= 0 ? w[from - 1]! : 0;
      w[i] = bits === 0 ? high : ((high << bits) | (low >>> (32 - bits))) >>> 0;
    }
  }
}
