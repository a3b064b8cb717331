import type { Jsep, JsonObject } from "@callgate/protocol";
import type { MediaKind } from "../media/media-peer.js";

/**
 * The contract between the core and a plugin, one folder per plugin. A plugin sees handles
 * only through PluginHandle and answers messages with a MessageResult; it never touches
 * sessions, transports or auth.
 */
export interface PluginInfo {
  name: string;
  author: string;
  description: string;
  version_string: string;
  version: number;
}

/** What the core offers a plugin for one attached handle. */
export interface PluginHandle {
  readonly id: number;
  readonly sessionId: number;
  readonly opaqueId: string | undefined;
  /** Sends an `event` with plugindata to the handle's session; transaction undefined for spontaneous events. */
  pushEvent(transaction: string | undefined, data: JsonObject, jsep?: Jsep): void;
  /** Tears the handle's PeerConnection down (Janus's close_pc); a no-op when there is none. */
  closePeerConnection(): void;
  /**
   * Starts taking in the offer this handle's last message carried, to be answered later with
   * answerOffer (VideoCall's caller, once the callee accepts): the answer then costs only its own
   * making. No ICE or DTLS starts before the answer.
   */
  prepareAnswer(): void;
  /** The gateway's answer to the offer this handle's last message carried (ICE/DTLS included). */
  answerOffer(): Promise<Jsep>;
  /** A fresh offer from the gateway to this handle's user for these kinds (VideoCall's callee leg). */
  makeOffer(kinds: MediaKind[]): Promise<Jsep>;
  /** The media kinds of the offer this handle's last message carried. */
  offeredKinds(): MediaKind[];
  /**
   * Sends an RTP packet to this handle's peer on the m-line of that kind. The packet is handed
   * over: the relay may encrypt it where it lies. A packet from `incomingRtp` is the plugin's to
   * send once; to send it to more than one peer, send each a copy.
   */
  sendRtp(kind: MediaKind, packet: Buffer): void;
  /** Asks this handle's peer for a keyframe (PLI). */
  requestKeyframe(kind: MediaKind): void;
  /** Caps what this handle's peer sends (REMB), in bits per second. */
  capBitrate(bitsPerSecond: number): void;
}

/** Janus's JANUS_PLUGIN_OK (synchronous success) or JANUS_PLUGIN_OK_WAIT (ack now, event later). */
export type MessageResult = { kind: "success"; data: JsonObject } | { kind: "ack"; hint?: string };

/** A plugin's state for one handle. */
export interface PluginSession {
  handleMessage(transaction: string, body: JsonObject, jsep: Jsep | undefined): MessageResult;
  /** The handle's PeerConnection went away (hangup, ICE/DTLS failure, close). */
  mediaHungUp(): void;
  /** ICE and DTLS are up on this handle's PeerConnection (after Janus's `webrtcup`). */
  mediaConnected?(): void;
  /** An RTP packet from this handle's peer, valid during the call (see PluginHandle.sendRtp). */
  incomingRtp?(kind: MediaKind, packet: Buffer): void;
  /** Packets are being lost on this handle's PeerConnection (`uplink`: what the gateway sends). */
  slowLink?(kind: MediaKind, uplink: boolean): void;
  /** This handle's peer asked for a keyframe of what it receives. */
  keyframeRequested?(kind: MediaKind): void;
  /** The handle is being detached or its session destroyed. */
  destroy(): void;
  /** The `plugin_specific` part of the admin API's handle_info. */
  describe(): JsonObject;
}

export interface Plugin {
  /** Package name, e.g. "janus.plugin.videocall". */
  readonly name: string;
  readonly info: PluginInfo;
  attach(handle: PluginHandle): PluginSession;
  /** Called once on gateway shutdown. */
  close?(): void;
}
