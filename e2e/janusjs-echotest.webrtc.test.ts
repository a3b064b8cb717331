import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startCallgateMedia } from "./support/processes.js";
import type { HarnessWindow } from "./webrtc/janusjs-page.js";
import {
  ADMIN_SECRET,
  addToken,
  type BrowserFixture,
  startBrowserFixture,
  TOKEN,
} from "./webrtc/janusjs-steps.js";

/** Headless Chromium running janus.js (Debian's, unchanged) against the Callgate gateway. */
describe("janus.js EchoTest in Chromium", () => {
  let fixture: BrowserFixture;
  before(async () => {
    fixture = await startBrowserFixture();
  });
  after(() => fixture?.close());

  it("works with full_trickle, the gateway's candidates coming as trickle events", async () => {
    const trickling = await startCallgateMedia(ADMIN_SECRET, ["--full-trickle"]);
    try {
      await addToken(trickling);
      const tab = await fixture.browser.newPage();
      await tab.goto(fixture.page.url);
      await tab.evaluate(
        ([s, t]) => (window as unknown as HarnessWindow).cg.echotest(s!, t!),
        [trickling.ws, TOKEN],
      );
      await tab.waitForFunction(() => (window as unknown as HarnessWindow).cg.video().width > 0, undefined, {
        timeout: 15000,
      });
      const sdp = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.lastJsepSdp ?? "");
      assert.match(sdp, /^v=0/);
      assert.doesNotMatch(
        sdp,
        /a=candidate:/,
        "the gateway's candidates came as trickle events, not in its SDP",
      );
      await tab.close();
    } finally {
      await trickling.stop();
    }
  });

  for (const transport of ["WebSocket", "HTTP long-poll"] as const) {
    it(`echoes the fake camera and microphone over ${transport}`, async (t) => {
      const tab = await fixture.browser.newPage();
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(fixture.page.url);
      const server = transport === "WebSocket" ? fixture.gateway.ws : fixture.gateway.http;
      await tab.evaluate(
        ([s, t]) => (window as unknown as HarnessWindow).cg.echotest(s!, t!),
        [server, TOKEN],
      );
      await tab.waitForFunction(() => (window as unknown as HarnessWindow).cg.video().width > 0, undefined, {
        timeout: 15000,
      });
      const first = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.inbound());
      const t1 = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.video().time);
      await tab.waitForTimeout(1500);
      const second = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.inbound());
      const t2 = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.video().time);
      assert.ok(t2 > t1, `remote video plays (${t1} → ${t2})`);
      assert.ok(second.video > first.video, `inbound video bytes grow (${first.video} → ${second.video})`);
      assert.ok(second.audio > first.audio, `inbound audio bytes grow (${first.audio} → ${second.audio})`);
      if (transport === "WebSocket") {
        const inbound = () => tab.evaluate(() => (window as unknown as HarnessWindow).cg.inbound());
        const set = (body: Record<string, unknown>) =>
          tab.evaluate((b) => (window as unknown as HarnessWindow).cg.send(b), body);
        // video off: the echo stops sending video back, audio goes on; video on: it comes back
        await set({ video: false });
        await tab.waitForTimeout(700);
        const off1 = await inbound();
        await tab.waitForTimeout(1000);
        const off2 = await inbound();
        assert.equal(off2.video, off1.video, "no video comes back while video is off");
        assert.ok(off2.audio > off1.audio, "audio still comes back");
        await set({ video: true });
        await tab.waitForTimeout(1000);
        assert.ok((await inbound()).video > off2.video, "video comes back again");
        // a bitrate cap (REMB to the browser's sender) lowers what comes back
        const rate = async () => {
          const x = await inbound();
          await tab.waitForTimeout(2000);
          return (((await inbound()).video - x.video) * 8) / 2;
        };
        const free = await rate();
        await set({ bitrate: 64000 });
        await tab.waitForTimeout(2500);
        const capped = await rate();
        t.diagnostic(
          `echoed video: ${Math.round(free / 1000)} kbit/s free, ${Math.round(capped / 1000)} capped`,
        );
        assert.ok(
          capped < 100_000 && capped < free * 0.6,
          `the cap lowers the echoed video (${free} → ${capped})`,
        );
      }
      const events = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.events);
      assert.ok(
        events.some((e) => e.webrtc === true),
        "janus.js saw webrtcup",
      );
      assert.deepEqual(errors, []);
      await tab.close();
    });
  }
});
