// Test helpers shared with the end-to-end suite (`@callgate/gateway/testing`).

// The SRTP fast path for synthetic peers (the benchmark's load generator): its SRTP is checked
// independently there, since Janus (libsrtp) refuses what it would get wrong.
export { type MediaKind, newRelayCounters, type RelayCounters } from "../media/media-peer.js";
export { rtpPayloadOffset } from "../media/rtp/rtp-header.js";
export { createSrtpSession, type SrtpImplementation } from "../media/srtp/index.js";
// Kernel arrival times, so that the generator's latencies end at its socket (see stampArrivalTimes).
export { arrivalTimeMs, realtimeMs, stampArrivalTimes } from "../media/udp/batched-udp.js";
export { SrtpFastPath } from "../media/werift/srtp-fast-path.js";
export { coturnInstalled, type RunningTurn, startCoturn } from "./coturn.js";
