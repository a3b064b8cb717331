import { isJsonObject } from "@callgate/protocol";
import type { MediaPeer } from "../media/media-peer.js";
import type { Plugin, PluginSession } from "../plugins/plugin.js";

/** A queued remote candidate (as the client sent it), kept until the handle's PeerConnection can use it. */
export interface QueuedCandidate {
  candidate: unknown;
  receivedAt: number;
}

/** Most remote candidates kept per handle before a PeerConnection exists. */
export const MAX_QUEUED_CANDIDATES = 200;

/** One attachment of a session to a plugin. */
export class Handle {
  pluginSession!: PluginSession;
  readonly created = Date.now();
  readonly pendingCandidates: QueuedCandidate[] = [];
  remoteTrickleDone = false;
  detaching = false;
  /** The handle's PeerConnection, once an offer arrived. */
  peer: MediaPeer | undefined;
  /** The remote offer waiting for the plugin's answer. */
  pendingOffer: string | undefined;
  /** True once offer and answer are both done: trickled candidates then go straight to the peer. */
  negotiated = false;
  /** The remote answer being applied to our offer, if any. */
  pendingAnswer: Promise<void> | undefined;

  constructor(
    readonly id: number,
    readonly sessionId: number,
    readonly plugin: Plugin,
    readonly opaqueId: string | undefined,
    readonly token: string | undefined,
  ) {}

  queueCandidate(candidate: unknown, now: number): void {
    if (isEndOfCandidates(candidate)) {
      this.remoteTrickleDone = true;
      return;
    }
    if (this.pendingCandidates.length >= MAX_QUEUED_CANDIDATES) this.pendingCandidates.shift();
    this.pendingCandidates.push({ candidate, receivedAt: now });
  }
}

/** `{"completed": true}`, or anything that is not a candidate object (janus.js sends null), ends the list. */
export function isEndOfCandidates(candidate: unknown): boolean {
  return !isJsonObject(candidate) || candidate.completed === true;
}
