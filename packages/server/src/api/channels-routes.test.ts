import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer, type TestUser } from "../testing/test-server.js";
import { TestSocket } from "../testing/test-socket.js";

for (const backend of await testDatabases())
  describe(`direct messages (channels and posts) on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let base = "";
    const u: Record<string, TestUser> = {};
    let dm = "";

    before(async () => {
      server = await startTestServer(backend);
      for (const name of ["admin", "alice", "bob", "mallory"]) u[name] = await server.signUp(name);
      base = await server.app.listen({ host: "127.0.0.1", port: 0 });
    });
    after(() => server?.close());

    it("opens one direct channel per pair, whoever opens it", async () => {
      const a = await server.call(u.alice, "POST", "/api/v4/channels/direct", [u.alice!.id, u.bob!.id]);
      assert.equal(a.statusCode, 201);
      assert.equal(a.json().type, "D");
      assert.equal(a.json().name, [u.alice!.id, u.bob!.id].sort().join("__"));
      const b = await server.call(u.bob, "POST", "/api/v4/channels/direct", [u.alice!.id, u.bob!.id]);
      assert.equal(b.json().id, a.json().id);
      dm = a.json().id;
      const mine = await server.call(u.bob, "GET", "/api/v4/users/me/channels");
      assert.deepEqual(
        mine.json().map((c: { id: string }) => c.id),
        [dm],
      );
    });

    it("sends messages, delivers them live to both users' sockets, and pages through history", async () => {
      const bobSocket = await TestSocket.connect(base, u.bob!.token);
      const aliceSocket = await TestSocket.connect(base, u.alice!.token);
      const sent = await server.call(u.alice, "POST", "/api/v4/posts", {
        channel_id: dm,
        message: "hello bob",
      });
      assert.equal(sent.statusCode, 201);
      assert.equal(sent.json().user_id, u.alice!.id);
      for (const socket of [bobSocket, aliceSocket]) {
        const posted = await socket.next("posted");
        const post = JSON.parse(posted.data.post as string);
        assert.equal(post.message, "hello bob");
        assert.equal(post.id, sent.json().id);
        assert.equal(posted.data.sender_name, "alice");
      }
      for (let i = 0; i < 5; i++)
        await server.call(i % 2 ? u.alice : u.bob, "POST", "/api/v4/posts", {
          channel_id: dm,
          message: `m${i}`,
        });
      const page0 = await server.call(u.bob, "GET", `/api/v4/channels/${dm}/posts?per_page=4`);
      const { order, posts } = page0.json();
      assert.deepEqual(
        order.map((id: string) => posts[id].message),
        ["m4", "m3", "m2", "m1"],
      );
      const page1 = await server.call(u.bob, "GET", `/api/v4/channels/${dm}/posts?per_page=4&page=1`);
      assert.deepEqual(
        page1.json().order.map((id: string) => page1.json().posts[id].message),
        ["m0", "hello bob"],
      );
      const mallorySocket = await TestSocket.connect(base, u.mallory!.token);
      await server.call(u.bob, "POST", "/api/v4/posts", { channel_id: dm, message: "private" });
      await aliceSocket.next("posted", (e) => JSON.parse(e.data.post as string).message === "private");
      assert.ok(!mallorySocket.events.some((e) => e.event === "posted"), "no one else's socket gets it");
      for (const s of [bobSocket, aliceSocket, mallorySocket]) s.close();
    });

    it("never shows a conversation to anyone outside it", async () => {
      const read = await server.call(u.mallory, "GET", `/api/v4/channels/${dm}/posts`);
      assert.equal(read.statusCode, 403);
      const write = await server.call(u.mallory, "POST", "/api/v4/posts", { channel_id: dm, message: "hi" });
      assert.equal(write.statusCode, 403);
      const get = await server.call(u.mallory, "GET", `/api/v4/channels/${dm}`);
      assert.equal(get.statusCode, 403);
      const foreign = await server.call(u.mallory, "POST", "/api/v4/channels/direct", [
        u.alice!.id,
        u.bob!.id,
      ]);
      assert.equal(foreign.statusCode, 400, "a direct channel must include the requester");
      assert.equal((await server.call(undefined, "GET", `/api/v4/channels/${dm}/posts`)).statusCode, 401);
    });

    it("refuses bad input with a 4xx and Mattermost's error body", async () => {
      const cases: Array<[string, string, unknown, number]> = [
        ["POST", "/api/v4/posts", {}, 400],
        ["POST", "/api/v4/posts", { channel_id: dm }, 400],
        ["POST", "/api/v4/posts", { channel_id: dm, message: "" }, 400],
        ["POST", "/api/v4/posts", { channel_id: dm, message: "   " }, 400],
        ["POST", "/api/v4/posts", { channel_id: dm, message: 5 }, 400],
        ["POST", "/api/v4/posts", { channel_id: dm, message: "x".repeat(16384) }, 400],
        ["POST", "/api/v4/posts", { channel_id: dm, message: "x", extra: 1 }, 400],
        ["POST", "/api/v4/posts", { channel_id: "a".repeat(26), message: "x" }, 404],
        ["POST", "/api/v4/channels/direct", [u.alice!.id], 400],
        ["POST", "/api/v4/channels/direct", [u.alice!.id, "nope"], 400],
        ["POST", "/api/v4/channels/direct", [u.alice!.id, "a".repeat(26)], 404],
        ["GET", `/api/v4/channels/${dm}/posts?per_page=500`, undefined, 400],
        ["GET", `/api/v4/channels/${"a".repeat(26)}/posts`, undefined, 404],
      ];
      for (const [method, url, body, status] of cases) {
        const res = await server.call(u.alice, method as "POST", url, body);
        assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)?.slice(0, 80)}`);
        assert.equal(res.json().status_code, status);
        assert.equal(typeof res.json().message, "string");
      }
      const anonymousBadBody = await server.call(undefined, "POST", "/api/v4/posts", { nonsense: true });
      assert.equal(anonymousBadBody.statusCode, 401, "the session is checked before the body");
    });
  });
