// The chat server against the real Callgate gateway (a `callgate gateway` process): WebRTC tokens
// issued, reused and removed (the gateway's list_tokens is the witness), the admin console's
// "Test connection" over pinned and unpinned TLS, a wrong secret, a gateway that is down or restarted.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  enableWebrtc,
  startTestServer,
  type TestServer,
  type TestUser,
  testDatabases,
} from "@callgate/server/testing";
import { freePort } from "./support/ports.js";
import { type RunningTarget, startCallgateAt, startCallgateMedia } from "./support/processes.js";

const SECRET = "server-gateway-admin-secret";
const VIDEOCALL = "janus.plugin.videocall";

async function adminRequest(target: RunningTarget, body: Record<string, unknown>) {
  const res = await fetch(target.admin, {
    method: "POST",
    body: JSON.stringify({ transaction: "t", admin_secret: SECRET, ...body }),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function gatewayTokens(
  target: RunningTarget,
): Promise<Array<{ token: string; allowed_plugins: string[] }>> {
  const reply = await adminRequest(target, { janus: "list_tokens" });
  return (reply.data as { tokens: Array<{ token: string; allowed_plugins: string[] }> }).tokens;
}

/** Polls an async condition every 100 ms. */
async function eventually(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a Janus client holding `token` may open a session on the gateway. */
async function janusSessionWith(target: RunningTarget, token: string): Promise<string> {
  const res = await fetch(target.http, {
    method: "POST",
    body: JSON.stringify({ janus: "create", transaction: "c", token }),
  });
  const reply = (await res.json()) as { janus: string; error?: { code: number } };
  return reply.janus === "success" ? "success" : `error ${reply.error?.code}`;
}

for (const backend of await testDatabases())
  describe(`chat server with the real gateway on ${backend.name}`, { skip: backend.skip }, () => {
    let gateway: RunningTarget;
    let gatewayDir = "";
    let adminSecurePort = 0;
    let fingerprint = "";
    let server: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let admin: TestUser;

    const secureAdminUrl = () => `https://127.0.0.1:${adminSecurePort}/admin`;
    const startGateway = async (fresh: boolean) => {
      const args = ["--admin-secure", "--admin-secure-port", `${adminSecurePort}`];
      gateway = fresh
        ? await startCallgateMedia(SECRET, args)
        : await startCallgateAt(gatewayDir, gateway.ports, SECRET, args);
      gatewayDir = gateway.configsFolder;
    };
    const testConnection = async (over: Record<string, unknown>, insecure = false) => {
      const config = server.config.get();
      const body = {
        ...config,
        ServiceSettings: { EnableInsecureOutgoingConnections: insecure },
        WebrtcSettings: { ...config.WebrtcSettings, ...over },
      };
      const res = await server.call(admin, "POST", "/api/v4/webrtc/test", body);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { ok: boolean; result: string; message: string; fingerprint?: string };
    };
    const token = (user: TestUser | string, method: "GET" | "POST" = "GET") =>
      server.call(user, method, "/api/v4/webrtc/token");

    before(async () => {
      adminSecurePort = await freePort();
      await startGateway(true);
      const cert = readFileSync(join(gatewayDir, "callgate-gateway.crt"), "utf8");
      fingerprint = new X509Certificate(cert).fingerprint256;
      server = await startTestServer(backend, { maintenanceIntervalMs: 300 });
      admin = await server.signUp("admin");
      alice = await server.signUp("alice");
      bob = await server.signUp("bob");
    });
    after(async () => {
      await server?.close();
      await gateway?.stop();
    });

    it("Test connection: says what is wrong with TLS, the secret, or the address, and when all is right", async () => {
      const base = {
        GatewayAdminUrl: secureAdminUrl(),
        GatewayAdminSecret: SECRET,
        GatewayWebsocketUrl: gateway.ws,
      };
      const untrusted = await testConnection({ ...base, GatewayCertificateFingerprint: "" });
      assert.equal(untrusted.result, "certificate_untrusted", untrusted.message);
      assert.equal(untrusted.fingerprint, fingerprint, "the gateway's fingerprint, ready to pin");
      assert.match(untrusted.message, new RegExp(fingerprint));

      const pinned = await testConnection({ ...base, GatewayCertificateFingerprint: fingerprint });
      assert.equal(pinned.result, "ok", pinned.message);
      assert.match(pinned.message, /Connected to/);

      const otherPin = fingerprint.replace(/^../, fingerprint.startsWith("00") ? "11" : "00");
      const mismatch = await testConnection({ ...base, GatewayCertificateFingerprint: otherPin });
      assert.equal(mismatch.result, "fingerprint_mismatch", mismatch.message);

      const insecure = await testConnection({ ...base, GatewayCertificateFingerprint: "" }, true);
      assert.equal(insecure.result, "ok", "the insecure switch still works, for compatibility");

      const wrongSecret = await testConnection({
        ...base,
        GatewayCertificateFingerprint: fingerprint,
        GatewayAdminSecret: "not-it",
      });
      assert.equal(wrongSecret.result, "wrong_secret", wrongSecret.message);

      const plain = await testConnection({ ...base, GatewayAdminUrl: gateway.admin });
      assert.equal(plain.result, "ok", plain.message);

      const down = await testConnection({
        ...base,
        GatewayAdminUrl: `http://127.0.0.1:${await freePort()}/admin`,
      });
      assert.equal(down.result, "unreachable", down.message);
      assert.match(down.message, /connection refused/);

      const notAdmin = await testConnection({
        ...base,
        GatewayAdminUrl: `${gateway.http.replace("/janus", "")}/elsewhere`,
      });
      assert.equal(notAdmin.result, "not_a_gateway", notAdmin.message);

      const invalid = await server.call(admin, "POST", "/api/v4/webrtc/test", {
        ...server.config.get(),
        WebrtcSettings: { ...server.config.get().WebrtcSettings, ...base, GatewayAdminUrl: "ftp://x" },
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.json().message, /GatewayAdminUrl/);
      assert.equal((await server.call(alice, "POST", "/api/v4/webrtc/test")).statusCode, 403);
    });

    it("Test connection: token auth off, and the VideoCall plugin missing", async () => {
      const noTokens = await startCallgateMedia(SECRET, ["--no-token-auth"]);
      try {
        const report = await testConnection({
          GatewayAdminUrl: noTokens.admin,
          GatewayAdminSecret: SECRET,
          GatewayWebsocketUrl: noTokens.ws,
        });
        assert.equal(report.result, "token_auth_off", report.message);
      } finally {
        await noTokens.stop();
      }
      const dir = mkdtempSync(join(tmpdir(), "cg-novideocall-"));
      writeFileSync(
        join(dir, "janus.jcfg"),
        'general: {\n}\nplugins: {\n\tdisable = "libjanus_videocall.so"\n}\n',
      );
      const echoOnly = await startCallgateAt(dir, await startCallgateMediaPorts(), SECRET, ["--admin"]);
      try {
        const report = await testConnection({
          GatewayAdminUrl: echoOnly.admin,
          GatewayAdminSecret: SECRET,
          GatewayWebsocketUrl: echoOnly.ws,
        });
        assert.equal(report.result, "videocall_missing", report.message);
        assert.match(report.message, /janus\.plugin\.echotest/);
      } finally {
        await echoOnly.stop();
      }
    });

    it("issues a random token per session, registered for VideoCall only, and reuses it", async () => {
      assert.equal((await token(alice)).statusCode, 501, "WebRTC is off until the admin enables it");
      assert.equal((await token(alice)).json().id, "api.webrtc.disabled.app_error");
      await enableWebrtc(server, {
        GatewayAdminUrl: secureAdminUrl(),
        GatewayAdminSecret: SECRET,
        GatewayCertificateFingerprint: fingerprint,
        GatewayWebsocketUrl: gateway.ws,
      });
      assert.equal((await token(undefined as unknown as string)).statusCode, 401);
      const first = await token(alice);
      assert.equal(first.statusCode, 200, first.body);
      const reply = first.json();
      assert.deepEqual(Object.keys(reply).sort(), ["gateway_url", "token"], "no STUN/TURN fields when unset");
      assert.equal(reply.gateway_url, gateway.ws);
      assert.ok(reply.token.length >= 40);
      assert.notEqual(reply.token, Buffer.from(alice.token).toString("base64"));
      const listed = (await gatewayTokens(gateway)).find((t) => t.token === reply.token);
      assert.deepEqual(listed?.allowed_plugins, [VIDEOCALL], "limited to the VideoCall plugin");
      assert.equal((await token(alice)).json().token, reply.token, "reused while the session lives");
      assert.equal((await token(alice, "POST")).json().token, reply.token, "POST, as v3-era clients sent it");
      assert.equal(await janusSessionWith(gateway, reply.token), "success");
      const other = await server.login(alice);
      assert.notEqual((await token(other)).json().token, reply.token, "each session has its own");
      assert.notEqual((await token(bob)).json().token, reply.token);
    });

    it("adds STUN and TURN (with TURN REST credentials) when set", async () => {
      await enableWebrtc(server, {
        StunURI: "stun:127.0.0.1:3478",
        TurnURI: "turn:127.0.0.1:3478",
        TurnUsername: "callgate",
        TurnSharedKey: "turn-shared-key",
      });
      const res = await token(bob);
      assert.equal(res.statusCode, 200, res.body);
      const reply = res.json();
      assert.equal(reply.stun_uri, "stun:127.0.0.1:3478");
      assert.equal(reply.turn_uri, "turn:127.0.0.1:3478");
      const [expiry, name] = reply.turn_username.split(":");
      assert.equal(name, "callgate");
      assert.ok(Number(expiry) > Date.now() / 1000 + 3600, "valid for a while");
      assert.match(reply.turn_password, /^[A-Za-z0-9+/]{27}=$/, "base64 of a SHA-1 HMAC");
      await enableWebrtc(server, { StunURI: "", TurnURI: "", TurnUsername: "", TurnSharedKey: "" });
    });

    it("removes the token from the gateway on logout, revoke, deactivation and expiry", async () => {
      const tokenOf = async (session: string) => (await token(session)).json().token as string;
      const gone = (t: string) =>
        eventually(
          async () => !(await gatewayTokens(gateway)).some((x) => x.token === t),
          5000,
          "token removed",
        );

      const loggedOut = await server.login(bob);
      const t1 = await tokenOf(loggedOut);
      await server.call(loggedOut, "POST", "/api/v4/users/logout");
      await gone(t1);
      assert.equal(await janusSessionWith(gateway, t1), "error 403", "the gateway refuses it");

      const revoked = await server.login(bob);
      const t2 = await tokenOf(revoked);
      const sessions = (await server.call(revoked, "GET", "/api/v4/users/me/sessions")).json();
      for (const s of sessions)
        await server.call(admin, "POST", `/api/v4/users/${bob.id}/sessions/revoke`, { session_id: s.id });
      await gone(t2);

      const t3 = await tokenOf(await server.login(bob));
      await server.call(admin, "PUT", `/api/v4/users/${bob.id}/active`, { active: false });
      await gone(t3);
      await server.call(admin, "PUT", `/api/v4/users/${bob.id}/active`, { active: true });

      // Expiry: the session is aged in the database, as time would; the sweep ends it.
      const aging = await server.login(bob);
      const t4 = await tokenOf(aging);
      await server.db
        .updateTable("sessions")
        .set({ expires_at: Date.now() - 1 })
        .where("user_id", "=", bob.id)
        .execute();
      await gone(t4);
      assert.equal((await token(aging)).statusCode, 401);
    });

    it("answers 503 with the reason while the gateway is down, and registers again after its restart", async () => {
      const session = await server.login(alice);
      const before = (await token(session)).json().token;
      await gateway.stop();
      const down = await token(session);
      assert.equal(down.statusCode, 503);
      assert.equal(down.json().id, "api.webrtc.register_token.app_error");
      assert.match(down.json().message, /not available: cannot reach 127\.0\.0\.1:\d+: connection refused/);
      await startGateway(false);
      assert.deepEqual(await gatewayTokens(gateway), [], "a restarted gateway has forgotten every token");
      const again = await token(session);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().token, before, "the same token, registered again");
      assert.ok((await gatewayTokens(gateway)).some((t) => t.token === before));
      assert.equal(await janusSessionWith(gateway, before), "success");
      assert.equal(
        readFileSync(join(gatewayDir, "callgate-gateway.crt"), "utf8").length > 0 &&
          new X509Certificate(readFileSync(join(gatewayDir, "callgate-gateway.crt"))).fingerprint256,
        fingerprint,
        "the restarted gateway kept its certificate, so the pin still holds",
      );
    });
  });

/** Four free ports for a gateway started with startCallgateAt. */
async function startCallgateMediaPorts() {
  return { http: await freePort(), admin: await freePort(), ws: await freePort(), adminWs: await freePort() };
}
