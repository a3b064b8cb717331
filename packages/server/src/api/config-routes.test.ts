import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { ConfigStore } from "../settings/config-store.js";
import { defaultConfig, type ServerConfig } from "../settings/server-config.js";
import type { Db } from "../store/database.js";
import { testDatabases } from "../testing/databases.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0")).join(":");

function enabled(over: Partial<ServerConfig["WebrtcSettings"]> = {}): ServerConfig {
  const config = defaultConfig();
  Object.assign(config.WebrtcSettings, {
    Enable: true,
    GatewayWebsocketUrl: "wss://gateway.example.com:8189",
    GatewayAdminUrl: "https://gateway.example.com:7089/admin",
    GatewayAdminSecret: "admin-secret",
    ...over,
  });
  return config;
}

for (const backend of await testDatabases())
  describe(`config API (admin console settings) on ${backend.name}`, { skip: backend.skip }, () => {
    let server: TestServer;
    let db: Db;
    let app: FastifyInstance;
    let adminToken = "";
    let userToken = "";

    before(async () => {
      server = await startTestServer(backend);
      ({ db, app } = server);
      adminToken = (await server.signUp("admin")).token;
      userToken = (await server.signUp("bob")).token;
    });
    after(() => server?.close());

    const put = (config: unknown, token = adminToken) =>
      app.inject({
        method: "PUT",
        url: "/api/v4/config",
        payload: config as object,
        headers: { authorization: `Bearer ${token}` },
      });

    it("is for admins only", async () => {
      assert.equal((await app.inject({ url: "/api/v4/config" })).statusCode, 401);
      const asUser = await app.inject({
        url: "/api/v4/config",
        headers: { authorization: `Bearer ${userToken}` },
      });
      assert.equal(asUser.statusCode, 403);
      assert.equal(asUser.json().id, "api.context.permissions.app_error");
      assert.equal((await put(enabled(), userToken)).statusCode, 403);
    });

    it("tells any client only whether calls and open sign-up are on", async () => {
      const client = await app.inject({ url: "/api/v4/config/client" });
      assert.equal(client.statusCode, 200);
      assert.deepEqual(client.json(), {
        EnableWebrtc: "false",
        EnableOpenServer: "false",
        NoAccounts: "false",
      });
    });

    it("starts disabled with empty fields, and never returns a secret", async () => {
      const got = await app.inject({
        url: "/api/v4/config",
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.deepEqual(got.json(), defaultConfig());
      const saved = await put(
        enabled({
          TurnURI: "turn:turn.example.com:3478",
          TurnUsername: "callgate",
          TurnSharedKey: "shared",
          GatewayCertificateFingerprint: FINGERPRINT,
        }),
      );
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().WebrtcSettings.GatewayAdminSecret, "********");
      assert.equal(saved.json().WebrtcSettings.TurnSharedKey, "********");
      assert.equal(saved.json().WebrtcSettings.GatewayCertificateFingerprint, FINGERPRINT.toUpperCase());
      const again = await app.inject({
        url: "/api/v4/config",
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.ok(!again.body.includes("admin-secret") && !again.body.includes('"shared"'));
    });

    it("keeps a secret sent back masked, and replaces one sent in clear", async () => {
      const masked = await put(
        enabled({
          GatewayAdminSecret: "********",
          TurnURI: "turn:turn.example.com:3478",
          TurnUsername: "callgate",
          TurnSharedKey: "********",
        }),
      );
      assert.equal(masked.statusCode, 200, masked.body);
      const row = await db
        .selectFrom("settings")
        .select("value")
        .where("key", "=", "config")
        .executeTakeFirstOrThrow();
      const stored = JSON.parse(row.value) as ServerConfig;
      assert.equal(stored.WebrtcSettings.GatewayAdminSecret, "admin-secret");
      assert.equal(stored.WebrtcSettings.TurnSharedKey, "shared");
      await put(enabled({ GatewayAdminSecret: "new-secret" }));
      const after = await db
        .selectFrom("settings")
        .select("value")
        .where("key", "=", "config")
        .executeTakeFirstOrThrow();
      assert.equal((JSON.parse(after.value) as ServerConfig).WebrtcSettings.GatewayAdminSecret, "new-secret");
    });

    it("validates every field with a message that names it", async () => {
      const cases: Array<[Partial<ServerConfig["WebrtcSettings"]>, RegExp]> = [
        [{ GatewayWebsocketUrl: "" }, /GatewayWebsocketUrl: required/],
        [{ GatewayAdminUrl: "" }, /GatewayAdminUrl: required/],
        [{ GatewayAdminSecret: "" }, /GatewayAdminSecret: required/],
        [
          { GatewayWebsocketUrl: "https://gateway.example.com" },
          /GatewayWebsocketUrl: must be a ws:\/\/ or wss:\/\/ URL/,
        ],
        [{ GatewayAdminUrl: "gateway:7088" }, /GatewayAdminUrl: must be an http:\/\/ or https:\/\/ URL/],
        [
          { GatewayCertificateFingerprint: "AB:CD" },
          /GatewayCertificateFingerprint: must be a SHA-256 fingerprint/,
        ],
        [{ StunURI: "stun.example.com:3478" }, /StunURI: must look like stun:/],
        [{ TurnURI: "turn.example.com" }, /TurnURI: must look like turn:/],
        [{ TurnURI: "turn:turn.example.com" }, /TurnUsername: required/],
        [
          { TurnURI: "turn:turn.example.com", TurnUsername: "u", TurnSharedKey: "" },
          /TurnSharedKey: required/,
        ],
      ];
      for (const [over, message] of cases) {
        const res = await put(enabled(over));
        assert.equal(res.statusCode, 400, JSON.stringify(over));
        assert.match(res.json().message, message);
        assert.equal(res.json().status_code, 400);
      }
      // disabled, the gateway fields may stay empty
      assert.equal((await put(defaultConfig())).statusCode, 200);
      // wrong types and unknown fields are refused by the schema
      const wrongType = enabled();
      (wrongType.WebrtcSettings as unknown as Record<string, unknown>).Enable = "yes";
      assert.equal((await put(wrongType)).statusCode, 400);
      assert.equal((await put({ ...enabled(), Extra: {} })).statusCode, 400);
      assert.equal((await put({ WebrtcSettings: enabled().WebrtcSettings })).statusCode, 400);
    });

    it("applies at once and persists across a restart", async () => {
      await put(enabled({ StunURI: "stun:stun.example.com:3478" }));
      const restarted = await ConfigStore.load(await server.reopenDatabase());
      assert.equal(restarted.get().WebrtcSettings.StunURI, "stun:stun.example.com:3478");
      assert.equal(restarted.get().WebrtcSettings.Enable, true);
    });
  });
