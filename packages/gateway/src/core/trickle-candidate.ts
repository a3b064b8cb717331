import { isJsonObject, JanusError, JanusErrorCode, type TrickleCandidate } from "@callgate/protocol";

/**
 * Janus's checks of a trickled candidate, applied when a PeerConnection takes it (before that,
 * candidates are queued unchecked, as Janus queues them). `strict` throws for the single-candidate
 * form; entries of a `candidates` list that fail are skipped, as in Janus.
 */
export function checkCandidate(value: unknown, strict: boolean): TrickleCandidate | undefined {
  if (!isJsonObject(value)) return { completed: true };
  if (value.completed === true) return { completed: true };
  const fail = (code: JanusErrorCode, reason: string): undefined => {
    if (strict) throw new JanusError(code, reason);
    return undefined;
  };
  if (value.sdpMid !== undefined && typeof value.sdpMid !== "string") {
    return fail(
      JanusErrorCode.INVALID_ELEMENT_TYPE,
      "Trickle error: invalid element type (sdpMid should be a string)",
    );
  }
  if (
    value.sdpMLineIndex !== undefined &&
    !(Number.isSafeInteger(value.sdpMLineIndex) && (value.sdpMLineIndex as number) >= 0)
  ) {
    return fail(
      JanusErrorCode.INVALID_ELEMENT_TYPE,
      "Trickle error: invalid element type (sdpMLineIndex should be a positive integer)",
    );
  }
  if (value.sdpMid === undefined && value.sdpMLineIndex === undefined) {
    return fail(
      JanusErrorCode.MISSING_MANDATORY_ELEMENT,
      "Trickle error: missing mandatory element (sdpMid or sdpMLineIndex)",
    );
  }
  if (value.candidate === undefined) {
    return fail(
      JanusErrorCode.MISSING_MANDATORY_ELEMENT,
      "Trickle error: missing mandatory element (candidate)",
    );
  }
  if (typeof value.candidate !== "string") {
    return fail(
      JanusErrorCode.INVALID_ELEMENT_TYPE,
      "Trickle error: invalid element type (candidate should be a string)",
    );
  }
  const candidate: TrickleCandidate = { candidate: value.candidate };
  if (typeof value.sdpMid === "string") candidate.sdpMid = value.sdpMid;
  if (typeof value.sdpMLineIndex === "number") candidate.sdpMLineIndex = value.sdpMLineIndex;
  return candidate;
}
