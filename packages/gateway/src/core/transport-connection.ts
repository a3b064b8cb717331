import type { JsonObject } from "@callgate/protocol";
import type { CredentialDigests } from "./auth/constant-time.js";

/**
 * What the core needs from a transport: somewhere to deliver a session's events, and
 * notice when sessions begin and end. A WebSocket connection is one; the HTTP transport's
 * per-session event queues are another.
 */
export type TransportName = "janus.transport.websockets" | "janus.transport.http";

export interface TransportConnection {
  readonly transport: TransportName;
  /** For logs and handle_info, e.g. "ws 127.0.0.1:51234". */
  readonly label: string;
  /** True when one object stands for many clients (HTTP's queues): per-connection limits do not apply. */
  readonly shared: boolean;
  /** The digests of the secrets this client's requests carry, where the transport keeps them. */
  readonly digests?: CredentialDigests;
  deliver(sessionId: number, event: JsonObject): void;
  sessionCreated(sessionId: number): void;
  sessionOver(sessionId: number, reason: "destroyed" | "timeout" | "claimed"): void;
}
