import type { Accounts } from "../accounts/accounts.js";
import type { Preferences } from "../accounts/preferences.js";
import type { Channels } from "../messaging/channels.js";
import type { Messenger } from "../messaging/messenger.js";
import type { ConfigStore } from "../settings/config-store.js";
import type { Hub, HubConnection } from "../ws/hub.js";
import { type CallOutcome, callRecordText } from "./call-records.js";

/** Actions a client may send in a `webrtc` WebSocket message (the original's set, plus hangup). */
export const CLIENT_ACTIONS = [
  "notify",
  "answer",
  "decline",
  "cancel",
  "busy",
  "no_answer",
  "unsupported",
  "disabled",
  "failed",
  "muted",
  "hangup",
] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];

/** The callee's answers to a ring that end it. */
const REFUSALS = new Set<ClientAction>(["decline", "busy", "no_answer", "unsupported", "disabled"]);

/** A signalling message the server will not relay; the socket gets it as a FAIL reply. */
export class SignalError extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

interface Call {
  caller: string;
  callee: string;
  phase: "ringing" | "active";
  /** The caller's socket that rang: the call's events for the caller go there. */
  callerConn: HubConnection;
  /** The callee's socket that answered. */
  calleeConn?: HubConnection;
  answeredAt?: number;
  ringTimer?: NodeJS.Timeout;
}

export interface CallSignallingOptions {
  hub: Hub;
  accounts: Accounts;
  preferences: Preferences;
  channels: Channels;
  messenger: Messenger;
  config: ConfigStore;
  /** How long a call rings unanswered before both sides get `no_answer`. */
  ringTimeoutMs: number;
  /** Where a failure of work no request waits for goes (a socket that closed, a ring that timed out). */
  onError?: (err: unknown) => void;
}

const USER_ID = /^[a-z0-9]{26}$/;

/**
 * Call signalling over the chat WebSocket. Unlike the original, which relayed whatever a client
 * wrote, the server owns the call state: the sender is the authenticated user, the target must
 * exist, be active, online and opted in, a user is in at most one call (a second caller gets
 * `busy`), a ring ends after `ringTimeoutMs`, answering in one tab stops the others ringing,
 * and every call leaves a record in the two users' conversation.
 */
export class CallSignalling {
  private readonly calls = new Map<string, Call>();
  /** Work started by events rather than requests (a record to write), for close() to wait on. */
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly o: CallSignallingOptions) {
    o.hub.on("closed", (connection) => this.inBackground(this.connectionClosed(connection)));
  }

  /** The user a user is in a call (or ringing) with, if any. */
  peerOf(userId: string): string | undefined {
    const call = this.calls.get(userId);
    return call ? (call.caller === userId ? call.callee : call.caller) : undefined;
  }

  async handle(from: HubConnection, data: unknown): Promise<void> {
    const msg = parse(data, from.userId);
    const me = from.userId;
    const peer = msg.to_user_id;
    const target = await this.o.accounts.getUser(peer);
    if (!target || Number(target.delete_at) !== 0)
      throw new SignalError("api.webrtc.invalid_user", "to_user_id is not an active user.");
    const call = this.calls.get(me);
    const withPeer = call && (call.caller === peer || call.callee === peer) ? call : undefined;

    switch (msg.action) {
      case "notify":
        return this.ring(from, peer);
      case "answer": {
        const c = this.ringingFrom(withPeer, peer, me);
        clearTimeout(c.ringTimer);
        c.phase = "active";
        c.calleeConn = from;
        c.answeredAt = Date.now();
        this.send(c.callerConn, "answer", me, peer);
        this.stopOtherTabs(c, from, "answered_elsewhere");
        return;
      }
      case "cancel": {
        if (!withPeer || withPeer.caller !== me || withPeer.phase !== "ringing")
          throw new SignalError("api.webrtc.no_such_call", "You are not calling that user.");
        this.end(withPeer);
        this.o.hub.sendToUser(peer, "webrtc", this.body("cancel", me, peer, { calling_user_id: me }));
        await this.record(withPeer, "missed");
        return;
      }
      case "muted": {
        if (withPeer?.phase !== "active")
          throw new SignalError("api.webrtc.no_such_call", "You are not in a call with that user.");
        this.send(this.connOf(withPeer, peer), "muted", me, peer, { type: msg.type, mute: msg.mute });
        return;
      }
      case "hangup":
      case "failed": {
        if (!withPeer)
          throw new SignalError("api.webrtc.no_such_call", "You are not in a call with that user.");
        const wasActive = withPeer.phase === "active";
        this.end(withPeer);
        if (wasActive) this.send(this.connOf(withPeer, peer), msg.action, me, peer);
        else this.o.hub.sendToUser(peer, "webrtc", this.body(msg.action, me, peer));
        await this.record(withPeer, msg.action === "failed" ? "failed" : wasActive ? "ended" : "missed");
        return;
      }
      default: {
        // The callee refuses a ring: decline, busy, no_answer, unsupported, disabled.
        const c = this.ringingFrom(withPeer, peer, me);
        this.end(c);
        this.send(c.callerConn, msg.action, me, peer);
        this.stopOtherTabs(c, from, msg.action);
        if (REFUSALS.has(msg.action))
          await this.record(
            c,
            msg.action === "decline" ? "declined" : msg.action === "no_answer" ? "missed" : undefined,
          );
      }
    }
  }

  /** Ends every call without records, and resolves once background work has finished (the database may go then). */
  async close(): Promise<void> {
    for (const call of this.calls.values()) clearTimeout(call.ringTimer);
    this.calls.clear();
    await Promise.allSettled([...this.background]);
  }

  /** A failure there has no request to answer: it is reported, not left as an unhandled rejection. */
  private inBackground(work: Promise<void>): void {
    this.background.add(work);
    work.catch((err: unknown) => this.o.onError?.(err)).finally(() => this.background.delete(work));
  }

  private async ring(from: HubConnection, callee: string): Promise<void> {
    const caller = from.userId;
    if (!this.o.config.get().WebrtcSettings.Enable)
      throw new SignalError("api.webrtc.disabled.app_error", "WebRTC is not enabled in this server.");
    if (callee === caller) throw new SignalError("api.webrtc.invalid_user", "You cannot call yourself.");
    if (this.calls.has(caller)) return this.send(from, "in_progress", callee, caller);
    if (!this.o.hub.isOnline(callee)) return this.send(from, "offline", callee, caller);
    if (!(await this.o.preferences.optedInToCalls(callee)))
      return this.send(from, "disabled", callee, caller);
    if (this.calls.has(callee)) return this.send(from, "busy", callee, caller);
    // The awaits above let another notify in: check again before taking both users.
    if (this.calls.has(caller) || this.calls.has(callee)) return this.send(from, "busy", callee, caller);
    const call: Call = { caller, callee, phase: "ringing", callerConn: from };
    call.ringTimer = setTimeout(() => this.inBackground(this.ringTimedOut(call)), this.o.ringTimeoutMs);
    call.ringTimer.unref();
    this.calls.set(caller, call);
    this.calls.set(callee, call);
    this.o.hub.sendToUser(callee, "webrtc", this.body("notify", caller, callee));
  }

  private async ringTimedOut(call: Call): Promise<void> {
    if (this.calls.get(call.caller) !== call || call.phase !== "ringing") return;
    this.end(call);
    this.send(call.callerConn, "no_answer", call.callee, call.caller);
    this.o.hub.sendToUser(call.callee, "webrtc", this.body("no_answer", call.caller, call.callee));
    await this.record(call, "missed");
  }

  private async connectionClosed(connection: HubConnection): Promise<void> {
    const call = this.calls.get(connection.userId);
    if (!call) return;
    const me = connection.userId;
    const peer = call.caller === me ? call.callee : call.caller;
    if (call.phase === "active" && this.connOf(call, me) === connection) {
      this.end(call);
      this.send(this.connOf(call, peer), "hangup", me, peer, { reason: "disconnected" });
      await this.record(call, "ended");
    } else if (call.phase === "ringing" && call.callerConn === connection) {
      this.end(call);
      this.o.hub.sendToUser(peer, "webrtc", this.body("cancel", me, peer, { calling_user_id: me }));
      await this.record(call, "missed");
    } else if (call.phase === "ringing" && call.callee === me && !this.o.hub.isOnline(me)) {
      this.end(call);
      this.send(call.callerConn, "no_answer", me, peer);
      await this.record(call, "missed");
    }
  }

  /** The ringing call from `caller` to `me`, or a SignalError. */
  private ringingFrom(call: Call | undefined, caller: string, me: string): Call {
    if (!call || call.caller !== caller || call.callee !== me || call.phase !== "ringing")
      throw new SignalError("api.webrtc.no_such_call", "That user is not calling you.");
    return call;
  }

  private connOf(call: Call, userId: string): HubConnection | undefined {
    return userId === call.caller ? call.callerConn : call.calleeConn;
  }

  private end(call: Call): void {
    clearTimeout(call.ringTimer);
    if (this.calls.get(call.caller) === call) this.calls.delete(call.caller);
    if (this.calls.get(call.callee) === call) this.calls.delete(call.callee);
  }

  /** The callee's other tabs stop ringing: the original's CANCEL with `calling_user_id`. */
  private stopOtherTabs(call: Call, answered: HubConnection, reason: string): void {
    this.o.hub.sendToUser(
      call.callee,
      "webrtc",
      this.body("cancel", call.caller, call.callee, { calling_user_id: call.caller, reason }),
      answered,
    );
  }

  private body(action: string, from: string, to: string, extra: Record<string, unknown> = {}) {
    return { action, from_user_id: from, to_user_id: to, ...extra };
  }

  private send(
    connection: HubConnection | undefined,
    action: string,
    from: string,
    to: string,
    extra: Record<string, unknown> = {},
  ): void {
    connection?.sendEvent("webrtc", this.body(action, from, to, extra), { user_id: to });
  }

  private async record(call: Call, outcome: CallOutcome | undefined): Promise<void> {
    if (!outcome) return;
    const durationMs = outcome === "ended" && call.answeredAt ? Date.now() - call.answeredAt : 0;
    const channel = await this.o.channels.direct(call.caller, call.callee);
    const caller = await this.o.accounts.getUser(call.caller);
    await this.o.messenger.send({
      channelId: channel.id,
      userId: call.caller,
      senderName: caller?.username ?? "",
      message: callRecordText(outcome, durationMs),
      type: "custom_call",
      props: { call: { outcome, caller_id: call.caller, callee_id: call.callee, duration_ms: durationMs } },
    });
  }
}

interface SignalMessage {
  action: ClientAction;
  to_user_id: string;
  type?: "audio" | "video";
  mute?: boolean;
}

/** Checks a client's `webrtc` data; `from_user_id`, when sent, must be the sender's own id. */
function parse(data: unknown, me: string): SignalMessage {
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new SignalError("api.webrtc.invalid_message", "data must be an object.");
  const d = data as Record<string, unknown>;
  if (typeof d.action !== "string" || !(CLIENT_ACTIONS as readonly string[]).includes(d.action))
    throw new SignalError("api.webrtc.invalid_action", `action must be one of ${CLIENT_ACTIONS.join(", ")}.`);
  if (d.from_user_id !== undefined && d.from_user_id !== me)
    throw new SignalError(
      "api.webrtc.spoofed_sender",
      "from_user_id must be your own user id (or left out).",
    );
  if (typeof d.to_user_id !== "string" || !USER_ID.test(d.to_user_id))
    throw new SignalError("api.webrtc.invalid_user", "to_user_id must be a user id.");
  const msg: SignalMessage = { action: d.action as ClientAction, to_user_id: d.to_user_id };
  if (msg.action === "muted") {
    if (d.type !== "audio" && d.type !== "video")
      throw new SignalError("api.webrtc.invalid_message", "muted needs type 'audio' or 'video'.");
    if (typeof d.mute !== "boolean")
      throw new SignalError("api.webrtc.invalid_message", "muted needs mute: true or false.");
    msg.type = d.type;
    msg.mute = d.mute;
  }
  return msg;
}
