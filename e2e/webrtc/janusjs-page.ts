/**
 * A test page that drives Debian's janus.js (the library of the Janus demos, unchanged): one
 * Janus session, an EchoTest or VideoCall handle, and what the test needs to read back (state,
 * events, the remote video element, inbound byte counters from getStats).
 */
export interface Harness {
  events: Array<{
    webrtc?: boolean;
    reason?: string;
    media?: string;
    on?: boolean;
    msg?: Record<string, unknown>;
    jsep?: string;
    cleanup?: boolean;
  }>;
  errors: string[];
  state: { hungUp?: Record<string, unknown> };
  incoming?: unknown;
  echotest(server: string, token: string): Promise<void>;
  register(server: string, token: string, username: string): Promise<void>;
  call(username: string): Promise<void>;
  answer(): Promise<void>;
  set(body: Record<string, unknown>): void;
  send(body: Record<string, unknown>): void;
  hangup(): void;
  /** The SDP of the last jsep the gateway sent, as it came in the event (before any trickled candidate). */
  lastJsepSdp?: string;
  /** "iceConnectionState/connectionState/signalingState" of the handle's PeerConnection, for failure messages. */
  pcState(): string;
  /** Restarts ICE with a new offer sent in a `set` request (as the VideoCall demo does), resolving with the old and new remote ICE ufrags. */
  restartIce(): Promise<{ before: string; after: string }>;
  /** Forgets the last call (incoming offer, hangup, remote video), for the next call on the same handle. */
  reset(): void;
  video(): { width: number; time: number };
  inbound(): Promise<{ audio: number; video: number }>;
}

/** The page's `window`, for `page.evaluate` callbacks (types only: the callbacks run in the browser). */
export type HarnessWindow = { cg: Harness };

export const JANUSJS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>janus.js harness</title>
<script src="/adapter.js"></script>
<script src="/janus.js"></script></head>
<body><video id="remote" autoplay playsinline muted></video>
<script>
window.cg = { events: [], errors: [], state: {} };
const log = (e) => window.cg.events.push(e);
let janus, handle, remoteStream = new MediaStream();
const remoteVideo = document.getElementById("remote");

function start(server, token) {
  return new Promise((resolve, reject) => {
    Janus.init({ debug: false, callback: () => {
      janus = new Janus({ server, token, iceServers: [], success: resolve, error: (e) => { window.cg.errors.push(String(e)); reject(new Error(String(e))); } });
    }});
  });
}

function attach(plugin) {
  return new Promise((resolve, reject) => {
    janus.attach({
      plugin, opaqueId: "harness-" + Janus.randomString(8),
      success: (h) => { handle = h; resolve(); },
      error: (e) => reject(new Error(String(e))),
      webrtcState: (on, reason) => log({ webrtc: on, reason }),
      mediaState: (kind, on, mid) => log({ media: kind, on }),
      onmessage: (msg, jsep) => {
        log({ msg, jsep: jsep ? jsep.type : undefined });
        if (jsep) window.cg.lastJsepSdp = jsep.sdp;
        const result = msg.result || {};
        if (result.event === "incomingcall") window.cg.incoming = jsep;
        if (jsep && (result.event === "accepted" || result.event === "update" || msg.echotest === "event")) handle.handleRemoteJsep({ jsep, error: (e) => window.cg.errors.push("remote jsep: " + String(e)) });
        if (result.event === "hangup") { window.cg.state.hungUp = result; handle.hangup(); }
      },
      onremotetrack: (track, mid, on) => {
        if (on) remoteStream.addTrack(track); else remoteStream.removeTrack(track);
        remoteVideo.srcObject = remoteStream;
      },
      oncleanup: () => log({ cleanup: true }),
    });
  });
}

function offer() {
  return new Promise((resolve, reject) => handle.createOffer({
    tracks: [{ type: "audio", capture: true, recv: true }, { type: "video", capture: true, recv: true }],
    success: resolve, error: (e) => reject(new Error(String(e))),
  }));
}

window.cg.echotest = async (server, token) => {
  await start(server, token);
  await attach("janus.plugin.echotest");
  handle.send({ message: { audio: true, video: true } });
  const jsep = await offer();
  handle.send({ message: { audio: true, video: true }, jsep });
};
window.cg.register = async (server, token, username) => {
  await start(server, token);
  await attach("janus.plugin.videocall");
  handle.send({ message: { request: "register", username } });
};
window.cg.call = async (username) => {
  const jsep = await offer();
  handle.send({ message: { request: "call", username }, jsep });
};
window.cg.answer = async () => {
  const jsep = await new Promise((resolve, reject) => handle.createAnswer({
    jsep: window.cg.incoming,
    tracks: [{ type: "audio", capture: true, recv: true }, { type: "video", capture: true, recv: true }],
    success: resolve, error: (e) => reject(new Error(String(e))),
  }));
  handle.send({ message: { request: "accept" }, jsep });
};
window.cg.set = (body) => handle.send({ message: Object.assign({ request: "set" }, body) });
window.cg.send = (body) => handle.send({ message: body });
window.cg.hangup = () => { handle.send({ message: { request: "hangup" } }); handle.hangup(); };
const remoteUfrag = () => (/a=ice-ufrag:(\\S+)/.exec(handle.webrtcStuff.pc.remoteDescription.sdp) || [])[1];
window.cg.restartIce = async () => {
  const before = remoteUfrag();
  const jsep = await new Promise((resolve, reject) => handle.createOffer({
    iceRestart: true, success: resolve, error: (e) => reject(new Error(String(e))),
  }));
  handle.send({ message: { request: "set", restart: true }, jsep });
  const start = Date.now();
  while (remoteUfrag() === before && Date.now() - start < 10000) await new Promise((r) => setTimeout(r, 50));
  return { before, after: remoteUfrag() };
};
window.cg.pcState = () => {
  const pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
  return pc ? pc.iceConnectionState + "/" + pc.connectionState + "/" + pc.signalingState : "none";
};
window.cg.reset = () => {
  window.cg.incoming = undefined;
  window.cg.state = {};
  remoteStream = new MediaStream();
  remoteVideo.srcObject = null;
};
window.cg.video = () => ({ width: remoteVideo.videoWidth, time: remoteVideo.currentTime });
window.cg.videoStats = async () => {
  const pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
  const out = [];
  if (pc) (await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") out.push({ framesReceived: r.framesReceived, framesDecoded: r.framesDecoded, keyFramesDecoded: r.keyFramesDecoded, pliCount: r.pliCount, nackCount: r.nackCount, packetsLost: r.packetsLost, codec: r.codecId }); });
  return out;
};
window.cg.outStats = async () => {
  const pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
  const out = [];
  if (pc) (await pc.getStats()).forEach((r) => { if (r.type === "outbound-rtp" && r.kind === "video") out.push({ pliCount: r.pliCount, firCount: r.firCount, keyFramesEncoded: r.keyFramesEncoded, framesEncoded: r.framesEncoded, nackCount: r.nackCount }); });
  return out;
};
window.cg.inbound = async () => {
  const pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
  const out = { audio: 0, video: 0 };
  if (!pc) return out;
  (await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp") out[r.kind] += r.bytesReceived; });
  return out;
};
</script></body></html>`;
