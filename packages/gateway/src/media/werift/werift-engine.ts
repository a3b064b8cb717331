import { RTCDtlsTransport } from "werift";
import { nativeDtlsAvailable } from "../dtls/native-dtls.js";
import {
  type MediaEngine,
  type MediaPeer,
  type MediaPeerOptions,
  newRelayCounters,
  type RelayCounters,
} from "../media-peer.js";
import { srtpImplementation } from "../srtp/index.js";
import { batchedUdpEnabled } from "../udp/batched-udp.js";
import { fastPathEnabled } from "./srtp-fast-path.js";
import { WeriftPeer, type WeriftSettings } from "./werift-peer.js";

/** MediaEngine on werift (pure TypeScript WebRTC): one werift RTCPeerConnection per handle. */
export class WeriftEngine implements MediaEngine {
  readonly counters: RelayCounters = newRelayCounters();

  constructor(private readonly settings: WeriftSettings) {
    // werift makes its DTLS certificate on the first PeerConnection, which then waits for it:
    // made now, the first call sets up as fast as the others.
    RTCDtlsTransport.SetupCertificate().catch(() => {});
  }

  createPeer(options: MediaPeerOptions): MediaPeer {
    return new WeriftPeer(this.settings, options, this.counters);
  }

  describeRelay(): string {
    const dtls = nativeDtlsAvailable()
      ? "DTLS in the native addon"
      : "DTLS in werift (the native addon is not built or CALLGATE_DTLS=werift)";
    if (!fastPathEnabled()) return `werift for every packet (CALLGATE_MEDIA_FAST_PATH=0), ${dtls}`;
    const srtp =
      srtpImplementation() === "native"
        ? "SRTP in the native addon"
        : "SRTP with node:crypto (the native addon is not built or CALLGATE_SRTP=node:crypto)";
    const udp = batchedUdpEnabled()
      ? "media read in batches (recvmmsg)"
      : "media read through dgram (the UDP addon is not built or CALLGATE_MEDIA_BATCHED_UDP=0)";
    return `fast path, ${srtp}, ${dtls}, ${udp}`;
  }

  describePorts(): string {
    const range = this.settings.portRange;
    return range
      ? `UDP ${range[0]}-${range[1]}`
      : "UDP on any port (set rtp_port_range to fix a range for firewalls)";
  }
}
