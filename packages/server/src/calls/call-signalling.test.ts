import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { enableWebrtc, optIn } from "../testing/call-fixture.js";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer, type TestUser } from "../testing/test-server.js";
import { TestSocket } from "../testing/test-socket.js";

const RING_MS = 700;

for (const backend of await testDatabases())
  describe(`call signalling over the chat WebSocket on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let base = "";
    const u: Record<string, TestUser> = {};
    const open: TestSocket[] = [];
    const connect = async (user: TestUser) => {
      const s = await TestSocket.connect(base, user.token);
      open.push(s);
      return s;
    };
    const signal = (from: TestSocket, action: string, to: TestUser, extra: Record<string, unknown> = {}) =>
      from.send("webrtc", { action, to_user_id: to.id, ...extra });
    /** The call records of the two users' conversation, newest first. */
    const records = async (a: TestUser, b: TestUser) => {
      const dm = await server.call(a, "POST", "/api/v4/channels/direct", [a.id, b.id]);
      const page = await server.call(a, "GET", `/api/v4/channels/${dm.json().id}/posts`);
      const { order, posts } = page.json() as {
        order: string[];
        posts: Record<string, { type: string; props: { call: { outcome: string; duration_ms: number } } }>;
      };
      return order
        .map((id) => posts[id]!)
        .filter((p) => p.type === "custom_call")
        .map((p) => p.props.call);
    };

    before(async () => {
      server = await startTestServer(backend, { ringTimeoutMs: RING_MS });
      for (const name of ["admin", "alice", "bob", "carol", "dave", "erin"])
        u[name] = await server.signUp(name);
      await enableWebrtc(server);
      for (const name of ["alice", "bob", "carol", "erin"]) await optIn(server, u[name]!);
      base = await server.app.listen({ host: "127.0.0.1", port: 0 });
    });
    after(async () => {
      for (const s of open) s.close();
      await server?.close();
    });

    it("ring > answer > mute > hang up: both tabs of the callee ring, the other stops when one answers", async () => {
      const alice = await connect(u.alice!);
      const bob1 = await connect(u.bob!);
      const bob2 = await connect(u.bob!);
      assert.equal((await signal(alice, "notify", u.bob!)).status, "OK");
      for (const tab of [bob1, bob2]) {
        const ring = await tab.webrtc("notify");
        assert.equal(ring.data.from_user_id, u.alice!.id, "the sender comes from the session");
        assert.equal(ring.data.to_user_id, u.bob!.id);
      }
      assert.equal((await signal(bob1, "answer", u.alice!)).status, "OK");
      assert.equal((await alice.webrtc("answer")).data.from_user_id, u.bob!.id);
      const stop = await bob2.webrtc("cancel");
      assert.equal(stop.data.calling_user_id, u.alice!.id);
      assert.equal(stop.data.reason, "answered_elsewhere");

      await signal(bob1, "muted", u.alice!, { type: "audio", mute: true });
      const muted = await alice.webrtc("muted");
      assert.deepEqual([muted.data.type, muted.data.mute], ["audio", true]);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await signal(alice, "hangup", u.bob!)).status, "OK");
      await bob1.webrtc("hangup");
      assert.ok(await bob2.quietFor(100), "the tab that did not answer hears nothing of the call");
      const [record] = await records(u.alice!, u.bob!);
      assert.equal(record?.outcome, "ended");
      assert.ok(record!.duration_ms >= 1000, `duration ${record!.duration_ms} ms`);
      for (const s of [alice, bob1, bob2]) s.close();
    });

    it("ring > decline, ring > cancel, and ring > no answer after the ring time, each with its record", async () => {
      const alice = await connect(u.alice!);
      const bob = await connect(u.bob!);
      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      await signal(bob, "decline", u.alice!);
      assert.equal((await alice.webrtc("decline")).data.from_user_id, u.bob!.id);
      assert.equal((await records(u.alice!, u.bob!))[0]?.outcome, "declined");

      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      await signal(alice, "cancel", u.bob!);
      assert.equal((await bob.webrtc("cancel")).data.calling_user_id, u.alice!.id);
      assert.equal((await records(u.alice!, u.bob!))[0]?.outcome, "missed");

      const started = Date.now();
      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      await alice.webrtc("no_answer", RING_MS + 2000);
      await bob.webrtc("no_answer");
      assert.ok(Date.now() - started >= RING_MS - 50, "not before the ring time");
      assert.equal((await records(u.alice!, u.bob!))[0]?.outcome, "missed");
      // The ring is over: answering now is refused, and bob can be called again.
      const late = await signal(bob, "answer", u.alice!);
      assert.equal(late.error?.id, "api.webrtc.no_such_call");
      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      await signal(alice, "cancel", u.bob!);
      alice.close();
      bob.close();
    });

    it("busy for a second caller, in_progress for a caller already in a call", async () => {
      const alice = await connect(u.alice!);
      const bob = await connect(u.bob!);
      const carol = await connect(u.carol!);
      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      await signal(bob, "answer", u.alice!);
      await alice.webrtc("answer");
      await signal(carol, "notify", u.bob!);
      assert.equal((await carol.webrtc("busy")).data.from_user_id, u.bob!.id);
      assert.ok(await bob.quietFor(150), "bob is not rung during his call");
      await signal(alice, "notify", u.carol!);
      await alice.webrtc("in_progress");
      await signal(alice, "hangup", u.bob!);
      await bob.webrtc("hangup");
      for (const s of [alice, bob, carol]) s.close();
    });

    it("answers disabled for a callee who has not opted in, offline for one with no socket", async () => {
      const alice = await connect(u.alice!);
      const dave = await connect(u.dave!);
      await signal(alice, "notify", u.dave!);
      assert.equal((await alice.webrtc("disabled")).data.from_user_id, u.dave!.id);
      assert.ok(await dave.quietFor(150), "dave is not rung");
      await signal(alice, "notify", u.erin!);
      await alice.webrtc("offline");
      alice.close();
      dave.close();
    });

    it("refuses a spoofed from_user_id, unknown users and out-of-call actions with a FAIL reply", async () => {
      const alice = await connect(u.alice!);
      const bob = await connect(u.bob!);
      const spoofed = await alice.send("webrtc", {
        action: "notify",
        from_user_id: u.carol!.id,
        to_user_id: u.bob!.id,
      });
      assert.equal(spoofed.status, "FAIL");
      assert.equal(spoofed.error?.id, "api.webrtc.spoofed_sender");
      assert.ok(await bob.quietFor(150), "nothing reached bob");
      const cases: Array<[unknown, string]> = [
        [{ action: "notify", to_user_id: "x".repeat(26) }, "api.webrtc.invalid_user"],
        [{ action: "notify", to_user_id: 5 }, "api.webrtc.invalid_user"],
        [{ action: "ring", to_user_id: u.bob!.id }, "api.webrtc.invalid_action"],
        [{ action: "answer", to_user_id: u.bob!.id }, "api.webrtc.no_such_call"],
        [{ action: "hangup", to_user_id: u.bob!.id }, "api.webrtc.no_such_call"],
        [{ action: "muted", to_user_id: u.bob!.id, type: "smell", mute: true }, "api.webrtc.invalid_message"],
        [{ action: "notify", to_user_id: u.alice!.id }, "api.webrtc.invalid_user"],
        ["notify", "api.webrtc.invalid_message"],
      ];
      for (const [data, id] of cases) {
        const reply = await alice.send("webrtc", data);
        assert.equal(reply.error?.id, id, JSON.stringify(data));
      }
      alice.sendRaw("{not json");
      assert.equal((await alice.nextUnnumbered()).error?.id, "api.web_socket.invalid_json");
      assert.equal((await alice.send("dance")).error?.id, "api.web_socket.unknown_action");
      // Still working after all that.
      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      await signal(alice, "cancel", u.bob!);
      alice.close();
      bob.close();
    });

    it("ends the call when a side's socket goes: cancel while ringing, hangup while in the call", async () => {
      const alice = await connect(u.alice!);
      const bob = await connect(u.bob!);
      await signal(alice, "notify", u.bob!);
      await bob.webrtc("notify");
      alice.close();
      await bob.webrtc("cancel");
      const alice2 = await connect(u.alice!);
      await signal(alice2, "notify", u.bob!);
      await bob.webrtc("notify");
      await signal(bob, "answer", u.alice!);
      await alice2.webrtc("answer");
      bob.close();
      assert.equal((await alice2.webrtc("hangup")).data.reason, "disconnected");
      const bob2 = await connect(u.bob!);
      await signal(alice2, "notify", u.bob!);
      await bob2.webrtc("notify");
      await signal(alice2, "cancel", u.bob!);
      alice2.close();
      bob2.close();
    });
  });
