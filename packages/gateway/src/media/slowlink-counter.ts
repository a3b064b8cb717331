import type { MediaKind } from "./media-peer.js";

type Report = (mid: string, kind: MediaKind, uplink: boolean, lost: number) => void;

/**
 * Counts lost packets per m-line and direction over one-second windows and reports the windows
 * that reach the threshold: Janus's `slowlink` (a threshold of 0 turns it off, as in Janus).
 */
export class SlowlinkCounter {
  private readonly counts = new Map<
    string,
    { mid: string; kind: MediaKind; uplink: boolean; lost: number }
  >();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly threshold: number,
    private readonly report: Report,
  ) {}

  get enabled(): boolean {
    return this.threshold > 0;
  }

  add(mid: string, kind: MediaKind, uplink: boolean, lost: number): void {
    if (!this.enabled || lost <= 0) return;
    const key = `${mid}/${uplink}`;
    const entry = this.counts.get(key) ?? { mid, kind, uplink, lost: 0 };
    entry.lost += lost;
    this.counts.set(key, entry);
    this.timer ??= setInterval(() => this.flush(), 1000).unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.counts.clear();
  }

  private flush(): void {
    for (const { mid, kind, uplink, lost } of this.counts.values()) {
      if (lost >= this.threshold) this.report(mid, kind, uplink, lost);
    }
    this.counts.clear();
  }
}
