import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { expectSuccess, JanusSession } from "@callgate/client";
import type { JsonObject } from "@callgate/protocol";
import { nextEvent, startTestGateway, type TestGateway } from "../../testing/test-gateway.js";
import { eventually, TestPeer, udpSockets } from "../../testing/werift-client.js";

const TOKEN = "vc-token";

function result(event: JsonObject): JsonObject | undefined {
  return ((event.plugindata as JsonObject | undefined)?.data as JsonObject | undefined)?.result as
    | JsonObject
    | undefined;
}

/**
 * A VideoCall between two werift peers through the gateway: the caller's offer, the gateway's own
 * offer to the callee, the answers, webrtcup on both legs, media relayed both ways, `set video`
 * honoured, and a hangup that reaches the other side. Runs in its own network namespace.
 */
describe("VideoCall media through the gateway", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-vc-")), (s) => {
      s.nat.iceEnforceList = ["127.0.0.1"];
      s.media.slowlinkThreshold = 3;
    });
    expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
  });
  after(() => gw.close());

  it("calls, relays media both ways, mutes video, and hangs up", async () => {
    const socketsBefore = udpSockets();
    const connA = await gw.connect({ token: TOKEN });
    const connB = await gw.connect({ token: TOKEN });
    const sessionA = await JanusSession.create(connA, 0);
    const sessionB = await JanusSession.create(connB, 0);
    const alice = await sessionA.attach("janus.plugin.videocall");
    const bob = await sessionB.attach("janus.plugin.videocall");
    await alice.message({ request: "register", username: "alice" });
    await bob.message({ request: "register", username: "bob" });

    // the caller offers payload types no browser picks, so the legs negotiate different numbers
    const caller = new TestPeer({ payloadTypes: { audio: 109, video: 120 } });
    const callee = new TestPeer();
    caller.addMedia();
    const incoming = nextEvent(connB, (m) => result(m)?.event === "incomingcall", 10000);
    const calling = await alice.message({ request: "call", username: "bob" }, await caller.offer());
    assert.deepEqual(calling.data, { videocall: "event", result: { event: "calling" } });
    const incomingCall = await incoming;
    assert.equal(incomingCall.transaction, undefined, "events caused by the other side carry no transaction");
    assert.deepEqual(result(incomingCall), { event: "incomingcall", username: "alice" });
    const offerToBob = incomingCall.jsep as { type: string; sdp: string };
    assert.equal(offerToBob.type, "offer");
    assert.match(offerToBob.sdp, /m=audio[\s\S]*m=video/);

    const acceptedByAlice = nextEvent(connA, (m) => result(m)?.event === "accepted", 10000);
    const upA = nextEvent(connA, (m) => m.janus === "webrtcup", 10000);
    const upB = nextEvent(connB, (m) => m.janus === "webrtcup", 10000);
    const accepted = await bob.message({ request: "accept" }, await callee.answer(offerToBob));
    assert.deepEqual(accepted.data, { videocall: "event", result: { event: "accepted" } });
    const acceptedEvent = await acceptedByAlice;
    assert.deepEqual(result(acceptedEvent), { event: "accepted", username: "bob" });
    await caller.accept(acceptedEvent.jsep as { sdp: string });
    await Promise.all([upA, upB]);

    await Promise.all([
      caller.send("video", "a2b", 30),
      callee.send("video", "b2a", 30),
      caller.send("audio", "a2b-audio", 30),
    ]);
    await eventually(
      () => callee.received.video.length >= 10 && caller.received.video.length >= 10,
      5000,
      "video both ways",
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}: callee got ${callee.received.video.length}, caller got ${caller.received.video.length}, callee audio ${callee.received.audio.length}`,
      );
    });
    assert.ok(callee.received.video.every((p) => p.startsWith("a2b-")));
    // the SRTP fast path carried the media; werift's own path only each stream's first packet
    const counted = await gw.gateway.metrics.registry.getSingleMetricAsString(
      "callgate_gateway_rtp_packets_total",
    );
    const packets = (direction: string, path: string) =>
      Number(new RegExp(`direction="${direction}",path="${path}"} (\\d+)`).exec(counted)?.[1]);
    assert.ok(packets("in", "fast") >= 60 && packets("out", "fast") >= 60, counted);
    assert.ok(packets("in", "engine") <= 3 && packets("out", "engine") === 0, counted);
    // payload types are mapped: each side receives the numbers its own SDP negotiated
    const ptIn = (sdp: string, codec: string) =>
      Number(new RegExp(`a=rtpmap:(\\d+) ${codec}/`).exec(sdp)?.[1]);
    const calleeVideoPt = ptIn(offerToBob.sdp, "VP8");
    assert.notEqual(calleeVideoPt, 120, "the gateway's own offer to bob numbers VP8 its own way");
    assert.ok(callee.packets.video.every((p) => p.payloadType === calleeVideoPt));
    assert.ok(caller.packets.video.every((p) => p.payloadType === 120));
    assert.ok(caller.received.video.every((p) => p.startsWith("b2a-")));
    await eventually(() => callee.received.audio.length >= 10, 5000, "audio to the callee");

    // alice stops sending video to bob: bob receives none while alice keeps sending
    assert.deepEqual((await alice.message({ request: "set", video: false })).data, {
      videocall: "event",
      result: { event: "set" },
    });
    const before = callee.received.video.length;
    await caller.send("video", "muted", 20);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(callee.received.video.length, before, "no video relayed while alice's video is off");
    await alice.message({ request: "set", video: true });
    await caller.send("video", "again", 20);
    await eventually(() => callee.received.video.some((p) => p.startsWith("again-")), 3000, "video back on");

    // packets lost on their way from alice: the core says `slowlink`, VideoCall halves alice's cap
    const coreSlowlink = nextEvent(connA, (m) => m.janus === "slowlink" && m.uplink === false, 5000);
    const pluginSlowLink = nextEvent(connA, (m) => result(m)?.event === "slow_link", 5000);
    await caller.send("video", "before-gap", 5, 10);
    await caller.send("video", "after-gap", 10, 10, 15);
    const slowlink = await coreSlowlink;
    assert.equal(slowlink.media, "video");
    assert.equal(slowlink.sender, alice.id);
    assert.ok((slowlink.lost as number) >= 3, `lost ${slowlink.lost as number}`);
    assert.deepEqual(result(await pluginSlowLink), {
      event: "slow_link",
      media: "video",
      "current-bitrate": 256 * 1024,
    });

    // hangup from alice reaches bob; both can be called again at once
    const bobHangup = nextEvent(connB, (m) => result(m)?.event === "hangup", 5000);
    const hung = await alice.message({ request: "hangup" });
    assert.deepEqual(hung.data, {
      videocall: "event",
      result: { event: "hangup", username: "alice", reason: "Explicit hangup" },
    });
    assert.deepEqual(result(await bobHangup), {
      event: "hangup",
      username: "alice",
      reason: "We did the hangup",
    });
    const info = await gw.adminRequest({ janus: "handle_info", session_id: sessionB.id, handle_id: bob.id });
    assert.equal(((info.info as JsonObject).plugin_specific as JsonObject).state, "idle");

    await Promise.all([caller.close(), callee.close()]);
    await sessionA.destroy();
    await sessionB.destroy();
    connA.close();
    connB.close();
    await eventually(() => udpSockets() === socketsBefore, 3000, "every UDP socket closed");
  });

  /** alice calls bob with werift peers; resolves once both legs are up. */
  async function connectedCall(alice: string, bob: string) {
    const [connA, connB] = [await gw.connect({ token: TOKEN }), await gw.connect({ token: TOKEN })];
    const [sessionA, sessionB] = [await JanusSession.create(connA, 0), await JanusSession.create(connB, 0)];
    const [handleA, handleB] = [
      await sessionA.attach("janus.plugin.videocall"),
      await sessionB.attach("janus.plugin.videocall"),
    ];
    await handleA.message({ request: "register", username: alice });
    await handleB.message({ request: "register", username: bob });
    const [caller, callee] = [new TestPeer(), new TestPeer()];
    caller.addMedia();
    const incoming = nextEvent(connB, (m) => result(m)?.event === "incomingcall", 10000);
    await handleA.message({ request: "call", username: bob }, await caller.offer());
    const offer = (await incoming).jsep as { sdp: string };
    const accepted = nextEvent(connA, (m) => result(m)?.event === "accepted", 10000);
    const ups = Promise.all([
      nextEvent(connA, (m) => m.janus === "webrtcup", 10000),
      nextEvent(connB, (m) => m.janus === "webrtcup", 10000),
    ]);
    await handleB.message({ request: "accept" }, await callee.answer(offer));
    await caller.accept((await accepted).jsep as { sdp: string });
    await ups;
    return {
      connA,
      connB,
      sessionA,
      sessionB,
      handleA,
      handleB,
      async close() {
        await Promise.all([caller.close(), callee.close()]);
        await sessionA.destroy().catch(() => {});
        await sessionB.destroy().catch(() => {});
        connA.close();
        connB.close();
      },
    };
  }

  for (const ending of [
    "detaches its handle",
    "destroys its session",
    "lets its session time out",
  ] as const) {
    it(`tells the partner when the caller ${ending}, and the partner can call again at once`, async () => {
      const suffix = ending.split(" ")[0];
      const call = await connectedCall(`alice-${suffix}`, `bob-${suffix}`);
      try {
        const bobHangup = nextEvent(call.connB, (m) => result(m)?.event === "hangup", 10000);
        if (ending === "detaches its handle") await call.handleA.detach();
        else if (ending === "destroys its session") await call.sessionA.destroy();
        else
          expectSuccess(
            await gw.adminRequest({ janus: "set_session_timeout", session_id: call.sessionA.id, timeout: 1 }),
          );
        assert.equal(result(await bobHangup)?.username, `alice-${suffix}`);
        const info = await gw.adminRequest({
          janus: "handle_info",
          session_id: call.sessionB.id,
          handle_id: call.handleB.id,
        });
        assert.equal(((info.info as JsonObject).plugin_specific as JsonObject).state, "idle");
        // bob calls someone else at once
        const connC = await gw.connect({ token: TOKEN });
        const sessionC = await JanusSession.create(connC, 0);
        const carol = await sessionC.attach("janus.plugin.videocall");
        await carol.message({ request: "register", username: `carol-${suffix}` });
        const again = new TestPeer();
        again.addMedia();
        const calling = await call.handleB.message(
          { request: "call", username: `carol-${suffix}` },
          await again.offer(),
        );
        assert.deepEqual(calling.data, { videocall: "event", result: { event: "calling" } });
        await again.close();
        await sessionC.destroy();
        connC.close();
      } finally {
        await call.close();
      }
    });
  }
});
