/** How a call ended, as its record in the conversation says. */
export type CallOutcome = "ended" | "declined" | "missed" | "failed";

/** "3:05" or "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** The record's text, for clients that show only a post's message. */
export function callRecordText(outcome: CallOutcome, durationMs: number): string {
  switch (outcome) {
    case "ended":
      return `Call ended after ${formatDuration(durationMs)}.`;
    case "declined":
      return "Call declined.";
    case "missed":
      return "Missed call.";
    case "failed":
      return "Call failed to connect.";
  }
}
