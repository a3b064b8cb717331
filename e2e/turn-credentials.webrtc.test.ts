// TURN REST credentials from the chat server, proven with Debian's coturn (`use-auth-secret`) on
// loopback: a Chromium peer connection forced to relay-only connects through coturn with the
// credentials the token endpoint issued, and gets no relay at all when the shared key is wrong.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { coturnInstalled, type RunningTurn, startCoturn } from "@callgate/gateway/testing";
import {
  enableWebrtc,
  startTestServer,
  type TestServer,
  type TestUser,
  testDatabases,
} from "@callgate/server/testing";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./support/browser.js";
import { type RunningTarget, startCallgateMedia } from "./support/processes.js";

const SECRET = "turn-test-admin-secret";
const SHARED_KEY = "coturn-static-auth-secret";

interface RelayResult {
  connected: boolean;
  localType?: string;
  remoteType?: string;
  echoed?: string;
  relayCandidates: number;
  error?: string;
}

/** Two peer connections in one page, relay-only, exchanging a data-channel message through TURN. */
function relayOnlyCall(
  page: Page,
  ice: { urls: string; username: string; credential: string },
): Promise<RelayResult> {
  return page.evaluate(async (server) => {
    const config: RTCConfiguration = { iceServers: [server], iceTransportPolicy: "relay" };
    const a = new RTCPeerConnection(config);
    const b = new RTCPeerConnection(config);
    let relayCandidates = 0;
    a.onicecandidate = (e) => {
      if (e.candidate) {
        relayCandidates++;
        void b.addIceCandidate(e.candidate);
      }
    };
    b.onicecandidate = (e) => {
      if (e.candidate) void a.addIceCandidate(e.candidate);
    };
    const channel = a.createDataChannel("check");
    const echoed = new Promise<string>((resolve) => {
      b.ondatachannel = (e) => {
        e.channel.onmessage = (m) => resolve(String(m.data));
      };
    });
    const opened = new Promise<void>((resolve) => {
      channel.onopen = () => resolve();
    });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5000));
    if ((await Promise.race([opened, timeout])) === "timeout") {
      a.close();
      b.close();
      return { connected: false, relayCandidates };
    }
    channel.send("through the relay");
    const message = await echoed;
    // The pair in use, from the transport's selectedCandidatePairId (a pair's `nominated` flag
    // can lag behind the channel opening).
    let localType: string | undefined;
    let remoteType: string | undefined;
    for (let attempt = 0; attempt < 20 && !localType; attempt++) {
      const byId = new Map<string, Record<string, string>>();
      (await a.getStats()).forEach((s) => {
        byId.set(s.id, s);
      });
      const transport = [...byId.values()].find((s) => s.type === "transport");
      const pair = transport?.selectedCandidatePairId
        ? byId.get(transport.selectedCandidatePairId)
        : undefined;
      localType = byId.get(pair?.localCandidateId ?? "")?.candidateType;
      remoteType = byId.get(pair?.remoteCandidateId ?? "")?.candidateType;
      if (!localType) await new Promise((r) => setTimeout(r, 100));
    }
    a.close();
    b.close();
    return { connected: true, localType, remoteType, echoed: message, relayCandidates };
  }, ice);
}

const [sqlite] = await testDatabases();

describe("TURN credentials from the token endpoint, through a real coturn", {
  skip: !coturnInstalled() && "coturn is not installed",
}, () => {
  let turn: RunningTurn;
  let gateway: RunningTarget;
  let server: TestServer;
  let alice: TestUser;
  let browser: Browser;
  let page: Page;

  const turnFromServer = async () => {
    const res = await server.call(alice, "GET", "/api/v4/webrtc/token");
    assert.equal(res.statusCode, 200, res.body);
    const reply = res.json();
    return {
      urls: reply.turn_uri as string,
      username: reply.turn_username as string,
      credential: reply.turn_password as string,
    };
  };

  before(async () => {
    turn = await startCoturn({ authSecret: SHARED_KEY });
    gateway = await startCallgateMedia(SECRET);
    server = await startTestServer(sqlite!);
    await server.signUp("admin");
    alice = await server.signUp("alice");
    await enableWebrtc(server, {
      GatewayAdminUrl: gateway.admin,
      GatewayAdminSecret: SECRET,
      GatewayWebsocketUrl: gateway.ws,
      TurnURI: `turn:127.0.0.1:${turn.port}?transport=udp`,
      TurnUsername: "callgate",
      TurnSharedKey: SHARED_KEY,
    });
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await gateway?.stop();
    await turn?.stop();
  });

  it("connects relay-only through coturn with the issued credentials", async () => {
    const result = await relayOnlyCall(page, await turnFromServer());
    assert.equal(result.connected, true, JSON.stringify(result));
    assert.equal(result.localType, "relay");
    assert.equal(result.remoteType, "relay");
    assert.equal(result.echoed, "through the relay");
  });

  it("gets no relay with credentials made from a wrong shared key", async () => {
    await enableWebrtc(server, { TurnSharedKey: "not-the-coturn-secret" });
    const result = await relayOnlyCall(page, await turnFromServer());
    assert.equal(result.connected, false);
    assert.equal(result.relayCandidates, 0, "coturn refused the allocation");
    await enableWebrtc(server, { TurnSharedKey: SHARED_KEY });
  });
});
