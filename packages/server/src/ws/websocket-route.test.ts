import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer, type TestUser } from "../testing/test-server.js";
import { TestSocket } from "../testing/test-socket.js";

for (const backend of await testDatabases())
  describe(`the chat WebSocket (authentication, presence) on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let base = "";
    const u: Record<string, TestUser> = {};

    before(async () => {
      server = await startTestServer(backend);
      for (const name of ["admin", "alice", "bob"]) u[name] = await server.signUp(name);
      base = await server.app.listen({ host: "127.0.0.1", port: 0 });
    });
    after(() => server?.close());

    it("authenticates by authentication_challenge, and refuses anything before it or a bad token", async () => {
      const socket = await TestSocket.open(base);
      const early = await socket.send("get_statuses");
      assert.equal(early.status, "FAIL");
      assert.equal(early.error?.id, "api.web_socket.no_auth");
      const ok = await socket.send("authentication_challenge", { token: u.alice!.token });
      assert.equal(ok.status, "OK");
      const hello = await socket.next("hello");
      assert.equal(hello.broadcast.user_id, u.alice!.id);
      socket.close();

      const bad = await TestSocket.open(base);
      const refused = await bad.send("authentication_challenge", { token: "forged" });
      assert.equal(refused.error?.id, "api.web_socket.authentication_failed");
      assert.equal((await bad.closed).code, 4001);
    });

    it("shows presence: online with a socket, away when idle, offline when the last one closes", async () => {
      const alice = await TestSocket.connect(base, u.alice!.token);
      const bob = await TestSocket.connect(base, u.bob!.token);
      await alice.next("status_change", (e) => e.data.user_id === u.bob!.id && e.data.status === "online");
      const statuses = await alice.send("get_statuses_by_ids", { user_ids: [u.bob!.id, u.admin!.id] });
      assert.deepEqual(statuses.data, { [u.bob!.id]: "online", [u.admin!.id]: "offline" });
      await bob.send("user_update_active_status", { user_is_active: false });
      await alice.next("status_change", (e) => e.data.user_id === u.bob!.id && e.data.status === "away");
      const listed = await server.call(u.alice, "GET", "/api/v4/users");
      const bobListed = listed.json().find((x: { id: string }) => x.id === u.bob!.id);
      assert.equal(bobListed.status, "away");
      bob.close();
      await alice.next("status_change", (e) => e.data.user_id === u.bob!.id && e.data.status === "offline");
      const byIds = await server.call(u.alice, "POST", "/api/v4/users/status/ids", [u.bob!.id, u.alice!.id]);
      assert.deepEqual(byIds.json(), [
        { user_id: u.bob!.id, status: "offline" },
        { user_id: u.alice!.id, status: "online" },
      ]);
      alice.close();
    });

    it("tells everyone when a user turns calls on or off (user_updated)", async () => {
      const alice = await TestSocket.connect(base, u.alice!.token);
      const optIn = await server.call(u.bob, "PUT", "/api/v4/users/me/preferences", [
        {
          user_id: u.bob!.id,
          category: "advanced_settings",
          name: "feature_enabled_webrtc_preview",
          value: "true",
        },
      ]);
      assert.equal(optIn.statusCode, 200);
      const updated = await alice.next("user_updated");
      assert.deepEqual(updated.data, { user_id: u.bob!.id, calls_enabled: true });
      const listed = (await server.call(u.alice, "GET", `/api/v4/users/${u.bob!.id}`)).json();
      assert.equal(listed.calls_enabled, true);
      alice.close();
    });

    it("closes a session's sockets when it logs out, and all of a user's when deactivated", async () => {
      const second = await server.login(u.bob!);
      const a = await TestSocket.connect(base, u.bob!.token);
      const b = await TestSocket.connect(base, second);
      await server.call(second, "POST", "/api/v4/users/logout");
      assert.equal((await b.closed).code, 4001);
      assert.equal(a.ws.readyState, a.ws.OPEN, "the other session's socket stays");
      const deactivated = await server.call(u.admin, "PUT", `/api/v4/users/${u.bob!.id}/active`, {
        active: false,
      });
      assert.equal(deactivated.statusCode, 200);
      assert.equal((await a.closed).code, 4001);
      assert.equal((await server.call(u.bob, "GET", "/api/v4/users/me")).statusCode, 401);
      await server.call(u.admin, "PUT", `/api/v4/users/${u.bob!.id}/active`, { active: true });
      u.bob!.token = await server.login(u.bob!);
    });

    it("refuses oversized messages without crashing", async () => {
      const socket = await TestSocket.connect(base, u.alice!.token);
      socket.sendRaw(JSON.stringify({ seq: 1, action: "webrtc", data: "x".repeat(70_000) }));
      assert.equal((await socket.closed).code, 1009);
      const again = await TestSocket.connect(base, u.alice!.token);
      assert.equal((await again.send("get_statuses")).status, "OK");
      again.close();
    });
  });
