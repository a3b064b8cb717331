import type { TrickleCandidate } from "@callgate/protocol";
import type { Plugin, PluginSession } from "../plugins/plugin.js";

/** A queued remote candidate, kept until the handle's PeerConnection can use it. */
export interface QueuedCandidate {
  candidate: TrickleCandidate;
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

  constructor(
    readonly id: number,
    readonly sessionId: number,
    readonly plugin: Plugin,
    readonly opaqueId: string | undefined,
    readonly token: string | undefined,
  ) {}

  queueCandidate(candidate: TrickleCandidate, now: number): void {
    if (candidate.completed) {
      this.remoteTrickleDone = true;
      return;
    }
    if (this.pendingCandidates.length >= MAX_QUEUED_CANDIDATES) this.pendingCandidates.shift();
    this.pendingCandidates.push({ candidate, receivedAt: now });
  }
}
