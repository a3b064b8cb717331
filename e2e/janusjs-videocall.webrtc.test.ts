import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { udpSocketsOf, waitFor } from "./support/proc-sockets.js";
import type { HarnessWindow } from "./webrtc/janusjs-page.js";
import {
  ADMIN_SECRET,
  type BrowserFixture,
  callAndRender,
  register,
  startBrowserFixture,
  waitForHangup,
} from "./webrtc/janusjs-steps.js";

async function inbound(tab: Page) {
  return tab.evaluate(() => (window as unknown as HarnessWindow).cg.inbound());
}

/** Inbound video bit rate on a page over `ms`, from getStats byte counters. */
async function videoBitrate(tab: Page, ms: number): Promise<number> {
  const before = await inbound(tab);
  await tab.waitForTimeout(ms);
  const after = await inbound(tab);
  return ((after.video - before.video) * 8 * 1000) / ms;
}

async function events(tab: Page) {
  return tab.evaluate(() => (window as unknown as HarnessWindow).cg.events);
}

/** Two Chromium pages running janus.js call each other through the Callgate gateway. */
describe("janus.js VideoCall between two Chromium pages", () => {
  let fixture: BrowserFixture;
  before(async () => {
    fixture = await startBrowserFixture();
  });
  after(() => fixture?.close());

  for (const transport of ["WebSocket", "HTTP long-poll"] as const) {
    it(`calls, renders both videos, mutes video, and hangs up over ${transport}`, async (t) => {
      const server = transport === "WebSocket" ? fixture.gateway.ws : fixture.gateway.http;
      const suffix = transport === "WebSocket" ? "ws" : "http";
      const [a, b] = [await fixture.browser.newPage(), await fixture.browser.newPage()];
      const errors: string[] = [];
      for (const tab of [a, b]) {
        tab.on("pageerror", (e) => errors.push(e.message));
        await tab.goto(fixture.page.url);
      }
      await register(a, server, `alice-${suffix}`);
      await register(b, server, `bob-${suffix}`);
      const renderMs = await callAndRender(a, b, `bob-${suffix}`);
      assert.ok(renderMs < 3000, `both videos render within 3 s of accept (${renderMs} ms)`);
      const [a1, b1] = [await inbound(a), await inbound(b)];
      await a.waitForTimeout(1500);
      const [a2, b2] = [await inbound(a), await inbound(b)];
      for (const [name, x, y] of [
        ["caller", a1, a2],
        ["callee", b1, b2],
      ] as const) {
        assert.ok(y.video > x.video, `${name}: inbound video grows (${x.video} → ${y.video})`);
        assert.ok(y.audio > x.audio, `${name}: inbound audio grows (${x.audio} → ${y.audio})`);
      }
      // alice turns her video off: bob's inbound video stops growing; back on: it grows again
      await a.evaluate(() => (window as unknown as HarnessWindow).cg.set({ video: false }));
      await a.waitForTimeout(700);
      const off1 = await inbound(b);
      await a.waitForTimeout(1000);
      const off2 = await inbound(b);
      assert.equal(off2.video, off1.video, "no video reaches bob while alice's video is off");
      assert.ok(off2.audio > off1.audio, "audio still flows");
      await a.evaluate(() => (window as unknown as HarnessWindow).cg.set({ video: true }));
      await a.waitForTimeout(1000);
      const on = await inbound(b);
      assert.ok(on.video > off2.video, "video flows again");
      if (transport === "WebSocket") {
        // alice caps her bitrate (REMB to her browser's sender): bob receives less, then more once lifted
        const free = await videoBitrate(b, 2000);
        await a.evaluate(() => (window as unknown as HarnessWindow).cg.set({ bitrate: 64000 }));
        await a.waitForTimeout(2500);
        const capped = await videoBitrate(b, 2000);
        assert.ok(
          capped < 100_000 && capped < free * 0.6,
          `a 64 kbit/s cap lowers bob's inbound video (${Math.round(free / 1000)} → ${Math.round(capped / 1000)} kbit/s)`,
        );
        t.diagnostic(
          `bob's inbound video: ${Math.round(free / 1000)} kbit/s free, ${Math.round(capped / 1000)} capped`,
        );
        await a.evaluate(() => (window as unknown as HarnessWindow).cg.set({ bitrate: 0 }));
      }
      // alice restarts ICE (a new offer in `set`, as the VideoCall demo does): the gateway answers with
      // new ICE credentials in an `update`, and media goes on both ways
      // (then bob, whose leg the gateway offered, does the same)
      for (const tab of [a, b]) {
        const ufrags = await tab.evaluate(() => (window as unknown as HarnessWindow).cg.restartIce());
        assert.ok(ufrags.before, "the harness read the gateway's ICE ufrag");
        assert.notEqual(ufrags.after, ufrags.before, "the gateway's answer carries new ICE credentials");
      }
      // media resumes once the new ICE checks succeed (a second or so on loopback)
      const restarted = Date.now();
      const [r1a, r1b] = [await inbound(a), await inbound(b)];
      let resumed = false;
      while (!resumed && Date.now() - restarted < 5000) {
        await a.waitForTimeout(250);
        const [r2a, r2b] = [await inbound(a), await inbound(b)];
        resumed = r2a.video > r1a.video && r2b.video > r1b.video;
      }
      if (!resumed) {
        const state = (tab: Page) => tab.evaluate(() => (window as unknown as HarnessWindow).cg.pcState());
        assert.fail(
          `video flows both ways after the ICE restarts (alice ${await state(a)} ${JSON.stringify(await inbound(a))} from ${JSON.stringify(r1a)}, bob ${await state(b)} ${JSON.stringify(await inbound(b))} from ${JSON.stringify(r1b)}; events ${JSON.stringify((await events(b)).slice(-3))})`,
        );
      }
      t.diagnostic(`video flowing both ways ${Date.now() - restarted} ms after the second ICE restart`);
      assert.equal(await b.evaluate(() => (window as unknown as HarnessWindow).cg.state.hungUp), undefined);
      // hang up on alice's side: bob hears it
      await a.evaluate(() => (window as unknown as HarnessWindow).cg.hangup());
      const hungUp = await waitForHangup(b);
      assert.equal(hungUp?.username, `alice-${suffix}`);
      assert.ok((await events(a)).some((e) => e.webrtc === true));
      assert.deepEqual(errors, []);
      await a.close();
      await b.close();
    });
  }

  it("tells the partner when a page closes abruptly, and leaves no handles behind", async () => {
    const admin = async (body: Record<string, unknown>) =>
      (await (
        await fetch(fixture.gateway.admin, {
          method: "POST",
          body: JSON.stringify({ transaction: "t", admin_secret: ADMIN_SECRET, ...body }),
        })
      ).json()) as Record<string, unknown>;
    const sessionsBefore = (await admin({ janus: "list_sessions" })).sessions as number[];
    const socketsBefore = udpSocketsOf(fixture.gateway.pid);
    const [a, b] = [await fixture.browser.newPage(), await fixture.browser.newPage()];
    for (const tab of [a, b]) await tab.goto(fixture.page.url);
    await register(a, fixture.gateway.ws, "alice-abrupt");
    await register(b, fixture.gateway.ws, "bob-abrupt");
    await callAndRender(a, b, "bob-abrupt");
    const socketsDuring = udpSocketsOf(fixture.gateway.pid);
    assert.ok(
      socketsDuring > socketsBefore,
      `the call's legs hold UDP sockets (${socketsBefore} → ${socketsDuring})`,
    );
    const closedAt = Date.now();
    await a.close();
    await waitForHangup(b);
    assert.ok(Date.now() - closedAt < 10000);
    const sessions = ((await admin({ janus: "list_sessions" })).sessions as number[]).filter(
      (s) => !sessionsBefore.includes(s),
    );
    assert.equal(sessions.length, 1, "of the two new sessions only bob's is left");
    const handles = (await admin({ janus: "list_handles", session_id: sessions[0] })).handles as number[];
    assert.equal(handles.length, 1, "bob's handle only");
    // both legs' PeerConnections are gone: the gateway holds no more UDP sockets than before the call
    await waitFor(
      () => udpSocketsOf(fixture.gateway.pid),
      (n) => n <= socketsBefore,
      5000,
      `gateway UDP sockets (${socketsBefore} before the call)`,
    );
    await b.close();
  });

  it("connects twenty calls in a row, each rendering video within 3 s of accept", async (t) => {
    const [a, b] = [await fixture.browser.newPage(), await fixture.browser.newPage()];
    const errors: string[] = [];
    for (const tab of [a, b]) {
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(fixture.page.url);
    }
    await register(a, fixture.gateway.ws, "alice-twenty");
    await register(b, fixture.gateway.ws, "bob-twenty");
    const cleanups = (tab: Page) =>
      tab.evaluate(() => (window as unknown as HarnessWindow).cg.events.filter((e) => e.cleanup).length);
    const renderTimes: number[] = [];
    for (let call = 1; call <= 20; call++) {
      for (const tab of [a, b]) await tab.evaluate(() => (window as unknown as HarnessWindow).cg.reset());
      const [aCleanups, bCleanups] = [await cleanups(a), await cleanups(b)];
      renderTimes.push(await callAndRender(a, b, "bob-twenty"));
      // hang up from alternating sides; both pages clean up before the next call
      const [hanger, other] = call % 2 === 0 ? [a, b] : [b, a];
      await hanger.evaluate(() => (window as unknown as HarnessWindow).cg.hangup());
      await waitForHangup(other);
      await a.waitForFunction(
        (n) => (window as unknown as HarnessWindow).cg.events.filter((e) => e.cleanup).length > n,
        aCleanups,
      );
      await b.waitForFunction(
        (n) => (window as unknown as HarnessWindow).cg.events.filter((e) => e.cleanup).length > n,
        bCleanups,
      );
    }
    t.diagnostic(`render times after accept (ms): ${renderTimes.join(", ")}`);
    const slow = renderTimes.filter((ms) => ms >= 3000);
    assert.deepEqual(slow, [], `every call renders within 3 s (${renderTimes.join(", ")} ms)`);
    assert.deepEqual(errors, []);
    await a.close();
    await b.close();
  });
});
