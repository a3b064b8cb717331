/** Whole seconds as the call header and the call records show them: "3:05". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
