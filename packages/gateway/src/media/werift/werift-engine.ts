import type { MediaEngine, MediaPeer, MediaPeerOptions } from "../media-peer.js";
import { WeriftPeer, type WeriftSettings } from "./werift-peer.js";

/** MediaEngine on werift (pure TypeScript WebRTC): one werift RTCPeerConnection per handle. */
export class WeriftEngine implements MediaEngine {
  constructor(private readonly settings: WeriftSettings) {}

  createPeer(options: MediaPeerOptions): MediaPeer {
    return new WeriftPeer(this.settings, options);
  }

  describePorts(): string {
    const range = this.settings.portRange;
    return range
      ? `UDP ${range[0]}-${range[1]}`
      : "UDP on any port (set rtp_port_range to fix a range for firewalls)";
  }
}
