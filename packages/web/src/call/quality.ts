/** What the quality hint shows. */
export type Quality = "good" | "fair" | "poor" | "unknown";

export interface QualitySample {
  /** Cumulative packets received and lost (inbound RTP, all kinds). */
  packetsReceived: number;
  packetsLost: number;
  /** Round-trip time in seconds, when known (candidate pair). */
  rtt?: number;
}

/**
 * The connection-quality hint from two getStats samples: loss over the interval and round-trip
 * time. Thresholds as commonly used for calls: under 2% loss and 300 ms is good, over 8% or 600 ms poor.
 */
export function qualityBetween(before: QualitySample | undefined, now: QualitySample): Quality {
  if (!before) return "unknown";
  const received = now.packetsReceived - before.packetsReceived;
  const lost = Math.max(0, now.packetsLost - before.packetsLost);
  if (received + lost <= 0) return "poor";
  const loss = lost / (received + lost);
  const rtt = now.rtt ?? 0;
  if (loss > 0.08 || rtt > 0.6) return "poor";
  if (loss > 0.02 || rtt > 0.3) return "fair";
  return "good";
}

/** Reads a QualitySample from a peer connection's stats. */
export async function sampleQuality(pc: RTCPeerConnection): Promise<QualitySample> {
  const stats = await pc.getStats();
  const sample: QualitySample = { packetsReceived: 0, packetsLost: 0 };
  stats.forEach((s: Record<string, unknown>) => {
    if (s.type === "inbound-rtp") {
      sample.packetsReceived += Number(s.packetsReceived ?? 0);
      sample.packetsLost += Number(s.packetsLost ?? 0);
    }
    if (s.type === "candidate-pair" && s.nominated && typeof s.currentRoundTripTime === "number")
      sample.rtt = s.currentRoundTripTime;
  });
  return sample;
}
