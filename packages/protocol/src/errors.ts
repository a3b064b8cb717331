/**
 * Janus API error codes (src/apierror.h in Janus 1.1.2) and their default reasons.
 * The gateway answers with exactly these codes, so existing Janus clients keep working.
 */
export const JanusErrorCode = {
  UNAUTHORIZED: 403,
  UNAUTHORIZED_PLUGIN: 405,
  UNKNOWN: 490,
  TRANSPORT_SPECIFIC: 450,
  MISSING_REQUEST: 452,
  UNKNOWN_REQUEST: 453,
  INVALID_JSON: 454,
  INVALID_JSON_OBJECT: 455,
  MISSING_MANDATORY_ELEMENT: 456,
  INVALID_REQUEST_PATH: 457,
  SESSION_NOT_FOUND: 458,
  HANDLE_NOT_FOUND: 459,
  PLUGIN_NOT_FOUND: 460,
  PLUGIN_ATTACH: 461,
  PLUGIN_MESSAGE: 462,
  PLUGIN_DETACH: 463,
  JSEP_UNKNOWN_TYPE: 464,
  JSEP_INVALID_SDP: 465,
  TRICKLE_INVALID_STREAM: 466,
  INVALID_ELEMENT_TYPE: 467,
  SESSION_CONFLICT: 468,
  UNEXPECTED_ANSWER: 469,
  TOKEN_NOT_FOUND: 470,
  WEBRTC_STATE: 471,
  NOT_ACCEPTING_SESSIONS: 472,
} as const;

export type JanusErrorCode = (typeof JanusErrorCode)[keyof typeof JanusErrorCode];

const defaultReasons: Record<JanusErrorCode, string> = {
  403: "Unauthorized request (wrong or missing secret/token)",
  405: "Unauthorized access to plugin (token is not allowed to)",
  490: "Unknown error",
  450: "Transport specific error",
  452: "Missing request",
  453: "Unknown request",
  454: "Invalid JSON",
  455: "Invalid JSON Object",
  456: "Missing mandatory element",
  457: "Invalid path for this request",
  458: "Session not found",
  459: "Handle not found",
  460: "Plugin not found",
  461: "Error attaching plugin",
  462: "Error sending message to plugin",
  463: "Error detaching from plugin",
  464: "Unsupported JSEP type",
  465: "Invalid SDP",
  466: "Invalid stream",
  467: "Invalid element type",
  468: "Session ID already in use",
  469: "Unexpected ANSWER (no OFFER)",
  470: "Token not found",
  471: "Wrong WebRTC state",
  472: "Currently not accepting new sessions",
};

export function defaultReason(code: JanusErrorCode): string {
  return defaultReasons[code];
}

/**
 * An error in the Janus API's own terms. Thrown anywhere below the transports and turned
 * into `{"janus":"error","error":{"code","reason"}}` by the core; never leaks a stack to clients.
 */
export class JanusError extends Error {
  readonly code: JanusErrorCode;
  /** Janus omits the transaction in some errors (e.g. when the transaction itself is invalid). */
  readonly withTransaction: boolean;

  constructor(code: JanusErrorCode, reason?: string, options?: { withTransaction?: boolean }) {
    super(reason ?? defaultReason(code));
    this.name = "JanusError";
    this.code = code;
    this.withTransaction = options?.withTransaction ?? true;
  }

  get reason(): string {
    return this.message;
  }
}

/**
 * An error reported by a plugin inside its own plugindata (e.g. VideoCall's 470-483 range):
 * these travel as events, not as Janus API errors.
 */
export class PluginError extends Error {
  readonly code: number;
  constructor(code: number, reason: string) {
    super(reason);
    this.name = "PluginError";
    this.code = code;
  }
}
