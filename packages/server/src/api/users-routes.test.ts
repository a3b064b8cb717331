import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../server.js";
import { ConfigStore } from "../settings/config-store.js";
import type { Db } from "../store/database.js";
import { testDatabases } from "../testing/databases.js";

for (const backend of await testDatabases())
  describe(`users API (Mattermost v4 shapes) on ${backend.name}`, { skip: backend.skip }, () => {
    let db: Db;
    let app: FastifyInstance;
    let database: Awaited<ReturnType<typeof backend.open>>;
    before(async () => {
      database = await backend.open();
      db = database.db;
      const config = await ConfigStore.load(db);
      // Open sign-up here; the invite rules have tests of their own (signup-policy.test.ts).
      await config.update({ ...config.get(), TeamSettings: { EnableOpenServer: true } });
      app = buildServer({ db, config });
    });
    after(async () => {
      await app?.close();
      await db?.destroy();
      await database?.drop();
    });

    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: "POST", url, payload: payload as object, headers });

    it("makes the first account the system admin, later ones plain users", async () => {
      const first = await post("/api/v4/users", {
        username: "admin",
        email: "admin@example.com",
        password: "correct horse",
      });
      assert.equal(first.statusCode, 201);
      assert.equal(first.json().roles, "system_admin system_user");
      assert.equal(first.json().password_hash, undefined, "no hash in the API");
      const second = await post("/api/v4/users", {
        username: "bob",
        email: "bob@example.com",
        password: "battery staple",
      });
      assert.equal(second.json().roles, "system_user");
      assert.match(second.json().id, /^[a-z0-9]{26}$/);
    });

    it("refuses a taken username or email, and bad input, with Mattermost's error body", async () => {
      const taken = await post("/api/v4/users", {
        username: "bob",
        email: "other@example.com",
        password: "12345678",
      });
      assert.equal(taken.statusCode, 400);
      assert.deepEqual(Object.keys(taken.json()).sort(), ["id", "message", "status_code"]);
      assert.equal(taken.json().id, "app.user.save.username_exists.app_error");
      for (const body of [
        {},
        { username: "x", email: "x@example.com", password: "12345678" },
        { username: "carol", email: "not an email", password: "12345678" },
        { username: "carol", email: "carol@example.com", password: "short" },
        { username: 5, email: "carol@example.com", password: "12345678" },
      ]) {
        const res = await post("/api/v4/users", body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(res.json().status_code, 400);
        assert.match(res.json().message, /Invalid request/);
      }
      const notJson = await app.inject({
        method: "POST",
        url: "/api/v4/users",
        payload: "{not json",
        headers: { "content-type": "application/json" },
      });
      assert.equal(notJson.statusCode, 400);
      assert.equal(notJson.json().status_code, 400);
      const huge = await post("/api/v4/users", {
        username: "carol",
        email: "c@example.com",
        password: "x".repeat(100_000),
      });
      assert.equal(huge.statusCode, 413);
      assert.equal(huge.json().status_code, 413);
    });

    it("logs in by username or email, with a Token header and an HTTP-only cookie, and logs out", async () => {
      const wrong = await post("/api/v4/users/login", { login_id: "bob", password: "wrong password" });
      assert.equal(wrong.statusCode, 401);
      const unknown = await post("/api/v4/users/login", { login_id: "nobody", password: "wrong password" });
      assert.deepEqual(unknown.json(), wrong.json(), "the same answer whether or not the user exists");
      const login = await post("/api/v4/users/login", {
        login_id: "bob@example.com",
        password: "battery staple",
      });
      assert.equal(login.statusCode, 200);
      const token = login.headers.token as string;
      assert.ok(token.length >= 40);
      const cookie = String(login.headers["set-cookie"]);
      assert.match(cookie, /MMAUTHTOKEN=/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);

      const me = await app.inject({ url: "/api/v4/users/me", headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.json().username, "bob");
      const byCookie = await app.inject({ url: "/api/v4/users/me", cookies: { MMAUTHTOKEN: token } });
      assert.equal(byCookie.json().username, "bob");
      const list = await app.inject({
        url: "/api/v4/users?per_page=10",
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual(
        list.json().map((u: { username: string }) => u.username),
        ["admin", "bob"],
      );
      const secondPage = await app.inject({
        url: "/api/v4/users?page=1&per_page=1",
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual(
        secondPage.json().map((u: { username: string }) => u.username),
        ["bob"],
      );
      for (const query of ["page=-1", "per_page=0", "per_page=201", "page=x"]) {
        const bad = await app.inject({
          url: `/api/v4/users?${query}`,
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(bad.statusCode, 400, query);
      }

      const out = await post("/api/v4/users/logout", {}, { authorization: `Bearer ${token}` });
      assert.equal(out.statusCode, 200);
      const after = await app.inject({
        url: "/api/v4/users/me",
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().id, "api.context.session_expired.app_error");
    });

    it("answers 401 without a session, and 404 in the same shape for unknown routes", async () => {
      assert.equal((await app.inject({ url: "/api/v4/users/me" })).statusCode, 401);
      assert.equal((await app.inject({ url: "/api/v4/users" })).statusCode, 401);
      assert.equal(
        (await app.inject({ url: "/api/v4/users/me", headers: { authorization: "Bearer forged" } }))
          .statusCode,
        401,
      );
      const missing = await app.inject({ url: "/api/v4/nothing" });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().status_code, 404);
    });

    it("keeps its data across a restart", async () => {
      const again = await database.reopen();
      const users = await again.selectFrom("users").select("username").orderBy("username").execute();
      assert.deepEqual(
        users.map((u) => u.username),
        ["admin", "bob"],
      );
      await again.destroy();
    });
  });
