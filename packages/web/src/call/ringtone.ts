/**
 * A ring tone made in the browser (no audio file): two-tone bursts, as a phone rings, repeated
 * until stopped. Browsers may keep audio suspended until the page was interacted with; then it
 * stays silent and the visible dialog still rings.
 */
export class Ringtone {
  private context: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (this.timer || typeof AudioContext === "undefined") return;
    this.context = new AudioContext();
    const ring = () => {
      const ctx = this.context;
      if (!ctx) return;
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      gain.connect(ctx.destination);
      for (const [freq, offset] of [
        [440, 0],
        [480, 0],
        [440, 0.5],
        [480, 0.5],
      ] as const) {
        const osc = ctx.createOscillator();
        osc.frequency.value = freq;
        osc.connect(gain);
        osc.start(ctx.currentTime + offset);
        osc.stop(ctx.currentTime + offset + 0.4);
      }
    };
    ring();
    this.timer = setInterval(ring, 3000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.context?.close();
    this.context = undefined;
  }
}
