import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium, servePage } from "./support/browser.js";
import { type RunningTarget, startCallgateMedia } from "./support/processes.js";
import type { HarnessWindow } from "./webrtc/janusjs-page.js";

const ADMIN = "browser-admin-secret";
const TOKEN = "browser-token";

/** Headless Chromium running janus.js (Debian's, unchanged) against the Callgate gateway. */
describe("janus.js EchoTest in Chromium", () => {
  let gateway: RunningTarget;
  let browser: Browser;
  let page: Awaited<ReturnType<typeof servePage>>;

  before(async () => {
    gateway = await startCallgateMedia(ADMIN);
    await fetch(gateway.admin, {
      method: "POST",
      body: JSON.stringify({ janus: "add_token", token: TOKEN, transaction: "t", admin_secret: ADMIN }),
    });
    page = await servePage();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await page?.close();
    await gateway?.stop();
  });

  for (const transport of ["WebSocket", "HTTP long-poll"] as const) {
    it(`echoes the fake camera and microphone over ${transport}`, async () => {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(page.url);
      const server = transport === "WebSocket" ? gateway.ws : gateway.http;
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
