// The web app end to end, as people use it: Debian's Chromium (fake camera and microphone) against
// `callgate server` and `callgate gateway` processes. The admin sets WebRTC up in the System
// Console, people sign up by invite and opt in, and call: answer, mute, camera off, hang up,
// decline, busy, no answer, cancel, callee not opted in, callee offline. Once on SQLite and once on
// PostgreSQL.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { TEST_POSTGRES_URL, testDatabases } from "@callgate/server/testing";
import pg from "pg";
import type { Browser } from "playwright-core";
import { launchChromium } from "./support/browser.js";
import { type RunningChatServer, startChatServer } from "./support/chat-server.js";
import { freePort } from "./support/ports.js";
import { type RunningTarget, startCallgateMedia } from "./support/processes.js";
import {
  type AppUser,
  accountLink,
  answer,
  consoleErrors,
  createAdmin,
  decline,
  dismissNotice,
  hangUp,
  incomingCallFrom,
  inviteLink,
  lastCallRecord,
  mediaFlows,
  notice,
  openApp,
  openConversation,
  optIn,
  remoteVideoPlays,
  setUpWebrtcInConsole,
  signUpWithInvite,
  startCall,
} from "./web/app-steps.js";

const ADMIN_SECRET = "web-app-admin-secret";
const RING_SECONDS = 4;

for (const backend of await testDatabases())
  describe(`the web app on ${backend.name}`, { skip: backend.skip }, () => {
    let gateway: RunningTarget;
    let server: RunningChatServer;
    let browser: Browser;
    let adminHttps = "";
    let dropSchema = async () => {};
    const people: Record<string, AppUser> = {};

    before(async () => {
      const adminSecurePort = await freePort();
      gateway = await startCallgateMedia(ADMIN_SECRET, [
        "--admin-secure",
        "--admin-secure-port",
        `${adminSecurePort}`,
      ]);
      adminHttps = `https://127.0.0.1:${adminSecurePort}/admin`;
      let databaseUrl: string | undefined;
      if (backend.name === "PostgreSQL") {
        const schema = `e2e_${randomBytes(5).toString("hex")}`;
        databaseUrl = `${TEST_POSTGRES_URL}&schema=${schema}`;
        dropSchema = async () => {
          const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        };
      }
      server = await startChatServer({
        ...(databaseUrl && { databaseUrl }),
        extraArgs: ["--ring-timeout", `${RING_SECONDS}`],
      });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await gateway?.stop();
      await dropSchema();
    });

    it("first run: the admin creates the account, sets up WebRTC in the console, and invites people", async () => {
      const admin = await openApp(browser, server.url, "admin");
      people.admin = admin;
      await createAdmin(admin);
      const pinned = await setUpWebrtcInConsole(admin, {
        ws: gateway.ws,
        adminHttps,
        adminSecret: ADMIN_SECRET,
        configsFolder: gateway.configsFolder,
      });
      assert.match(pinned, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const invite = await inviteLink(admin);
      assert.match(invite, /#\/signup\?iid=/);
      // Alice's account links do not move while the people list above them grows: a click on
      // "Account settings" just as someone joined once landed in the gap the link had left.
      let alicesLinkAlone: unknown;
      for (const name of ["alice", "bob", "carol", "dave"]) {
        const user = await openApp(browser, server.url, name);
        await signUpWithInvite(user, invite);
        people[name] = user;
        if (name === "alice") alicesLinkAlone = await accountLink(user).boundingBox();
      }
      for (const user of Object.values(people))
        for (const name of Object.keys(people).filter((n) => n !== user.name))
          await user.page.getByRole("navigation", { name: "People" }).getByRole("link", { name }).waitFor();
      assert.deepEqual(await accountLink(people.alice!).boundingBox(), alicesLinkAlone);
      for (const name of ["alice", "bob", "carol"]) await optIn(people[name]!);
    });

    it("alice calls bob: both see each other, mute and camera-off show on the other side, hang-up leaves records", async () => {
      const { alice, bob } = people as Required<typeof people>;
      await startCall(alice!, "bob");
      await incomingCallFrom(bob!, "alice");
      const answered = Date.now();
      await answer(bob!);
      await Promise.all([remoteVideoPlays(alice!), remoteVideoPlays(bob!)]);
      const connectMs = Date.now() - answered;
      assert.ok(connectMs < 10_000, `connected ${connectMs} ms after answer`);
      await alice!.page.getByText("In a call with bob").waitFor();
      await mediaFlows(alice!);
      await mediaFlows(bob!);

      await alice!.page.getByRole("button", { name: "Mute" }).click();
      const unmute = alice!.page.getByRole("button", { name: "Unmute" });
      assert.equal(await unmute.getAttribute("aria-pressed"), "true", "the button shows the true state");
      await bob!.page.getByText("alice is muted").waitFor();
      await alice!.page.getByRole("button", { name: "Turn camera off" }).click();
      await bob!.page.getByText("alice's camera is off").waitFor();
      await alice!.page.getByText("Your camera is off").waitFor();
      await unmute.click();
      await bob!.page.getByText("alice is muted").waitFor({ state: "detached" });
      await alice!.page.getByRole("button", { name: "Turn camera on" }).click();
      await bob!.page.getByText("alice's camera is off").waitFor({ state: "detached" });

      // Away from the call and back: by its button, and by opening another page.
      await alice!.page.getByRole("button", { name: "Back to messages" }).click();
      await alice!.page.getByRole("button", { name: "Return to call with bob" }).click();
      await alice!.page.getByText("In a call with bob").waitFor();
      await alice!.page.getByRole("link", { name: "Account settings" }).click();
      await alice!.page.getByRole("heading", { name: "Account settings" }).waitFor();
      await alice!.page.getByRole("button", { name: "Return to call with bob" }).click();
      await alice!.page.getByText("In a call with bob").waitFor();

      await hangUp(alice!);
      await notice(alice!, "Call with bob ended.");
      await notice(bob!, "Call with alice ended.");
      assert.match(await lastCallRecord(alice!, "bob"), /Call ended · \d+:\d\d/);
      assert.match(await lastCallRecord(bob!, "alice"), /Call ended · \d+:\d\d/);
      await dismissNotice(alice!);
      await dismissNotice(bob!);
    });

    it("decline, cancel and no answer, each told to both and recorded", async () => {
      const { alice, bob } = people as Required<typeof people>;
      await startCall(alice!, "bob");
      await incomingCallFrom(bob!, "alice");
      await decline(bob!);
      await notice(alice!, "bob declined your call.");
      assert.match(await lastCallRecord(alice!, "bob"), /bob declined your call/);
      await dismissNotice(alice!);

      await startCall(alice!, "bob");
      await incomingCallFrom(bob!, "alice");
      await alice!.page.getByRole("button", { name: "Cancel" }).click();
      await notice(bob!, "alice cancelled the call.");
      await notice(alice!, "You cancelled the call to bob.");
      assert.match(await lastCallRecord(bob!, "alice"), /Missed call from alice/);
      await dismissNotice(alice!);
      await dismissNotice(bob!);

      await startCall(alice!, "bob");
      await incomingCallFrom(bob!, "alice");
      await notice(alice!, "bob is not answering.");
      await notice(bob!, "You missed a call from alice.");
      await bob!.page.getByRole("alertdialog").waitFor({ state: "detached" });
      await dismissNotice(alice!);
      await dismissNotice(bob!);
    });

    it("busy: carol calls bob during his call with alice", async () => {
      const { alice, bob, carol } = people as Required<typeof people>;
      await startCall(alice!, "bob");
      await incomingCallFrom(bob!, "alice");
      await answer(bob!);
      await remoteVideoPlays(bob!);
      // carol calls from bob's profile card this time.
      await carol!.page.getByRole("button", { name: "Profile of bob" }).click();
      await carol!.page
        .getByRole("dialog", { name: "Profile of bob" })
        .getByRole("button", { name: "Start video call" })
        .click();
      await notice(carol!, "bob is busy in another call.");
      assert.equal(await bob!.page.getByRole("alertdialog").count(), 0, "bob is not rung during his call");
      await hangUp(bob!);
      await notice(alice!, "Call with bob ended.");
      for (const p of [alice, bob, carol]) await dismissNotice(p!);
    });

    it("cannot call someone who has not opted in, or who is offline, and says why", async () => {
      const { alice, dave } = people as Required<typeof people>;
      await openConversation(alice!, "dave");
      const button = alice!.page.getByRole("button", { name: "Video call" });
      assert.equal(await button.isDisabled(), true);
      await alice!.page.getByText("dave has not turned on video calls.").waitFor();
      // dave opts in, then closes the app: offline.
      await optIn(dave!);
      await dave!.context.close();
      await alice!.page.reload();
      await openConversation(alice!, "dave");
      await alice!.page.getByText("dave is offline.").waitFor();
      assert.equal(await alice!.page.getByRole("button", { name: "Video call" }).isDisabled(), true);
    });

    it("kept the browsers' consoles free of errors", () => {
      for (const [name, user] of Object.entries(people)) {
        const errors = consoleErrors(user).filter((e) => !/favicon/.test(e));
        assert.deepEqual(errors, [], `${name}'s console`);
      }
    });
  });
