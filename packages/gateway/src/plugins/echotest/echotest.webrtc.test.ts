import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { expectSuccess, JanusSession } from "@callgate/client";
import type { JsonObject } from "@callgate/protocol";
import { RTCPeerConnection, RtpHeader, RtpPacket } from "werift";
import { nextEvent, startTestGateway, type TestGateway } from "../../testing/test-gateway.js";

const TOKEN = "echo-token";

/** UDP sockets open in this process (gateway and test peer alike). */
function udpSockets(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (h) =>
      h?.constructor?.name === "Socket" &&
      typeof (h as { send?: unknown }).send === "function" &&
      "bind" in (h as object),
  ).length;
}

/**
 * EchoTest with real media: a werift peer (ICE, DTLS-SRTP) offers audio and video to the gateway,
 * sends RTP, and gets the same payloads back. Runs in its own network namespace (loopback only).
 */
describe("EchoTest media through the gateway", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-echo-")), (s) => {
      s.nat.iceEnforceList = ["127.0.0.1"];
    });
    expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
  });
  after(() => gw.close());

  it("negotiates, reports webrtcup and media, echoes RTP, and hangs up", async () => {
    const socketsBefore = udpSockets();
    const conn = await gw.connect({ token: TOKEN });
    const session = await JanusSession.create(conn, 0);
    const handle = await session.attach("janus.plugin.echotest");
    // max-bundle, as browsers offer: one ICE transport for every m-line
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceAdditionalHostAddresses: ["127.0.0.1"],
      bundlePolicy: "max-bundle",
    });
    const audio = pc.addTransceiver("audio", { direction: "sendrecv" });
    const video = pc.addTransceiver("video", { direction: "sendrecv" });
    const echoed: string[] = [];
    video.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => echoed.push(rtp.payload.toString())),
    );
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === "complete") resolve();
      assert.ok(udpSockets() > socketsBefore, "the test peer opened its socket");
      pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
    });
    const webrtcup = nextEvent(conn, (m) => m.janus === "webrtcup", 10000);
    const reply = await handle.message(
      { audio: true, video: true },
      { type: "offer", sdp: pc.localDescription!.sdp },
    );
    assert.deepEqual(reply.data, { echotest: "event", result: "ok" });
    assert.equal(reply.jsep?.type, "answer");
    assert.match(reply.jsep?.sdp as string, /a=candidate:.* 127\.0\.0\.1 /);
    assert.match(reply.jsep?.sdp as string, /a=fingerprint:sha-256 /);
    await pc.setRemoteDescription(reply.jsep as { type: "answer"; sdp: string });
    assert.deepEqual(await webrtcup, { janus: "webrtcup", session_id: session.id, sender: handle.id });

    const mediaEvent = nextEvent(conn, (m) => m.janus === "media" && m.type === "video", 5000);
    const videoPt = video.codecs[0]!.payloadType;
    for (let i = 0; i < 50 && echoed.length < 5; i++) {
      const header = new RtpHeader({
        payloadType: videoPt,
        sequenceNumber: 1000 + i,
        timestamp: 3000 * i,
        marker: true,
      });
      await video.sender.sendRtp(new RtpPacket(header, Buffer.from(`frame-${i}`)));
      await new Promise((r) => setTimeout(r, 20));
    }
    const media = await mediaEvent;
    assert.deepEqual(
      { janus: media.janus, type: media.type, receiving: media.receiving, sender: media.sender },
      {
        janus: "media",
        type: "video",
        receiving: true,
        sender: handle.id,
      },
    );
    assert.ok(echoed.length >= 5, `only ${echoed.length} packets came back`);
    assert.ok(echoed.every((p) => p.startsWith("frame-")));

    // video:false stops the echo of video (audio is left alone)
    assert.deepEqual((await handle.message({ video: false })).data, { echotest: "event", result: "ok" });
    const before = echoed.length;
    for (let i = 0; i < 10; i++) {
      await video.sender.sendRtp(
        new RtpPacket(
          new RtpHeader({ payloadType: videoPt, sequenceNumber: 2000 + i, timestamp: 9000 * i }),
          Buffer.from("muted"),
        ),
      );
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(echoed.length, before, "no video echoed while video is off");
    void audio;

    const hangup = nextEvent(conn, (m) => m.janus === "hangup", 5000);
    const done = nextEvent(
      conn,
      (m) => ((m.plugindata as JsonObject | undefined)?.data as JsonObject | undefined)?.result === "done",
      5000,
    );
    expectSuccess(await conn.request({ janus: "hangup", session_id: session.id, handle_id: handle.id }));
    assert.deepEqual(await hangup, {
      janus: "hangup",
      session_id: session.id,
      sender: handle.id,
      reason: "Janus API",
    });
    await done;
    await pc.close();
    await session.destroy();
    conn.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(udpSockets(), socketsBefore, "no UDP socket outlives the call");
  });
});
