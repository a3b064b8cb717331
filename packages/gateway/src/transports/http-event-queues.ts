import type { JsonObject } from "@callgate/protocol";
import type { Logger } from "pino";
import type { TransportConnection } from "../core/transport-connection.js";

/** A parked long poll, waiting for events of one session. */
export interface Poll {
  maxev: number;
  respond(events: JsonObject[]): void;
}

interface SessionQueue {
  events: JsonObject[];
  polls: Poll[];
}

/** Events kept for a session nobody polls; older ones are dropped past this (the session times out anyway). */
const MAX_QUEUED_EVENTS = 1000;

/**
 * The HTTP transport's side of the core: one event queue per session created (or claimed)
 * over HTTP, drained by long polls. HTTP never reports a closed transport, as in Janus.
 */
export class HttpEventQueues implements TransportConnection {
  readonly transport = "janus.transport.http" as const;
  readonly label = "http";
  readonly shared = true;
  private readonly queues = new Map<number, SessionQueue>();

  constructor(private readonly log: Logger) {}

  has(sessionId: number): boolean {
    return this.queues.has(sessionId);
  }

  sessionCreated(sessionId: number): void {
    if (!this.queues.has(sessionId)) this.queues.set(sessionId, { events: [], polls: [] });
  }

  sessionOver(sessionId: number): void {
    const queue = this.queues.get(sessionId);
    this.queues.delete(sessionId);
    // Polls still parked get what was left (at least the timeout event, if any), or nothing.
    for (const poll of queue?.polls ?? []) poll.respond(queue!.events.splice(0, poll.maxev));
  }

  deliver(sessionId: number, event: JsonObject): void {
    const queue = this.queues.get(sessionId);
    if (!queue) return;
    const poll = queue.polls.shift();
    if (poll) {
      poll.respond([event]);
      return;
    }
    if (queue.events.length >= MAX_QUEUED_EVENTS) {
      queue.events.shift();
      this.log.warn(
        { session: sessionId },
        "HTTP event queue full: nobody is polling this session, oldest event dropped",
      );
    }
    queue.events.push(event);
  }

  /** Returns queued events at once, or parks the poll; the returned function cancels it. */
  poll(sessionId: number, poll: Poll): (() => void) | undefined {
    const queue = this.queues.get(sessionId);
    if (!queue) return undefined;
    if (queue.events.length > 0) {
      poll.respond(queue.events.splice(0, poll.maxev));
      return () => {};
    }
    queue.polls.push(poll);
    return () => {
      const i = queue.polls.indexOf(poll);
      if (i >= 0) queue.polls.splice(i, 1);
    };
  }
}
