import type { JsonObject } from "@callgate/protocol";
import type { PluginHandle } from "../plugin.js";

/** One VideoCall handle: its username, its peer, and what it lets through. */
export class VideoCallSession {
  username: string | undefined;
  peer: VideoCallSession | undefined;
  incall = false;
  /** Both legs answered: media may be relayed. */
  connected = false;
  audioActive = true;
  videoActive = true;
  /** Cap asked for with `set bitrate` (bps, 0 = none). */
  bitrate = 0;
  peerBitrate = 0;
  slowlinkCount = 0;
  hangingUp = false;
  destroyed = false;

  constructor(readonly handle: PluginHandle) {}

  /** Back to idle after a call, keeping the username. */
  resetCall(): void {
    this.peer = undefined;
    this.incall = false;
    this.connected = false;
    this.audioActive = true;
    this.videoActive = true;
    this.bitrate = 0;
    this.peerBitrate = 0;
  }

  describe(): JsonObject {
    const info: JsonObject = { state: this.peer ? "incall" : "idle" };
    if (this.username !== undefined) info.username = this.username;
    if (this.peer?.username !== undefined) info.peer = this.peer.username;
    Object.assign(info, {
      audio_active: this.audioActive,
      video_active: this.videoActive,
      bitrate: this.bitrate,
      "peer-bitrate": this.peerBitrate,
      slowlink_count: this.slowlinkCount,
      incall: this.incall,
      hangingup: this.hangingUp ? 1 : 0,
      destroyed: this.destroyed ? 1 : 0,
    });
    return info;
  }
}
