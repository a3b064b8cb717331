import type { Browser, Page } from "playwright-core";
import { launchChromium, servePage } from "../support/browser.js";
import { type RunningTarget, startCallgateMedia } from "../support/processes.js";
import type { HarnessWindow } from "./janusjs-page.js";

export const ADMIN_SECRET = "browser-admin-secret";
export const TOKEN = "browser-token";

/** What every janus.js browser test needs: a media gateway with our token, the harness page, Chromium. */
export interface BrowserFixture {
  gateway: RunningTarget;
  browser: Browser;
  page: Awaited<ReturnType<typeof servePage>>;
  close(): Promise<void>;
}

/** Registers the test token with a gateway's admin API. */
export async function addToken(gateway: RunningTarget): Promise<void> {
  await fetch(gateway.admin, {
    method: "POST",
    body: JSON.stringify({ janus: "add_token", token: TOKEN, transaction: "t", admin_secret: ADMIN_SECRET }),
  });
}

export async function startBrowserFixture(): Promise<BrowserFixture> {
  const gateway = await startCallgateMedia(ADMIN_SECRET);
  await addToken(gateway);
  const page = await servePage();
  const browser = await launchChromium();
  return {
    gateway,
    browser,
    page,
    async close() {
      await browser.close();
      await page.close();
      await gateway.stop();
    },
  };
}

/** Registers `username` with the VideoCall plugin from a harness page and waits for `registered`. */
export async function register(tab: Page, server: string, username: string): Promise<void> {
  await tab.evaluate(
    ([s, t, u]) => (window as unknown as HarnessWindow).cg.register(s!, t!, u!),
    [server, TOKEN, username],
  );
  await tab.waitForFunction(() =>
    (window as unknown as HarnessWindow).cg.events.some(
      (e) => (e.msg?.result as { event?: string } | undefined)?.event === "registered",
    ),
  );
}

/** `caller` calls `callee` (registered as `calleeName`), the callee answers; resolves with ms from accept to both videos rendering. */
export async function callAndRender(caller: Page, callee: Page, calleeName: string): Promise<number> {
  await caller.evaluate((u) => (window as unknown as HarnessWindow).cg.call(u), calleeName);
  await callee.waitForFunction(
    () => (window as unknown as HarnessWindow).cg.incoming !== undefined,
    undefined,
    {
      timeout: 10000,
    },
  );
  const accepted = Date.now();
  await callee.evaluate(() => (window as unknown as HarnessWindow).cg.answer());
  for (const tab of [caller, callee]) {
    await tab.waitForFunction(() => (window as unknown as HarnessWindow).cg.video().width > 0, undefined, {
      timeout: 10000,
    });
  }
  return Date.now() - accepted;
}

/** Waits for the page to have been told `hangup`. */
export async function waitForHangup(tab: Page): Promise<Record<string, unknown> | undefined> {
  await tab.waitForFunction(
    () => (window as unknown as HarnessWindow).cg.state.hungUp !== undefined,
    undefined,
    {
      timeout: 10000,
    },
  );
  return tab.evaluate(() => (window as unknown as HarnessWindow).cg.state.hungUp);
}
