import type { JsonObject } from "@callgate/protocol";
import type { JanusHandle, JanusSession } from "./session.js";

export const VIDEOCALL_PLUGIN = "janus.plugin.videocall";

export interface Jsep {
  type: "offer" | "answer";
  sdp: string;
}

/** An error the VideoCall plugin reported (`error_code` 470-483, e.g. 476 "username taken"). */
export class VideoCallError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`VideoCall error ${code}: ${reason}`);
    this.name = "VideoCallError";
  }
}

export interface VideoCallListeners {
  /** Someone calls us: answer with accept(answer) or hangup(). */
  incomingCall?(from: string, offer: Jsep): void;
  /** Our call was accepted: the answer to apply. */
  accepted?(from: string | undefined, answer: Jsep | undefined): void;
  /** A renegotiation (e.g. ICE restart) from the other side or the gateway's answer to ours. */
  update?(jsep: Jsep): void;
  /** The call ended (the other side hung up, or the gateway ended it). */
  hangup?(reason: string): void;
  /** The PeerConnection with the gateway is up (DTLS done). */
  webrtcUp?(): void;
  /** Media of a kind started or stopped arriving at the gateway. */
  media?(kind: string, receiving: boolean): void;
  /** The gateway sees losses on this leg. */
  slowLink?(uplink: boolean): void;
  /** A candidate the gateway sent (when it trickles). */
  trickle?(candidate: JsonObject): void;
}

/** The VideoCall plugin's API on one handle: register, call, accept, set, hangup. */
export class VideoCallHandle {
  private constructor(
    readonly handle: JanusHandle,
    listeners: VideoCallListeners,
  ) {
    handle.on((event) => dispatch(event, listeners));
  }

  static async attach(session: JanusSession, listeners: VideoCallListeners = {}): Promise<VideoCallHandle> {
    return new VideoCallHandle(await session.attach(VIDEOCALL_PLUGIN), listeners);
  }

  async register(username: string): Promise<void> {
    await this.request({ request: "register", username });
  }

  async list(): Promise<string[]> {
    const result = await this.request({ request: "list" });
    return (result.list as string[] | undefined) ?? [];
  }

  async call(username: string, offer: Jsep): Promise<void> {
    await this.request({ request: "call", username }, offer);
  }

  async accept(answer: Jsep): Promise<void> {
    await this.request({ request: "accept" }, answer);
  }

  /** Media settings on this leg (`bitrate` caps what the other side sends us), with an optional renegotiation. */
  async set(
    options: { audio?: boolean; video?: boolean; bitrate?: number },
    jsep?: Jsep,
  ): Promise<Jsep | undefined> {
    const { jsep: reply } = await this.handle.message(
      { request: "set", ...options },
      jsep as JsonObject | undefined,
    );
    return reply as Jsep | undefined;
  }

  async hangup(): Promise<void> {
    await this.request({ request: "hangup" });
  }

  trickle(candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null) {
    return this.handle.trickle(candidate);
  }

  detach(): Promise<void> {
    return this.handle.detach();
  }

  /** Sends a request and returns its `result`, or throws the plugin's error. */
  private async request(body: JsonObject, jsep?: Jsep): Promise<JsonObject> {
    const { data } = await this.handle.message(body, jsep as JsonObject | undefined);
    if (typeof data.error_code === "number")
      throw new VideoCallError(data.error_code, String(data.error ?? ""));
    return (data.result as JsonObject | undefined) ?? {};
  }
}

function dispatch(event: JsonObject, l: VideoCallListeners): void {
  switch (event.janus) {
    case "webrtcup":
      l.webrtcUp?.();
      return;
    case "media":
      l.media?.(String(event.type), event.receiving === true);
      return;
    case "slowlink":
      l.slowLink?.(event.uplink === true);
      return;
    case "hangup":
      l.hangup?.(String(event.reason ?? "hangup"));
      return;
    case "trickle":
      l.trickle?.(event.candidate as JsonObject);
      return;
    case "event": {
      const data = (event.plugindata as { data?: JsonObject } | undefined)?.data ?? {};
      const result = (data.result as JsonObject | undefined) ?? {};
      const jsep = event.jsep as Jsep | undefined;
      switch (result.event) {
        case "incomingcall":
          if (jsep) l.incomingCall?.(String(result.username), jsep);
          return;
        case "accepted":
          l.accepted?.(result.username as string | undefined, jsep);
          return;
        case "update":
          if (jsep) l.update?.(jsep);
          return;
        case "hangup":
          l.hangup?.(String(result.reason ?? "hangup"));
          return;
      }
    }
  }
}
