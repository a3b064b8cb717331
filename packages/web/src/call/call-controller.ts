import type { Api } from "../api/http.js";
import type { ChatEvent, ChatSocket } from "../api/socket.js";
import type { User } from "../api/types.js";
import { GatewayCall } from "./gateway-call.js";
import {
  browserSupportsCalls,
  type DeviceChoice,
  type MediaAccessError,
  openLocalMedia,
} from "./local-media.js";
import { type Quality, type QualitySample, qualityBetween, sampleQuality } from "./quality.js";
import { Ringtone } from "./ringtone.js";

export type CallPhase = "idle" | "outgoing" | "incoming" | "connecting" | "active";

export interface CallState {
  phase: CallPhase;
  /** The other person of the call (or of the last call, for the notice). */
  peer?: User;
  /** When media started flowing, for the duration. */
  startedAt?: number;
  localStream?: MediaStream;
  remoteStream?: MediaStream;
  audioMuted: boolean;
  videoOff: boolean;
  peerAudioMuted: boolean;
  peerVideoOff: boolean;
  quality: Quality;
  devices: DeviceChoice;
  /** The last outcome or problem, until dismissed or the next call. */
  notice?: { kind: "info" | "error"; text: string };
}

const IDLE: CallState = {
  phase: "idle",
  audioMuted: false,
  videoOff: false,
  peerAudioMuted: false,
  peerVideoOff: false,
  quality: "unknown",
  devices: {},
};

/** What the caller is told when the callee's side ends the ring. */
const CALLER_NOTICES: Record<string, (name: string) => string> = {
  decline: (n) => `${n} declined your call.`,
  busy: (n) => `${n} is busy in another call.`,
  no_answer: (n) => `${n} is not answering.`,
  offline: (n) => `${n} is offline.`,
  unsupported: (n) => `${n}'s browser cannot take video calls.`,
  disabled: (n) => `${n} has not turned on video calls yet (Account Settings > Advanced).`,
  in_progress: () => "You have a call in progress. Hang up first.",
  failed: (n) => `The call with ${n} could not connect.`,
};

/**
 * One person's calls: the signalling on the chat WebSocket (ring, answer, decline, …) and the
 * media on the gateway, as one state the UI renders. Every button reads this state, so it always
 * shows what is true (the original's mute buttons showed the opposite).
 */
export class CallController {
  private state: CallState = IDLE;
  private readonly listeners = new Set<(s: CallState) => void>();
  private media: GatewayCall | undefined;
  /** The caller's registration on the gateway, started while it rings: an answer may come first. */
  private mediaReady: Promise<void> | undefined;
  private readonly ringtone = new Ringtone();
  private qualityTimer: ReturnType<typeof setInterval> | undefined;
  private lastSample: QualitySample | undefined;
  /** Bumped by every call start and end, so a slow step of an old call does not touch a new one. */
  private generation = 0;

  constructor(
    private readonly api: Api,
    private readonly socket: ChatSocket,
    private readonly me: User,
    private readonly userById: (id: string) => Promise<User | undefined>,
  ) {
    socket.on((e) => void this.onChatEvent(e));
  }

  get current(): CallState {
    return this.state;
  }

  subscribe(listener: (s: CallState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Why calling `user` is not possible right now, or undefined when it is. */
  whyCannotCall(user: User, webrtcEnabled: boolean): string | undefined {
    if (!webrtcEnabled) return "Video calls are turned off on this server.";
    if (!browserSupportsCalls()) return "This browser cannot make video calls.";
    if (user.id === this.me.id) return "You cannot call yourself.";
    if (user.status === "offline" || !user.status) return `${user.username} is offline.`;
    if (!user.calls_enabled) return `${user.username} has not turned on video calls.`;
    if (this.state.phase !== "idle") return "You have a call in progress. Hang up first.";
    return undefined;
  }

  async startCall(peer: User): Promise<void> {
    if (this.state.phase !== "idle")
      return this.notice("error", "You have a call in progress. Hang up first.");
    const gen = ++this.generation;
    this.set({ ...IDLE, devices: this.state.devices, phase: "outgoing", peer });
    let local: MediaStream;
    try {
      local = await openLocalMedia(this.state.devices);
    } catch (err) {
      return this.endCall(gen, "error", (err as MediaAccessError).message);
    }
    if (gen !== this.generation) return stopStream(local);
    this.set({ localStream: local });
    try {
      await this.socket.send("webrtc", { action: "notify", to_user_id: peer.id });
    } catch (err) {
      return this.endCall(gen, "error", (err as Error).message);
    }
    // Register on the gateway while it rings, so the call can start as soon as it is answered.
    try {
      this.mediaReady = this.openMedia(gen, local);
      await this.mediaReady;
    } catch (err) {
      await this.socket.send("webrtc", { action: "cancel", to_user_id: peer.id }).catch(() => {});
      return this.endCall(gen, "error", `The video call gateway is not reachable: ${(err as Error).message}`);
    }
  }

  async answer(): Promise<void> {
    const peer = this.state.peer;
    if (this.state.phase !== "incoming" || !peer) return;
    const gen = this.generation;
    this.ringtone.stop();
    this.set({ phase: "connecting" });
    let local: MediaStream;
    try {
      local = await openLocalMedia(this.state.devices);
    } catch (err) {
      const e = err as MediaAccessError;
      const action = e.kind === "unsupported" ? "unsupported" : "failed";
      await this.socket.send("webrtc", { action, to_user_id: peer.id }).catch(() => {});
      return this.endCall(gen, "error", e.message);
    }
    if (gen !== this.generation) return stopStream(local);
    this.set({ localStream: local });
    try {
      // Registered before answering: the caller calls our user id as soon as it hears the answer.
      await this.openMedia(gen, local);
      await this.socket.send("webrtc", { action: "answer", to_user_id: peer.id });
    } catch (err) {
      await this.socket.send("webrtc", { action: "failed", to_user_id: peer.id }).catch(() => {});
      return this.endCall(gen, "error", `The call could not start: ${(err as Error).message}`);
    }
  }

  async decline(): Promise<void> {
    const peer = this.state.peer;
    if (this.state.phase !== "incoming" || !peer) return;
    await this.socket.send("webrtc", { action: "decline", to_user_id: peer.id }).catch(() => {});
    this.endCall(this.generation, "info", `You declined the call from ${peer.username}.`);
  }

  async cancel(): Promise<void> {
    const peer = this.state.peer;
    if (this.state.phase !== "outgoing" || !peer) return;
    await this.socket.send("webrtc", { action: "cancel", to_user_id: peer.id }).catch(() => {});
    this.endCall(this.generation, "info", `You cancelled the call to ${peer.username}.`);
  }

  async hangup(): Promise<void> {
    const peer = this.state.peer;
    if ((this.state.phase !== "active" && this.state.phase !== "connecting") || !peer) return;
    await this.socket.send("webrtc", { action: "hangup", to_user_id: peer.id }).catch(() => {});
    this.endCall(this.generation, "info", `Call with ${peer.username} ended.`);
  }

  toggleAudio(): void {
    this.setMuted("audio", !this.state.audioMuted);
  }

  toggleVideo(): void {
    this.setMuted("video", !this.state.videoOff);
  }

  /** Uses another camera or microphone, during a call or for the next one. */
  async chooseDevice(kind: "camera" | "microphone", deviceId: string): Promise<void> {
    const devices = { ...this.state.devices, [kind === "camera" ? "cameraId" : "microphoneId"]: deviceId };
    this.set({ devices });
    const local = this.state.localStream;
    if (!local) return;
    try {
      const fresh = await openLocalMedia(devices);
      const trackKind = kind === "camera" ? "video" : "audio";
      const track = fresh.getTracks().find((t) => t.kind === trackKind)!;
      for (const t of fresh.getTracks()) if (t !== track) t.stop();
      const old = local.getTracks().find((t) => t.kind === trackKind);
      track.enabled = trackKind === "audio" ? !this.state.audioMuted : !this.state.videoOff;
      await this.media?.replaceTrack(track);
      if (old) {
        local.removeTrack(old);
        old.stop();
      }
      local.addTrack(track);
      this.set({ localStream: local });
    } catch (err) {
      this.notice("error", (err as Error).message);
    }
  }

  dismissNotice(): void {
    this.set({ notice: undefined });
  }

  private setMuted(kind: "audio" | "video", muted: boolean): void {
    for (const t of this.state.localStream?.getTracks() ?? []) if (t.kind === kind) t.enabled = !muted;
    this.set(kind === "audio" ? { audioMuted: muted } : { videoOff: muted });
    const peer = this.state.peer;
    if (peer && (this.state.phase === "active" || this.state.phase === "connecting"))
      void this.socket
        .send("webrtc", { action: "muted", to_user_id: peer.id, type: kind, mute: muted })
        .catch(() => {});
  }

  private async openMedia(gen: number, local: MediaStream): Promise<void> {
    const token = await this.api.webrtcToken();
    const media = await GatewayCall.open(token, this.me.id, {
      remoteStream: (stream) => {
        if (gen === this.generation) this.set({ remoteStream: stream });
      },
      connected: () => {
        if (gen !== this.generation || this.state.phase === "active") return;
        this.set({ phase: "active", startedAt: Date.now() });
        this.startQualityWatch(gen);
      },
      ended: (reason) => {
        const peer = this.state.peer;
        if (gen !== this.generation || !peer) return;
        void this.socket.send("webrtc", { action: "failed", to_user_id: peer.id }).catch(() => {});
        this.endCall(gen, "error", `The call with ${peer.username} was interrupted (${reason}).`);
      },
    });
    if (gen !== this.generation) {
      await media.close();
      return;
    }
    media.setLocalStream(local);
    this.media = media;
  }

  private async onChatEvent(e: ChatEvent): Promise<void> {
    if (e.event === "session_ended" && this.state.phase !== "idle")
      return this.endCall(this.generation, "error", "You were logged out.");
    if (e.event !== "webrtc") return;
    const action = String(e.data.action);
    const fromId = String(e.data.from_user_id);
    const peer = this.state.peer;
    const fromPeer = peer?.id === fromId;
    const gen = this.generation;

    if (action === "notify") {
      if (this.state.phase !== "idle") return; // The server answers busy; a stale ring is ignored.
      const caller = await this.userById(fromId);
      if (!caller || gen !== this.generation) return;
      if (!browserSupportsCalls()) {
        await this.socket.send("webrtc", { action: "unsupported", to_user_id: fromId }).catch(() => {});
        return;
      }
      this.generation++;
      this.set({ ...IDLE, devices: this.state.devices, phase: "incoming", peer: caller });
      this.ringtone.start();
      return;
    }
    if (!fromPeer || !peer) return;
    const name = peer.username;
    switch (action) {
      case "answer":
        if (this.state.phase !== "outgoing") return;
        this.set({ phase: "connecting" });
        try {
          await this.mediaReady;
          if (gen !== this.generation) return;
          await this.media?.call(peer.id);
        } catch (err) {
          await this.socket.send("webrtc", { action: "failed", to_user_id: peer.id }).catch(() => {});
          this.endCall(gen, "error", `The call could not start: ${(err as Error).message}`);
        }
        return;
      case "cancel":
        if (this.state.phase !== "incoming") return;
        if (e.data.reason === "answered_elsewhere")
          return this.endCall(gen, "info", "You answered on another device.");
        if (e.data.reason)
          return this.endCall(gen, "info", `You declined the call from ${name} on another device.`);
        return this.endCall(gen, "info", `${name} cancelled the call.`);
      case "no_answer":
        return this.endCall(
          gen,
          "info",
          this.state.phase === "incoming" ? `You missed a call from ${name}.` : `${name} is not answering.`,
        );
      case "muted":
        if (e.data.type === "audio") this.set({ peerAudioMuted: e.data.mute === true });
        if (e.data.type === "video") this.set({ peerVideoOff: e.data.mute === true });
        return;
      case "hangup":
        return this.endCall(gen, "info", `Call with ${name} ended.`);
      default: {
        const text = CALLER_NOTICES[action];
        if (text) return this.endCall(gen, action === "failed" ? "error" : "info", text(name));
      }
    }
  }

  private startQualityWatch(gen: number): void {
    clearInterval(this.qualityTimer);
    this.lastSample = undefined;
    this.qualityTimer = setInterval(async () => {
      const pc = this.media?.peerConnection;
      if (!pc || gen !== this.generation) return;
      const sample = await sampleQuality(pc);
      this.set({ quality: qualityBetween(this.lastSample, sample) });
      this.lastSample = sample;
    }, 2000);
  }

  /** Ends the call of generation `gen` (if still current) and leaves a notice. */
  private endCall(gen: number, kind: "info" | "error", text: string): void {
    if (gen !== this.generation) return;
    this.generation++;
    this.ringtone.stop();
    clearInterval(this.qualityTimer);
    stopStream(this.state.localStream);
    const media = this.media;
    this.media = undefined;
    this.mediaReady = undefined;
    void media?.close();
    this.set({ ...IDLE, devices: this.state.devices, peer: this.state.peer, notice: { kind, text } });
  }

  private notice(kind: "info" | "error", text: string): void {
    this.set({ notice: { kind, text } });
  }

  private set(patch: Partial<CallState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener(this.state);
  }
}

function stopStream(stream: MediaStream | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}
