/**
 * Janus API message shapes (Janus 1.1.2), as seen on the wire by clients and gateways alike.
 * Field order in the builders below follows Janus (janus, session_id, transaction, ...),
 * which is not required by clients but keeps captures comparable byte for byte.
 */
import type { JsonObject } from "./validate.js";

export type SessionId = number;
export type HandleId = number;

/** Verbs of the Janus API (client → gateway). */
export const JANUS_VERBS = [
  "info",
  "ping",
  "create",
  "attach",
  "detach",
  "destroy",
  "keepalive",
  "message",
  "trickle",
  "hangup",
  "claim",
] as const;
export type JanusVerb = (typeof JANUS_VERBS)[number];

/** Verbs of the admin API that Callgate answers. */
export const ADMIN_VERBS = [
  "info",
  "ping",
  "get_status",
  "set_session_timeout",
  "set_log_level",
  "set_no_media_timer",
  "set_slowlink_threshold",
  "set_min_nack_queue",
  "accept_new_sessions",
  "list_sessions",
  "list_handles",
  "handle_info",
  "destroy_session",
  "detach_handle",
  "hangup_webrtc",
  "add_token",
  "allow_token",
  "disallow_token",
  "list_tokens",
  "remove_token",
] as const;
export type AdminVerb = (typeof ADMIN_VERBS)[number];

export interface Jsep {
  type: "offer" | "answer";
  sdp: string;
  trickle?: boolean;
  e2ee?: boolean;
  [key: string]: unknown;
}

export interface TrickleCandidate {
  candidate?: string;
  sdpMid?: string;
  sdpMLineIndex?: number;
  completed?: boolean;
}

/** Any request: the common envelope plus verb-specific fields. */
export interface JanusRequest extends JsonObject {
  janus: string;
  transaction: string;
  session_id?: SessionId;
  handle_id?: HandleId;
  token?: string;
  apisecret?: string;
  admin_secret?: string;
  plugin?: string;
  opaque_id?: string;
  body?: JsonObject;
  jsep?: Jsep;
  candidate?: TrickleCandidate | null;
  candidates?: TrickleCandidate[];
  id?: number;
}

export interface JanusErrorMessage {
  janus: "error";
  session_id?: SessionId;
  transaction?: string;
  error: { code: number; reason: string };
}

export interface JanusSuccess {
  janus: "success";
  session_id?: SessionId;
  transaction: string;
  sender?: HandleId;
  data?: JsonObject;
  plugindata?: { plugin: string; data: JsonObject };
  [key: string]: unknown;
}

export interface JanusAck {
  janus: "ack";
  session_id: SessionId;
  transaction: string;
  hint?: string;
}

export interface JanusEvent {
  janus: "event";
  session_id: SessionId;
  transaction?: string;
  sender: HandleId;
  plugindata: { plugin: string; data: JsonObject };
  jsep?: Jsep;
}

/** Core events without a transaction: webrtcup, media, slowlink, hangup, detached, timeout, trickle. */
export interface JanusCoreEvent {
  janus: "webrtcup" | "media" | "slowlink" | "hangup" | "detached" | "timeout" | "trickle";
  session_id: SessionId;
  sender?: HandleId;
  [key: string]: unknown;
}

export type JanusMessage =
  | JanusErrorMessage
  | JanusSuccess
  | JanusAck
  | JanusEvent
  | JanusCoreEvent
  | { janus: "pong"; transaction: string }
  | { janus: "server_info"; transaction: string; [key: string]: unknown }
  | { janus: "keepalive" };

/** Builds an outgoing message with Janus's key order: janus, session_id (if > 0), transaction (if any). */
export function envelope(
  janus: string,
  sessionId: number | undefined,
  transaction: string | undefined,
  rest?: JsonObject,
): JsonObject {
  const msg: JsonObject = { janus };
  if (sessionId !== undefined && sessionId > 0) msg.session_id = sessionId;
  if (transaction !== undefined) msg.transaction = transaction;
  if (rest) Object.assign(msg, rest);
  return msg;
}

export function errorMessage(
  code: number,
  reason: string,
  sessionId?: number,
  transaction?: string,
): JanusErrorMessage {
  return envelope("error", sessionId, transaction, {
    error: { code, reason },
  }) as unknown as JanusErrorMessage;
}
