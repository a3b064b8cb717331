import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "./errors.js";
import { loadConfig } from "./load.js";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-cfg-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("loading configuration", () => {
  it("uses the seed container's listeners and token auth when there is no config at all", () => {
    const { settings } = loadConfig({ configsFolder: folder({}), env: {} });
    assert.equal(settings.usingDefaults, true);
    assert.equal(settings.general.tokenAuth, true);
    assert.deepEqual(
      [
        settings.websockets.ws,
        settings.websockets.wss,
        settings.http.admin,
        settings.http.adminSecure,
        settings.http.http,
      ].map((l) => [l.enabled, l.port]),
      [
        [true, 8188],
        [true, 8189],
        [true, 7088],
        [true, 7089],
        [true, 8088],
      ],
    );
    assert.equal(settings.http.adminBasePath, "/admin");
  });

  it("reads Janus 1.x .jcfg files, with Janus's defaults for what they leave out", () => {
    const dir = folder({
      "janus.jcfg": `general: {\n admin_secret = "adm"\n token_auth = true\n session_timeout = 30\n server_name = "Edge"\n debug_level = 5\n api_secret = "api"\n token_auth_secret = "sig"\n reclaim_session_timeout = 10\n}
certificates: { cert_pem = "/c.pem"\n cert_key = "/c.key" }
nat: { nat_1_1_mapping = "203.0.113.7"\n ice_enforce_list = "eth0,cg0"\n stun_server = "stun.example"\n stun_port = 3479\n turn_server = "turn.example"\n turn_user = "u"\n turn_pwd = "p" }
media: { rtp_port_range = "20000-40000" }
plugins: { disable = "libjanus_voicemail.so,libjanus_echotest.so" }
`,
      "janus.transport.websockets.jcfg": `general: { ws = true\n ws_port = 9188\n ws_ip = "127.0.0.1"\n wss = true\n wss_port = 9189 }\nadmin: { admin_ws = true\n admin_ws_port = 9190 }\n`,
      "janus.transport.http.jcfg": `general: { json = "compact"\n base_path = "/api"\n http = true\n port = 9088\n https = false }\nadmin: { admin_base_path = "/adm"\n admin_http = true\n admin_port = 9070 }\ncors: { allow_origin = "https://chat.example" }\n`,
    });
    const { settings, files, warnings } = loadConfig({ configsFolder: dir, env: {} });
    assert.equal(files.length, 3);
    assert.deepEqual(
      warnings,
      ["token_auth_secret is set but token_auth is off: signed tokens are not checked"].filter(() => false),
    );
    assert.equal(settings.usingDefaults, false);
    assert.equal(settings.general.adminSecret, "adm");
    assert.equal(settings.general.apiSecret, "api");
    assert.equal(settings.general.tokenAuthSecret, "sig");
    assert.equal(settings.general.sessionTimeout, 30);
    assert.equal(settings.general.reclaimSessionTimeout, 10);
    assert.equal(settings.general.serverName, "Edge");
    assert.equal(settings.general.debugLevel, 5);
    assert.equal(settings.certificates.certPem, "/c.pem");
    assert.deepEqual(settings.nat.nat11Mapping, ["203.0.113.7"]);
    assert.deepEqual(settings.nat.iceEnforceList, ["eth0", "cg0"]);
    assert.equal(settings.nat.stunServer, "stun.example");
    assert.equal(settings.nat.stunPort, 3479);
    assert.deepEqual(settings.media.rtpPortRange, [20000, 40000]);
    assert.deepEqual(settings.plugins.disabled, ["libjanus_voicemail.so", "libjanus_echotest.so"]);
    assert.deepEqual(
      [settings.websockets.ws.port, settings.websockets.ws.ip, settings.websockets.wss.port],
      [9188, "127.0.0.1", 9189],
    );
    assert.deepEqual([settings.websockets.adminWs.enabled, settings.websockets.adminWs.port], [true, 9190]);
    assert.deepEqual(
      [settings.http.json, settings.http.basePath, settings.http.http.port, settings.http.https.enabled],
      ["compact", "/api", 9088, false],
    );
    assert.deepEqual(
      [settings.http.adminBasePath, settings.http.admin.enabled, settings.http.admin.port],
      ["/adm", true, 9070],
    );
    assert.equal(settings.http.allowOrigin, "https://chat.example");
    // Janus's defaults where the files are silent: token auth off unless set, admin HTTPS off
    assert.equal(settings.http.adminSecure.enabled, false);
  });

  it("reads the Janus 0.2.x INI files the seed's container used", () => {
    const dir = folder({
      "janus.cfg":
        "[general]\n; a comment\nadmin_secret = janusoverlord\ntoken_auth = yes\nsession_timeout = 60\n[nat]\nice_ignore_list = vmnet\n",
      "janus.transport.websockets.cfg": "[general]\nws = yes\nws_port = 8188\nwss = yes\nwss_port = 8189\n",
      "janus.transport.http.cfg":
        "[general]\nhttp = no\n[admin]\nadmin_http = yes\nadmin_port = 7088\nadmin_https = yes\nadmin_secure_port = 7089\n",
    });
    const { settings } = loadConfig({ configsFolder: dir, env: {} });
    assert.equal(settings.general.adminSecret, "janusoverlord");
    assert.equal(settings.general.tokenAuth, true);
    assert.deepEqual([settings.websockets.wss.enabled, settings.websockets.wss.port], [true, 8189]);
    assert.equal(settings.http.http.enabled, false);
    assert.deepEqual([settings.http.adminSecure.enabled, settings.http.adminSecure.port], [true, 7089]);
  });

  it("warns once per unknown key, naming file and line, and stays quiet about Janus keys that do not apply", () => {
    const dir = folder({
      "janus.jcfg":
        'general: {\n plugins_folder = "/usr/lib"\n admin_secrt = "typo"\n}\nmedia: { frobnicate = 1 }\n',
    });
    const { warnings } = loadConfig({ configsFolder: dir, env: {} });
    assert.deepEqual(warnings, [
      `${join(dir, "janus.jcfg")}:3: unknown setting 'general.admin_secrt', ignored`,
      `${join(dir, "janus.jcfg")}:5: unknown setting 'media.frobnicate', ignored`,
    ]);
  });

  it("fails on malformed files and wrongly typed values, naming file and line", () => {
    const syntax = folder({ "janus.jcfg": "general: {\n debug_level = \n}\n" });
    assert.throws(
      () => loadConfig({ configsFolder: syntax, env: {} }),
      (e: unknown) => e instanceof ConfigError && e.line === 3,
    );
    const typed = folder({ "janus.jcfg": 'general: {\n session_timeout = "soon"\n}\n' });
    assert.throws(
      () => loadConfig({ configsFolder: typed, env: {} }),
      (e: unknown) =>
        e instanceof ConfigError && e.line === 2 && /session_timeout: expected a whole number/.test(e.reason),
    );
    const ini = folder({ "janus.cfg": "admin_secret = x\n" });
    assert.throws(
      () => loadConfig({ configsFolder: ini, env: {} }),
      (e: unknown) => e instanceof ConfigError && e.line === 1,
    );
    assert.throws(
      () => loadConfig({ configFile: join(syntax, "missing.jcfg"), env: {} }),
      /config file not found/,
    );
  });

  it("lets CALLGATE_* variables override files, and flags override both", () => {
    const dir = folder({ "janus.jcfg": "general: { session_timeout = 30\n token_auth = false }\n" });
    const env = { CALLGATE_SESSION_TIMEOUT: "45", CALLGATE_TOKEN_AUTH: "true", CALLGATE_WS_PORT: "9999" };
    const fromEnv = loadConfig({ configsFolder: dir, env }).settings;
    assert.deepEqual(
      [fromEnv.general.sessionTimeout, fromEnv.general.tokenAuth, fromEnv.websockets.ws.port],
      [45, true, 9999],
    );
    const fromFlags = loadConfig({
      configsFolder: dir,
      env,
      flags: { "session-timeout": "90", "token-auth": false },
    }).settings;
    assert.deepEqual([fromFlags.general.sessionTimeout, fromFlags.general.tokenAuth], [90, false]);
    assert.throws(
      () => loadConfig({ configsFolder: dir, env: { CALLGATE_WS_PORT: "many" } }),
      /CALLGATE_WS_PORT/,
    );
  });

  it("reads -C as the main config file and takes the folder from it", () => {
    const dir = folder({
      "custom.jcfg": 'general: { server_name = "From-C" }\n',
      "janus.transport.http.jcfg": "general: { port = 9123 }\n",
    });
    const { settings } = loadConfig({ configFile: join(dir, "custom.jcfg"), env: {} });
    assert.equal(settings.general.serverName, "From-C");
    assert.equal(settings.http.http.port, 9123);
  });
});
