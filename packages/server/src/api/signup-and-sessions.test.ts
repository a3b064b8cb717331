import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer, type TestUser } from "../testing/test-server.js";

for (const backend of await testDatabases())
  describe(`sign-up policy and session lifetime on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let admin: TestUser;
    const body = (name: string) => ({
      username: name,
      email: `${name}@example.com`,
      password: `${name} password`,
    });

    before(async () => {
      server = await startTestServer(backend, { sessionLengthMs: 1500, maintenanceIntervalMs: 200 });
      admin = await server.signUp("admin");
    });
    after(() => server?.close());

    // Sessions here last 1.5 s (to see them expire), so each test logs the admin in afresh.
    it("takes later sign-ups only by invite link, open sign-up, or from an admin", async () => {
      const adminToken = await server.login(admin);
      const closed = await server.call(undefined, "POST", "/api/v4/users", body("carol"));
      assert.equal(closed.statusCode, 403);
      assert.equal(closed.json().id, "api.user.create_user.no_open_server.app_error");
      assert.equal((await server.call(undefined, "GET", "/api/v4/invite_id")).statusCode, 401);
      const { invite_id } = (await server.call(adminToken, "GET", "/api/v4/invite_id")).json();
      const wrong = await server.call(undefined, "POST", "/api/v4/users?iid=nottheinvite", body("carol"));
      assert.equal(wrong.statusCode, 403);
      const invited = await server.call(undefined, "POST", `/api/v4/users?iid=${invite_id}`, body("carol"));
      assert.equal(invited.statusCode, 201);
      assert.equal(invited.json().roles, "system_user");
      const renewed = (await server.call(adminToken, "POST", "/api/v4/invite_id/regenerate")).json()
        .invite_id;
      assert.notEqual(renewed, invite_id);
      const stale = await server.call(undefined, "POST", `/api/v4/users?iid=${invite_id}`, body("dan"));
      assert.equal(stale.statusCode, 403, "a regenerated invite retires the old link");
      assert.equal((await server.call(adminToken, "POST", "/api/v4/users", body("dan"))).statusCode, 201);
      await server.config.update({ ...server.config.get(), TeamSettings: { EnableOpenServer: true } });
      assert.equal((await server.call(undefined, "POST", "/api/v4/users", body("eve"))).statusCode, 201);
      await server.config.update({ ...server.config.get(), TeamSettings: { EnableOpenServer: false } });
    });

    it("lists and revokes a user's sessions; another user may not", async () => {
      const adminToken = await server.login(admin);
      const carol: TestUser = { id: "", username: "carol", password: "carol password", token: "" };
      carol.token = await server.login(carol);
      const other = await server.login(carol);
      carol.id = (await server.call(carol, "GET", "/api/v4/users/me")).json().id;
      const sessions = (await server.call(carol, "GET", "/api/v4/users/me/sessions")).json();
      assert.equal(sessions.length, 2);
      const mallory = await server.call(undefined, "POST", "/api/v4/users/login", {
        login_id: "dan",
        password: "dan password",
      });
      const malloryToken = mallory.headers.token as string;
      const peek = await server.call(malloryToken, "GET", `/api/v4/users/${carol.id}/sessions`);
      assert.equal(peek.statusCode, 403);
      const steal = await server.call(malloryToken, "POST", `/api/v4/users/${carol.id}/sessions/revoke`, {
        session_id: sessions[0].id,
      });
      assert.equal(steal.statusCode, 403);
      for (const s of sessions) {
        const revoked = await server.call(adminToken, "POST", `/api/v4/users/${carol.id}/sessions/revoke`, {
          session_id: s.id,
        });
        assert.equal(revoked.statusCode, 200);
      }
      assert.equal((await server.call(other, "GET", "/api/v4/users/me")).statusCode, 401);
      const unknown = await server.call(adminToken, "POST", `/api/v4/users/${carol.id}/sessions/revoke`, {
        session_id: "nope",
      });
      assert.equal(unknown.statusCode, 404);
    });

    it("ends sessions at their expiry and sweeps them from the database", async () => {
      const token = await server.login(admin);
      assert.equal((await server.call(token, "GET", "/api/v4/users/me")).statusCode, 200);
      await new Promise((r) => setTimeout(r, 1800));
      assert.equal((await server.call(token, "GET", "/api/v4/users/me")).statusCode, 401);
      const left = await server.db
        .selectFrom("sessions")
        .select("id")
        .where("expires_at", "<=", Date.now())
        .execute();
      assert.deepEqual(left, [], "expired sessions are deleted by the maintenance sweep");
    });

    it("refuses deactivating oneself, unknown users and bad bodies", async () => {
      const fresh = await server.login(admin);
      const self = await server.call(fresh, "PUT", "/api/v4/users/me/active", { active: false });
      assert.equal(self.statusCode, 400);
      const unknown = await server.call(fresh, "PUT", `/api/v4/users/${"a".repeat(26)}/active`, {
        active: false,
      });
      assert.equal(unknown.statusCode, 404);
      const bad = await server.call(fresh, "PUT", `/api/v4/users/${"a".repeat(26)}/active`, { active: "no" });
      assert.equal(bad.statusCode, 400);
      const badId = await server.call(fresh, "PUT", "/api/v4/users/x/active", { active: false });
      assert.equal(badId.statusCode, 400);
    });
  });
