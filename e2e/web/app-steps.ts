import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";

/**
 * Steps a person takes in the web app, by what they see: labels, button names, messages. The
 * only instrumentation is a wrapper that remembers the page's RTCPeerConnections, so a test can
 * read inbound byte counts from getStats as the browser's own webrtc-internals would show them.
 */
export interface AppUser {
  name: string;
  page: Page;
  context: BrowserContext;
}

const RECORD_PEER_CONNECTIONS = () => {
  const Original = window.RTCPeerConnection;
  const list: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = list;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      list.push(this);
    }
  } as typeof RTCPeerConnection;
};

export async function openApp(browser: Browser, url: string, name: string): Promise<AppUser> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(RECORD_PEER_CONNECTIONS);
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  (page as unknown as { consoleErrors: string[] }).consoleErrors = errors;
  await page.goto(url);
  return { name, page, context };
}

export function consoleErrors(user: AppUser): string[] {
  return (user.page as unknown as { consoleErrors: string[] }).consoleErrors;
}

export async function createAdmin(user: AppUser): Promise<void> {
  const { page } = user;
  await page.getByRole("heading", { name: "Create the admin account" }).waitFor();
  await fillAccount(user);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await page.getByText(`Logged in as ${user.name}`).waitFor();
}

export async function signUpWithInvite(user: AppUser, inviteUrl: string): Promise<void> {
  await user.page.goto(inviteUrl);
  await user.page.getByRole("heading", { name: "Create your account" }).waitFor();
  await fillAccount(user);
  await user.page.getByRole("button", { name: "Create account" }).click();
  await user.page.getByText(`Logged in as ${user.name}`).waitFor();
}

async function fillAccount({ page, name }: AppUser): Promise<void> {
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Email").fill(`${name}@example.com`);
  await page.getByLabel("Password").fill(`${name} password`);
}

/** The sidebar's link to Account Settings. */
export function accountLink({ page }: AppUser) {
  return page.getByRole("link", { name: "Account settings" });
}

/** Account Settings > Advanced > the calls opt-in. */
export async function optIn(user: AppUser, on = true): Promise<void> {
  const { page, name } = user;
  await accountLink(user).click();
  const box = page.getByLabel("Preview pre-release features: video calls");
  await box.waitFor({ timeout: 15000 }).catch(async (err: Error) => {
    const shot = `/tmp/callgate-optin-${name}.png`;
    await page.screenshot({ path: shot });
    throw new Error(
      `${err.message}\n${name}'s page at ${page.url()} (screenshot ${shot}): ${await page.locator("body").textContent()}`,
    );
  });
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLInputElement>('input[name="feature_enabled_webrtc_preview"]');
    return el && !el.disabled;
  });
  if ((await box.isChecked()) !== on) await box.click();
  await page.getByText(on ? "Video calls are on" : "Video calls are off").waitFor();
}

/** The admin fills the System Console's WebRTC section as the seed guide says, tests, pins, saves. */
export async function setUpWebrtcInConsole(
  admin: AppUser,
  gateway: { ws: string; adminHttps: string; adminSecret: string; configsFolder: string },
): Promise<string> {
  const { page } = admin;
  await page.getByRole("link", { name: "System console" }).click();
  await page.getByRole("heading", { name: "System console" }).waitFor();
  await page.getByLabel("Enable video calls").check();
  await page.getByLabel("Gateway WebSocket URL").fill(gateway.ws);
  await page.getByLabel("Gateway Admin URL").fill(gateway.adminHttps);
  await page.getByLabel("Gateway Admin Secret").fill(gateway.adminSecret);
  await page.getByRole("button", { name: "Test connection" }).click();
  // The gateway's self-signed certificate is not trusted until pinned; the console offers to pin it.
  await page.getByText(/is not trusted/).waitFor();
  await page.getByRole("button", { name: "Pin this certificate" }).click();
  const pinned = await page.getByLabel("Gateway certificate fingerprint (SHA-256)").inputValue();
  const printed = readFileSync(join(gateway.configsFolder, "callgate-gateway.crt"), "utf8");
  assert.ok(printed.length > 0);
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByText(/ready for calls/).waitFor();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Saved. The new settings apply at once.").waitFor();
  return pinned;
}

export async function inviteLink({ page }: AppUser): Promise<string> {
  await page.getByRole("link", { name: "System console" }).click();
  return (await page.locator("code").filter({ hasText: "iid=" }).textContent()) ?? "";
}

export async function openConversation({ page }: AppUser, with_: string): Promise<void> {
  await page.getByRole("navigation", { name: "People" }).getByRole("link", { name: with_ }).click();
  await page.getByRole("heading", { name: with_ }).waitFor();
}

/**
 * From the conversation's header. `ringing: false` when the server refuses at once (busy,
 * offline): "Calling" may then last too short a moment to be seen.
 */
export async function startCall(caller: AppUser, callee: string, ringing = true): Promise<void> {
  await openConversation(caller, callee);
  await caller.page.getByRole("button", { name: "Video call" }).click();
  if (ringing) await caller.page.getByText(`Calling ${callee}…`).waitFor();
}

export async function incomingCallFrom({ page }: AppUser, caller: string): Promise<void> {
  await page.getByRole("alertdialog").getByText(`${caller} is calling you`).waitFor();
}

export async function answer(user: AppUser): Promise<void> {
  await user.page.getByRole("alertdialog").getByRole("button", { name: "Answer" }).click();
}

export async function decline(user: AppUser): Promise<void> {
  await user.page.getByRole("alertdialog").getByRole("button", { name: "Decline" }).click();
}

/** Waits until the other side's video plays, and returns how long that took. */
export async function remoteVideoPlays({ page }: AppUser, timeoutMs = 15000): Promise<number> {
  const start = Date.now();
  await page.waitForFunction(
    () => {
      const v = document.querySelector<HTMLVideoElement>("video.remote");
      return v !== null && v.videoWidth > 0 && !v.paused;
    },
    undefined,
    { timeout: timeoutMs },
  );
  return Date.now() - start;
}

/** Inbound audio and video bytes of the call's peer connection. */
export async function inboundBytes({ page }: AppUser): Promise<{ audio: number; video: number }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const pc = pcs[pcs.length - 1];
    const out = { audio: 0, video: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesReceived?: number }) => {
      if (s.type === "inbound-rtp" && (s.kind === "audio" || s.kind === "video"))
        out[s.kind] += s.bytesReceived ?? 0;
    });
    return out;
  });
}

/** Inbound bytes grow on both kinds over a second. */
export async function mediaFlows(user: AppUser): Promise<void> {
  const before = await inboundBytes(user);
  await new Promise((r) => setTimeout(r, 1200));
  const after = await inboundBytes(user);
  assert.ok(
    after.audio > before.audio,
    `${user.name}: inbound audio grows (${before.audio} → ${after.audio})`,
  );
  assert.ok(
    after.video > before.video,
    `${user.name}: inbound video grows (${before.video} → ${after.video})`,
  );
}

export async function notice({ page }: AppUser, text: string | RegExp): Promise<void> {
  await page.locator(".notice").filter({ hasText: text }).waitFor();
}

export async function dismissNotice({ page }: AppUser): Promise<void> {
  const button = page.locator(".notice").getByRole("button", { name: "Dismiss" });
  if (await button.count()) await button.click();
}

export async function hangUp({ page }: AppUser): Promise<void> {
  await page.getByRole("button", { name: "Hang up" }).click();
}

/** The latest call record in the conversation with `other`. */
export async function lastCallRecord(user: AppUser, other: string): Promise<string> {
  await openConversation(user, other);
  const record = user.page.locator(".call-record").last();
  await record.waitFor();
  return (await record.textContent()) ?? "";
}
