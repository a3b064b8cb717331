import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { expectSuccess, JanusSession } from "@callgate/client";
import type { JsonObject } from "@callgate/protocol";
import {
  GenericNack,
  type RtcpPacket,
  RtcpRrPacket,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RtpHeader,
  RtpPacket,
} from "werift";
import type { GatewaySettings } from "../config/settings.js";
import { coturnInstalled, startCoturn } from "../testing/coturn.js";
import { nextEvent, startTestGateway } from "../testing/test-gateway.js";
import { eventually, TestPeer } from "../testing/werift-client.js";

const TOKEN = "ice-token";

/** An EchoTest call from a werift peer to a gateway with these settings; `onEvent` sees the events no test waits for. */
async function echoCall(tweak: (s: GatewaySettings) => void, onEvent?: (m: JsonObject) => void) {
  const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-ice-")), (s) => {
    s.nat.iceEnforceList = ["127.0.0.1"];
    tweak(s);
  });
  expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
  const conn = await gw.connect({ token: TOKEN });
  if (onEvent) conn.onEvent = onEvent;
  const session = await JanusSession.create(conn, 0);
  const handle = await session.attach("janus.plugin.echotest");
  const peer = new TestPeer();
  peer.addMedia();
  const webrtcup = nextEvent(conn, (m) => m.janus === "webrtcup", 10000);
  const reply = await handle.message({ audio: true, video: true }, await peer.offer());
  const answer = reply.jsep as { type: "answer"; sdp: string };
  await peer.accept(answer);
  return {
    gw,
    conn,
    handle,
    peer,
    answer: answer.sdp,
    webrtcup,
    async close() {
      await peer.close();
      await session.destroy().catch(() => {});
      conn.close();
      await gw.close();
    },
  };
}

const hostCandidates = (sdp: string) =>
  [...sdp.matchAll(/a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ host/g)].map((m) => ({
    address: m[1]!,
    port: Number(m[2]),
  }));

describe("the gateway's ICE candidates and RTCP", () => {
  it("takes media ports from rtp_port_range", async () => {
    const call = await echoCall((s) => {
      s.media.rtpPortRange = [41000, 41010];
    });
    try {
      const candidates = hostCandidates(call.answer);
      assert.ok(candidates.length > 0, call.answer);
      for (const c of candidates) assert.ok(c.port >= 41000 && c.port <= 41010, `port ${c.port} in range`);
      await call.webrtcup;
      assert.equal(call.gw.gateway.media.udpPorts, "UDP 41000-41010");
    } finally {
      await call.close();
    }
  });

  it("advertises the nat_1_1_mapping address instead of the local one, and connects through it", async () => {
    // 127.0.0.2 stands for the public address: on loopback it reaches the same sockets, as a 1:1 NAT would.
    const call = await echoCall((s) => {
      s.nat.nat11Mapping = ["127.0.0.2"];
    });
    try {
      assert.deepEqual([...new Set(hostCandidates(call.answer).map((c) => c.address))], ["127.0.0.2"]);
      await call.webrtcup;
      assert.deepEqual(call.gw.gateway.media.publicAddresses, ["127.0.0.2"]);
    } finally {
      await call.close();
    }
  });

  it("offers no host candidate on an address ice_ignore_list excludes", async () => {
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-ice-")), (s) => {
      s.nat.iceEnforceList = ["127.0.0.1"];
      s.nat.iceIgnoreList = ["127.0.0."];
    });
    try {
      assert.deepEqual(gw.gateway.media.hostAddresses, []);
    } finally {
      await gw.close();
    }
  });

  it("trickles its own candidates with full_trickle, and connects on them", async () => {
    const trickles: JsonObject[] = [];
    const call = await echoCall(
      (s) => {
        s.nat.fullTrickle = true;
      },
      (m) => {
        if (m.janus === "trickle") trickles.push(m);
      },
    );
    try {
      assert.doesNotMatch(
        call.answer,
        /a=candidate:/,
        "the answer goes out before gathering, without candidates",
      );
      await eventually(
        () => trickles.some((t) => (t.candidate as JsonObject).completed === true),
        5000,
        "completed",
      );
      const candidates = trickles.map((t) => t.candidate as JsonObject).filter((c) => c.completed !== true);
      assert.ok(candidates.length > 0);
      for (const c of candidates) {
        assert.match(c.candidate as string, /^candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
        assert.equal(typeof c.sdpMLineIndex, "number");
        await call.peer.pc.addIceCandidate(
          c as { candidate: string; sdpMid?: string; sdpMLineIndex?: number },
        );
      }
      assert.equal(trickles[0]!.sender, call.handle.id);
      await call.webrtcup;
    } finally {
      await call.close();
    }
  });

  it("gathers a relayed candidate from the configured TURN server (coturn)", {
    skip: coturnInstalled() ? false : "Debian's coturn is not installed (npm test installs it as root)",
  }, async () => {
    const turn = await startCoturn({ users: { gateway: "turn-password" } });
    try {
      const call = await echoCall((s) => {
        s.nat.turnServer = "127.0.0.1";
        s.nat.turnPort = turn.port;
        s.nat.turnType = "udp";
        s.nat.turnUser = "gateway";
        s.nat.turnPwd = "turn-password";
      });
      try {
        assert.match(call.answer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ relay raddr/);
        await call.webrtcup;
      } finally {
        await call.close();
      }
    } finally {
      await turn.stop();
    }
  });

  it("keeps RTCP going beside the SRTP fast path: sender reports count what it sent, receiver reports cover what it got", async () => {
    const call = await echoCall(() => {});
    try {
      await call.webrtcup;
      const video = call.peer.pc.getTransceivers().find((t) => t.kind === "video")!;
      const rtcp: RtcpPacket[] = [];
      video.receiver.onRtcp.subscribe((p) => rtcp.push(p));
      video.sender.onRtcp.subscribe((p) => rtcp.push(p));
      const sending = call.peer.send("video", "rtcp", 150, 20);
      const reports = () => {
        const echoedSsrc = call.peer.packets.video[0]?.ssrc;
        const sr = rtcp.find(
          (p): p is RtcpSrPacket =>
            p instanceof RtcpSrPacket && p.ssrc === echoedSsrc && p.senderInfo.packetCount > 5,
        );
        const rr = rtcp.find(
          (p) =>
            (p instanceof RtcpRrPacket || p instanceof RtcpSrPacket) &&
            p.reports.some((r) => r.ssrc === video.sender.ssrc && r.highestSequence > 5),
        );
        return { sr, rr };
      };
      await eventually(() => !!reports().sr && !!reports().rr, 4000, "a sender report and a receiver report");
      assert.ok(reports().sr!.senderInfo.octetCount > 0);
      // The reports went through the relay's own SRTCP both ways, not werift's (the peer's own
      // reports come every 0.5-1.5 s, so they may follow the gateway's).
      const rtcpPackets = async (direction: string) => {
        const counted = await call.gw.gateway.metrics.registry.getSingleMetricAsString(
          "callgate_gateway_rtcp_packets_total",
        );
        return Number(new RegExp(`direction="${direction}"} (\\d+)`).exec(counted)?.[1]);
      };
      assert.ok((await rtcpPackets("out")) >= 1, "the gateway's reports were sealed by its SRTCP");
      for (const deadline = Date.now() + 4000; (await rtcpPackets("in")) < 1; ) {
        assert.ok(Date.now() < deadline, "the peer's reports were opened by the gateway's SRTCP");
        await new Promise((r) => setTimeout(r, 50));
      }
      await sending;
    } finally {
      await call.close();
    }
  });

  it("retransmits what a receiver reports lost (NACK), from its own history, and says slowlink", async () => {
    const call = await echoCall((s) => {
      s.media.slowlinkThreshold = 3;
      s.media.minNackQueue = 1000; // the NACKed packet is a few hundred ms old: well inside
    });
    try {
      await call.webrtcup;
      const video = call.peer.pc.getTransceivers().find((t) => t.kind === "video")!;
      const echoed = call.peer.packets.video;
      const pt = video.codecs[0]!.payloadType;
      for (let i = 0; i < 40 && echoed.length < 10; i++) {
        const header = new RtpHeader({
          payloadType: pt,
          sequenceNumber: 500 + i,
          timestamp: 3000 * i,
          marker: true,
        });
        await video.sender.sendRtp(new RtpPacket(header, Buffer.from(`nack-${i}`)));
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(echoed.length >= 10, `${echoed.length} packets echoed`);
      const lost = echoed[3]!;
      const countBefore = echoed.filter((p) => p.seq === lost.seq).length;
      await video.receiver.dtlsTransport.sendRtcp([
        new RtcpTransportLayerFeedback({
          feedback: new GenericNack({
            senderSsrc: video.sender.ssrc,
            mediaSourceSsrc: lost.ssrc,
            lost: [lost.seq],
          }),
        }),
      ]);
      await eventually(
        () => echoed.filter((p) => p.seq === lost.seq).length > countBefore,
        3000,
        "the NACKed packet comes again",
      );
      const again = echoed.filter((p) => p.seq === lost.seq);
      assert.ok(
        again.every((p) => p.payload === lost.payload),
        "the same payload, not a new packet",
      );
    } finally {
      await call.close();
    }
  });

  it("answers NACKs only inside its retransmission window (min_nack_queue, RTT + 100 ms)", async () => {
    const call = await echoCall((s) => {
      s.media.minNackQueue = 300; // on loopback RTT + 100 ms is less: the window is 300 ms
    });
    try {
      await call.webrtcup;
      const video = call.peer.pc.getTransceivers().find((t) => t.kind === "video")!;
      const echoed = call.peer.packets.video;
      const nack = (seq: number, ssrc: number) =>
        video.receiver.dtlsTransport.sendRtcp([
          new RtcpTransportLayerFeedback({
            feedback: new GenericNack({ senderSsrc: video.sender.ssrc, mediaSourceSsrc: ssrc, lost: [seq] }),
          }),
        ]);
      const times = (seq: number) => echoed.filter((p) => p.seq === seq).length;
      await call.peer.send("video", "old", 5);
      await eventually(() => echoed.length >= 5, 3000, "the first packets echoed");
      const old = echoed[0]!;
      await new Promise((r) => setTimeout(r, 1200));
      await call.peer.send("video", "fresh", 2);
      await eventually(() => echoed.some((p) => p.payload.startsWith("fresh")), 3000, "fresh packets echoed");
      const fresh = echoed.at(-1)!;
      await nack(old.seq, old.ssrc);
      await nack(fresh.seq, fresh.ssrc);
      await eventually(() => times(fresh.seq) === 2, 3000, "a packet inside the window is sent again");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(times(old.seq), 1, "a packet 1.2 s old is no longer kept");
    } finally {
      await call.close();
    }
  });

  it("restarts ICE on a new offer over the same PeerConnection, and media goes on", async () => {
    const call = await echoCall(() => {});
    try {
      await call.webrtcup;
      await call.peer.send("video", "first", 10);
      await eventually(() => call.peer.received.video.length >= 5, 3000, "echo before the restart");
      const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
      for (let round = 1; round <= 3; round++) {
        const before = ufrag(call.peer.pc.remoteDescription!.sdp);
        await call.peer.pc.setLocalDescription(await call.peer.pc.createOffer({ iceRestart: true }));
        const reply = await call.handle.message(
          { audio: true, video: true },
          { type: "offer", sdp: call.peer.pc.localDescription!.sdp },
        );
        const answer = reply.jsep as { type: "answer"; sdp: string };
        assert.notEqual(ufrag(answer.sdp), before, "new ICE credentials from the gateway");
        await call.peer.accept(answer);
        const label = `after-restart-${round}`;
        await eventually(
          () => {
            void call.peer.send("video", label, 1, 0);
            return call.peer.received.video.some((p) => p.startsWith(label));
          },
          5000,
          `echo after restart ${round}`,
        ).catch((e: Error) => {
          throw new Error(
            `${e.message}: peer ${call.peer.pc.iceConnectionState}/${call.peer.pc.connectionState}, got ${call.peer.received.video.slice(-3).join(",")}`,
          );
        });
      }
    } finally {
      await call.close();
    }
  });

  it("tears down a peer that vanishes without a DTLS alert within seconds", async () => {
    const call = await echoCall(() => {});
    try {
      await call.webrtcup;
      await call.peer.send("video", "alive", 10);
      const hangup = nextEvent(call.conn, (m) => m.janus === "hangup", 15000);
      // the "browser" drops off the network: its sockets close, no DTLS alert, no ICE, no RTCP
      const vanishedAt = Date.now();
      for (const dtls of call.peer.pc.dtlsTransports) {
        const ice = dtls.iceTransport.connection as unknown as {
          protocols: Array<{ close(): Promise<void> }>;
        };
        for (const protocol of ice.protocols) await protocol.close();
      }
      const event = await hangup;
      const took = Date.now() - vanishedAt;
      assert.equal(event.reason, "ICE failed");
      assert.ok(took < 10000, `hung up ${took} ms after the peer vanished`);
    } finally {
      await call.close().catch(() => {});
    }
  });

  for (const timer of [1, 2])
    it(`reports media stopping after a no_media_timer of ${timer} s, with Janus's event`, async () => {
      const call = await echoCall((s) => {
        s.media.noMediaTimer = timer;
      });
      try {
        await call.webrtcup;
        const started = nextEvent(
          call.conn,
          (m) => m.janus === "media" && m.type === "audio" && m.receiving === true,
          5000,
        );
        const stopped = nextEvent(
          call.conn,
          (m) => m.janus === "media" && m.type === "audio" && m.receiving === false,
          8000,
        );
        await call.peer.send("audio", "talk", 20);
        await started;
        const quietSince = Date.now();
        const event = await stopped;
        assert.ok(Date.now() - quietSince >= timer * 1000 - 100, "not before the timer");
        assert.equal(typeof event.mid, "string");
        // as Janus: `seconds` only when the timer is longer than a second
        assert.equal(event.seconds, timer > 1 ? timer : undefined);
      } finally {
        await call.close();
      }
    });
});
