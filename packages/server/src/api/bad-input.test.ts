import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer, type TestUser } from "../testing/test-server.js";

/** Every route of the API, with a placeholder for ids. */
const ROUTES: Array<[method: "GET" | "POST" | "PUT", path: string]> = [
  ["POST", "/api/v4/users"],
  ["POST", "/api/v4/users/login"],
  ["POST", "/api/v4/users/logout"],
  ["GET", "/api/v4/users"],
  ["GET", "/api/v4/users/ID"],
  ["GET", "/api/v4/users/ID/sessions"],
  ["POST", "/api/v4/users/ID/sessions/revoke"],
  ["PUT", "/api/v4/users/ID/active"],
  ["POST", "/api/v4/users/status/ids"],
  ["GET", "/api/v4/users/ID/preferences"],
  ["PUT", "/api/v4/users/ID/preferences"],
  ["GET", "/api/v4/users/ID/channels"],
  ["GET", "/api/v4/invite_id"],
  ["POST", "/api/v4/invite_id/regenerate"],
  ["GET", "/api/v4/config"],
  ["PUT", "/api/v4/config"],
  ["GET", "/api/v4/config/client"],
  ["GET", "/api/v4/session"],
  ["POST", "/api/v4/channels/direct"],
  ["GET", "/api/v4/channels/ID"],
  ["GET", "/api/v4/channels/ID/posts"],
  ["POST", "/api/v4/posts"],
  ["GET", "/api/v4/webrtc/token"],
  ["POST", "/api/v4/webrtc/token"],
  ["POST", "/api/v4/webrtc/test"],
];

const BODIES: unknown[] = [
  "plain text",
  "",
  "null",
  "[]",
  "{}",
  "123",
  '{"a":',
  JSON.stringify({ username: ["x"], password: { $gt: "" }, channel_id: null, message: 1, active: "yes" }),
  JSON.stringify([{ user_id: 1 }, null, "x"]),
  JSON.stringify({ WebrtcSettings: "on" }),
  JSON.stringify({ login_id: "a\u0000", password: "x\u0000", username: "a\u0000b", message: "\u0000" }),
  JSON.stringify([{ user_id: "me", category: "c\u0000", name: "n", value: "v" }]),
  JSON.stringify(Array.from({ length: 5000 }, () => "00000000000000000000000000")),
  `${"[".repeat(5000)}${"]".repeat(5000)}`,
];

const IDS = ["me", "x", "a".repeat(26), "%00", "..%2f..%2f", "Z".repeat(300)];

for (const backend of await testDatabases())
  describe(`bad input on every endpoint on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let admin: TestUser;
    let user: TestUser;

    before(async () => {
      server = await startTestServer(backend);
      admin = await server.signUp("admin");
      user = await server.signUp("user");
    });
    after(() => server?.close());

    it("answers a 4xx in Mattermost's error shape, never a 5xx, whoever asks", async () => {
      const seen = new Set<number>();
      for (const [method, pattern] of ROUTES)
        for (const id of IDS)
          for (const who of [undefined, user, admin])
            for (const body of method === "GET" ? [undefined] : BODIES) {
              // Logging out works with any body: it would end the session the rest of the loop uses.
              if (who && pattern === "/api/v4/users/logout") continue;
              const url = pattern.replace("ID", id);
              const res = await server.app.inject({
                method,
                url,
                ...(body !== undefined && { payload: body as string }),
                headers: {
                  ...(who && { authorization: `Bearer ${who.token}` }),
                  ...(body !== undefined && { "content-type": "application/json" }),
                },
              });
              const what = `${method} ${url} as ${who?.username ?? "anonymous"} with ${String(body).slice(0, 40)}`;
              // 501 is the token endpoint's "WebRTC is not enabled", by design.
              const expected =
                res.statusCode < 500 || (res.statusCode === 501 && url.includes("/webrtc/token"));
              assert.ok(expected, `${what}: ${res.statusCode} ${res.body}`);
              seen.add(res.statusCode);
              if (res.statusCode >= 400) {
                const error = res.json();
                assert.equal(error.status_code, res.statusCode, what);
                assert.equal(typeof error.id, "string", what);
                assert.ok(error.message.length > 0, what);
              }
            }
      assert.ok(seen.has(400) && seen.has(401) && seen.has(403) && seen.has(404), [...seen].join());
      // And the server still works.
      assert.equal((await server.call(user, "GET", "/api/v4/users/me")).statusCode, 200);
    });
  });
