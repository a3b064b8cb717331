import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { Preferences, WEBRTC_OPT_IN } from "../accounts/preferences.js";
import type { Db } from "../store/database.js";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer, type TestUser } from "../testing/test-server.js";

for (const backend of await testDatabases())
  describe(`preferences API (the calls opt-in) on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let db: Db;
    let app: FastifyInstance;
    const users: Record<string, TestUser> = {};

    before(async () => {
      server = await startTestServer(backend);
      ({ db, app } = server);
      for (const name of ["alice", "bob"]) users[name] = await server.signUp(name);
    });
    after(() => server?.close());

    const put = (path: string, body: unknown, who: string) =>
      app.inject({
        method: "PUT",
        url: `/api/v4/users/${path}/preferences`,
        payload: body as object,
        headers: { authorization: `Bearer ${users[who]!.token}` },
      });

    it("saves the opt-in, reads it back, and updates it in place", async () => {
      const alice = users.alice!;
      const optIn = { user_id: alice.id, ...WEBRTC_OPT_IN, value: "true" };
      assert.equal((await put(alice.id, [optIn], "alice")).statusCode, 200);
      const prefs = new Preferences(db);
      assert.equal(await prefs.optedInToCalls(alice.id), true);
      assert.equal(await prefs.optedInToCalls(users.bob!.id), false, "bob did not opt in");
      assert.equal((await put("me", [{ ...optIn, value: "false" }], "alice")).statusCode, 200);
      const listed = await app.inject({
        url: `/api/v4/users/me/preferences`,
        headers: { authorization: `Bearer ${alice.token}` },
      });
      assert.deepEqual(listed.json(), [{ ...optIn, value: "false" }]);
    });

    it("lets nobody read or write another user's preferences, and refuses bad input", async () => {
      const alice = users.alice!;
      const bob = users.bob!;
      const asBob = await put(alice.id, [{ user_id: alice.id, ...WEBRTC_OPT_IN, value: "true" }], "bob");
      assert.equal(asBob.statusCode, 403);
      const read = await app.inject({
        url: `/api/v4/users/${alice.id}/preferences`,
        headers: { authorization: `Bearer ${bob.token}` },
      });
      assert.equal(read.statusCode, 403);
      const smuggled = await put("me", [{ user_id: alice.id, ...WEBRTC_OPT_IN, value: "true" }], "bob");
      assert.equal(smuggled.statusCode, 400, "bob cannot set alice's preference through his own path");
      for (const body of [
        [],
        {},
        [{ user_id: bob.id, category: "x" }],
        [{ user_id: bob.id, ...WEBRTC_OPT_IN, value: 1 }],
      ]) {
        const res = await put("me", body, "bob");
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(res.json().status_code, 400);
      }
      const anonymous = await app.inject({
        method: "PUT",
        url: "/api/v4/users/me/preferences",
        payload: [{ user_id: alice.id, ...WEBRTC_OPT_IN, value: "true" }],
      });
      assert.equal(anonymous.statusCode, 401);
    });
  });
