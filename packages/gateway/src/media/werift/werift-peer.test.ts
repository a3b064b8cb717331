import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RTCPeerConnection } from "werift";
import { eventually } from "../../testing/werift-client.js";
import { nativeDtlsAvailable } from "../dtls/native-dtls.js";
import { HostCandidates } from "../host-candidates.js";
import type { MediaPeer } from "../media-peer.js";
import { NativeDtlsSocket, nativeDtlsSocketFactory } from "./native-dtls-socket.js";
import { WeriftEngine } from "./werift-engine.js";
import { dtlsInternals, withDtlsSocketFactory } from "./werift-internals.js";

const hosts = new HostCandidates(
  { enforce: ["127.0.0.1"], ignore: [], nat11Mapping: [], keepPrivateHost: false },
  {
    lo: [{ address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "", internal: true, cidr: null }],
  },
);
const engine = new WeriftEngine({ hosts, portRange: undefined, iceServers: [] });

function peer(options: { fullTrickle?: boolean; onCandidate?: () => void } = {}): MediaPeer {
  const ignore = () => {};
  return engine.createPeer({
    events: {
      connected: ignore,
      media: ignore,
      rtp: ignore,
      keyframeRequest: ignore,
      slowlink: ignore,
      localCandidate: options.onCandidate ?? ignore,
      closed: ignore,
    },
    noMediaTimer: 1,
    fullTrickle: options.fullTrickle ?? false,
    slowlinkThreshold: 0,
    minNackQueue: 200,
  });
}

async function browserOffer(
  kinds: Array<"audio" | "video">,
): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ["127.0.0.1"] });
  for (const kind of kinds) pc.addTransceiver(kind, { direction: "sendrecv" });
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, sdp: pc.localDescription!.sdp };
}

describe("werift peer: answering an offer taken in ahead (VideoCall's caller while the callee rings)", () => {
  const closers: Array<() => void> = [];
  after(() => {
    for (const close of closers) close();
  });

  it("answers a prepared offer as it answers one given at once, and sends nothing before the answer", async () => {
    const offer = await browserOffer(["audio", "video"]);
    const prepared = peer();
    closers.push(
      () => prepared.close("test over"),
      () => void offer.pc.close(),
    );
    let checks = 0;
    offer.pc.iceConnectionStateChange.subscribe(() => checks++);
    prepared.prepareAnswer(offer.sdp);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(checks, 0, "no ICE before the answer");
    const answer = await prepared.answer(offer.sdp);
    assert.match(answer, /^a=fingerprint:sha-256 /m);
    assert.match(answer, /^m=audio .*\r?\n[\s\S]*^m=video /m);
    assert.match(answer, /^a=sendrecv/m);
    // Half-trickle: the candidates, gathered while it was prepared, go in the answer.
    assert.match(answer, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m);
  });

  it("with full trickle, trickles no candidate before the answer", async () => {
    const offer = await browserOffer(["audio", "video"]);
    let trickled = 0;
    const prepared = peer({ fullTrickle: true, onCandidate: () => trickled++ });
    closers.push(
      () => prepared.close("test over"),
      () => void offer.pc.close(),
    );
    prepared.prepareAnswer(offer.sdp);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(trickled, 0, "nothing trickled while the answer waits");
    const answer = await prepared.answer(offer.sdp);
    assert.doesNotMatch(answer, /^a=candidate:/m);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(trickled > 0, "candidates trickled once answered");
  });

  it("fails the answer, not the prepare, when the prepared offer is bad", async () => {
    const bad = peer();
    closers.push(() => bad.close("test over"));
    const sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    assert.doesNotThrow(() => bad.prepareAnswer(sdp));
    await assert.rejects(bad.answer(sdp));
  });

  it("answers a newer offer than the one prepared (the caller renegotiated meanwhile)", async () => {
    const first = await browserOffer(["audio", "video"]);
    const second = await browserOffer(["audio"]);
    const p = peer();
    closers.push(
      () => p.close("test over"),
      () => void first.pc.close(),
      () => void second.pc.close(),
    );
    p.prepareAnswer(first.sdp);
    const answer = await p.answer(second.sdp);
    assert.match(answer, /^m=audio /m);
    assert.doesNotMatch(answer, /^m=video /m, "the answer is to the audio-only offer that came second");
  });
});

describe("werift peer: DTLS", { skip: !nativeDtlsAvailable() }, () => {
  /** A gateway peer connected to a werift "browser" (on native DTLS too when `nativeBrowser`). */
  async function connectedPair(nativeBrowser: boolean) {
    const config = { iceAdditionalHostAddresses: ["127.0.0.1"] };
    const browser = new RTCPeerConnection(
      nativeBrowser ? withDtlsSocketFactory(config, nativeDtlsSocketFactory) : config,
    );
    browser.addTransceiver("audio", { direction: "sendrecv" });
    await browser.setLocalDescription(await browser.createOffer());
    await new Promise<void>((resolve) => {
      if (browser.iceGatheringState === "complete") resolve();
      else browser.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
    });
    let connected!: () => void;
    const up = new Promise<void>((r) => (connected = r));
    const closedWith: string[] = [];
    const gateway = engine.createPeer({
      events: {
        connected: () => connected(),
        media: () => {},
        rtp: () => {},
        keyframeRequest: () => {},
        slowlink: () => {},
        localCandidate: () => {},
        closed: (reason) => closedWith.push(reason),
      },
      noMediaTimer: 1,
      fullTrickle: false,
      slowlinkThreshold: 0,
      minNackQueue: 200,
    });
    const browserUp = new Promise<void>((resolve) =>
      browser.connectionStateChange.subscribe((s) => s === "connected" && resolve()),
    );
    const answer = await gateway.answer(browser.localDescription!.sdp);
    await browser.setRemoteDescription({ type: "answer", sdp: answer });
    await Promise.all([up, browserUp]);
    return { browser, gateway, closedWith };
  }

  it("runs DTLS on the native addon, and sends the peer a close_notify at close", {
    timeout: 10_000,
  }, async () => {
    const { browser, gateway } = await connectedPair(false);
    try {
      const pc = (gateway as unknown as { pc: RTCPeerConnection }).pc;
      assert.ok(dtlsInternals(pc.dtlsTransports[0]!).dtls instanceof NativeDtlsSocket);
      const dtls = browser.dtlsTransports[0]!;
      const closed = new Promise<void>((resolve) =>
        dtls.onStateChange.subscribe((s) => s === "closed" && resolve()),
      );
      gateway.close("test over");
      await closed; // the browser's DTLS closed on our alert, not on a timeout
    } finally {
      gateway.close("test over");
      await browser.close();
    }
  });

  it("hangs up at once ('DTLS alert') when the peer's close_notify comes", { timeout: 10_000 }, async () => {
    const { browser, gateway, closedWith } = await connectedPair(true);
    try {
      const started = Date.now();
      (dtlsInternals(browser.dtlsTransports[0]!).dtls as unknown as NativeDtlsSocket).close();
      await eventually(() => closedWith.length > 0, 5000, "the gateway peer closed");
      assert.deepEqual(closedWith, ["DTLS alert"]);
      assert.ok(Date.now() - started < 1000, "not the 8 s no-packets watch");
    } finally {
      gateway.close("test over");
      await browser.close();
    }
  });
});
