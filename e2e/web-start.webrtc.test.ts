// `callgate start`, the README's first line: gateway, chat server and web app in one process with
// embedded defaults. The admin opens the printed URL, creates the first account and finds WebRTC
// already set up (the gateway's certificate pinned); two people call each other, one of them at
// phone width and answering by keyboard; a restart keeps every account and message.
// With CALLGATE_SCREENSHOTS_DIR set (`npm run screenshots`), it saves the main screens there.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./support/browser.js";
import { type RunningAllInOne, startAllInOne } from "./support/chat-server.js";
import {
  type AppUser,
  consoleErrors,
  createAdmin,
  hangUp,
  incomingCallFrom,
  inviteLink,
  mediaFlows,
  notice,
  openApp,
  openConversation,
  optIn,
  remoteVideoPlays,
  signUpWithInvite,
  startCall,
} from "./web/app-steps.js";

const shots = process.env.CALLGATE_SCREENSHOTS_DIR
  ? resolve(process.env.CALLGATE_SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), "cg-shots-"));
mkdirSync(shots, { recursive: true });
const shoot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage });

/** No sideways scrolling: everything fits the viewport's width. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

describe("callgate start: everything on one machine", () => {
  let app: RunningAllInOne;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), "cg-start-"));
  const people: Record<string, AppUser> = {};

  before(async () => {
    app = await startAllInOne(dataDir);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("opens on the first-run page, and WebRTC is already set up with the gateway pinned", async () => {
    const admin = await openApp(browser, app.url, "admin");
    people.admin = admin;
    await createAdmin(admin);
    await admin.page.getByRole("link", { name: "System console" }).click();
    await admin.page.getByRole("heading", { name: "System console" }).waitFor();
    assert.equal(await admin.page.getByLabel("Enable video calls").isChecked(), true);
    assert.match(
      await admin.page.getByLabel("Gateway certificate fingerprint (SHA-256)").inputValue(),
      /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
    );
    assert.equal(
      await admin.page.getByLabel("Gateway Admin URL").inputValue(),
      `https://127.0.0.1:${app.ports.adminSecure}/admin`,
    );
    await admin.page.getByRole("button", { name: "Test connection" }).click();
    await admin.page.getByText(/ready for calls/).waitFor();
    await shoot(admin.page, "console", true);
  });

  it("two people call each other, one at phone width answering with the keyboard", async () => {
    const invite = await inviteLink(people.admin!);
    const alice = await openApp(browser, app.url, "alice");
    const bob = await openApp(browser, app.url, "bob");
    await bob.page.setViewportSize({ width: 390, height: 844 });
    for (const user of [alice, bob]) {
      await signUpWithInvite(user, invite);
      await optIn(user);
      people[user.name] = user;
    }
    await openConversation(bob, "alice");
    await bob.page.getByLabel("Message alice").fill("Hi alice, call me when you can");
    await bob.page.keyboard.press("Enter");
    await openConversation(alice, "bob");
    await alice.page.getByText("Hi alice, call me when you can").waitFor();
    await shoot(alice.page, "messages");
    assert.ok(await fitsWidth(bob.page), "the conversation fits a phone's width");

    await startCall(alice, "bob");
    await incomingCallFrom(bob, "alice");
    await shoot(bob.page, "incoming-call-phone");
    // Focus is on Answer: Enter answers.
    await bob.page.keyboard.press("Enter");
    await Promise.all([remoteVideoPlays(alice), remoteVideoPlays(bob)]);
    await mediaFlows(alice);
    await mediaFlows(bob);
    // The browsers' RTCP (reports, PLIs) went through the gateway's own SRTCP, all of it accepted.
    const metrics = await (await fetch(`http://127.0.0.1:${app.ports.admin}/metrics`)).text();
    const counted = (line: RegExp) => Number(line.exec(metrics)?.[1] ?? Number.NaN);
    assert.ok(counted(/^callgate_gateway_rtcp_packets_total\{direction="in"\} (\d+)/m) > 0, metrics);
    assert.ok(counted(/^callgate_gateway_rtcp_packets_total\{direction="out"\} (\d+)/m) > 0, metrics);
    assert.equal(counted(/^callgate_gateway_srtp_rejected_total (\d+)/m), 0, metrics);
    await bob.page.getByRole("button", { name: "Mute" }).click();
    await alice.page.getByText("bob is muted").waitFor();
    await alice.page.waitForTimeout(1500); // a few frames and a quality sample, for the picture
    await shoot(alice.page, "call");
    await shoot(bob.page, "call-phone");
    assert.ok(await fitsWidth(bob.page), "the call fits a phone's width");
    assert.ok(await bob.page.getByRole("button", { name: "Hang up" }).isVisible());
    await hangUp(bob);
    await notice(alice, "Call with bob ended.");
  });

  it("kept the browsers' consoles free of errors", () => {
    for (const [name, user] of Object.entries(people)) {
      const errors = consoleErrors(user);
      assert.deepEqual(errors, [], `${name}'s console: ${errors.join(" | ")}`);
    }
  });

  it("keeps accounts, settings and messages across a restart", async () => {
    await app.stop();
    app = await startAllInOne(dataDir, app.ports);
    const alice = people.alice!;
    await alice.page.goto(app.url);
    // The session cookie survived too: alice is still logged in.
    await alice.page.getByText("Logged in as alice").waitFor();
    await openConversation(alice, "bob");
    await alice.page.getByText("Hi alice, call me when you can").waitFor();
    await alice.page.locator(".call-record").last().waitFor();
    const admin = people.admin!;
    await admin.page.goto(app.url);
    await admin.page.getByRole("link", { name: "System console" }).click();
    assert.equal(await admin.page.getByLabel("Enable video calls").isChecked(), true);
  });
});
