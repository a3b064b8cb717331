/**
 * One-way latencies (ms), kept in fixed blocks: a growing array of numbers is copied on each
 * growth and ends in the old generation, and the collections that clean it up would be the
 * generator's pauses, not the gateway's.
 */
export class LatencyLog {
  private static readonly BLOCK = 16_384;
  private readonly blocks: Float64Array[] = [];
  private used = LatencyLog.BLOCK;

  push(ms: number): void {
    if (this.used === LatencyLog.BLOCK) {
      this.blocks.push(new Float64Array(LatencyLog.BLOCK));
      this.used = 0;
    }
    (this.blocks.at(-1) as Float64Array)[this.used++] = ms;
  }

  get length(): number {
    return this.blocks.length === 0 ? 0 : (this.blocks.length - 1) * LatencyLog.BLOCK + this.used;
  }

  /** Every latency of these logs in one typed array (whose sort() is numeric, with no boxing). */
  static concat(logs: readonly LatencyLog[]): Float64Array {
    const out = new Float64Array(logs.reduce((n, log) => n + log.length, 0));
    let at = 0;
    for (const log of logs) {
      log.blocks.forEach((block, i) => {
        const filled = i === log.blocks.length - 1 ? block.subarray(0, log.used) : block;
        out.set(filled, at);
        at += filled.length;
      });
    }
    return out;
  }
}
