import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { expectSuccess, JanusSession } from "@callgate/client";
import type { JsonObject } from "@callgate/protocol";
import { WebSocket } from "ws";
import { nextEvent, startTestGateway, TEST_ADMIN_SECRET, type TestGateway } from "./testing/test-gateway.js";

const TOKEN = "test-token";

describe("gateway over HTTP and WebSocket", () => {
  let gw: TestGateway;

  before(async () => {
    gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-gw-")));
    expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
  });
  after(() => gw.close());

  it("answers info and ping without a token", async () => {
    const info = await gw.post(gw.http, { janus: "info", transaction: "i" });
    assert.equal(info.janus, "server_info");
    assert.equal(info.transaction, "i");
    assert.equal(info.auth_token, true);
    assert.deepEqual(Object.keys(info.plugins as object).sort(), [
      "janus.plugin.echotest",
      "janus.plugin.videocall",
    ]);
    const get = (await (await fetch(`${gw.http}/info`)).json()) as JsonObject;
    assert.equal(get.janus, "server_info");
    assert.equal(typeof get.transaction, "string");
    assert.deepEqual(await gw.post(gw.http, { janus: "ping", transaction: "p" }), {
      janus: "pong",
      transaction: "p",
    });
  });

  it("refuses create without a valid token, with Janus's 403", async () => {
    for (const body of [
      { janus: "create", transaction: "c" },
      { janus: "create", transaction: "c", token: "nope" },
    ]) {
      assert.deepEqual(await gw.post(gw.http, body), {
        janus: "error",
        transaction: "c",
        error: { code: 403, reason: "Unauthorized request (wrong or missing secret/token)" },
      });
    }
  });

  it("runs a whole session over HTTP with long-poll events", async () => {
    const created = await gw.post(gw.http, { janus: "create", transaction: "c1", token: TOKEN });
    assert.equal(created.janus, "success");
    assert.equal(created.session_id, undefined, "create's success carries no session_id");
    const sid = (created.data as { id: number }).id;
    const attached = await gw.post(`${gw.http}/${sid}`, {
      janus: "attach",
      plugin: "janus.plugin.videocall",
      transaction: "a",
      token: TOKEN,
    });
    assert.equal(attached.session_id, sid);
    const hid = (attached.data as { id: number }).id;
    const ack = await gw.post(`${gw.http}/${sid}/${hid}`, {
      janus: "message",
      body: { request: "register", username: "alice-http" },
      transaction: "m",
      token: TOKEN,
    });
    assert.deepEqual(ack, { janus: "ack", session_id: sid, transaction: "m" });
    const events = (await (await fetch(`${gw.http}/${sid}?maxev=5&token=${TOKEN}`)).json()) as JsonObject[];
    assert.ok(Array.isArray(events));
    assert.deepEqual(events[0], {
      janus: "event",
      session_id: sid,
      transaction: "m",
      sender: hid,
      plugindata: {
        plugin: "janus.plugin.videocall",
        data: { videocall: "event", result: { event: "registered", username: "alice-http" } },
      },
    });
    // maxev=1 (the default) answers a single object
    await gw.post(`${gw.http}/${sid}/${hid}`, {
      janus: "message",
      body: { request: "list" },
      transaction: "l",
      token: TOKEN,
    });
    const single = (await (await fetch(`${gw.http}/${sid}?token=${TOKEN}`)).json()) as JsonObject;
    assert.equal(single.janus, "event");
    assert.deepEqual((single.plugindata as JsonObject).data, {
      videocall: "event",
      result: { list: ["alice-http"] },
    });
    // a poll without the token is a bare 403
    const denied = await fetch(`${gw.http}/${sid}?maxev=1`);
    assert.equal(denied.status, 403);
    assert.equal(await denied.text(), "");
    const detached = await gw.post(`${gw.http}/${sid}/${hid}`, {
      janus: "detach",
      transaction: "d",
      token: TOKEN,
    });
    assert.deepEqual(detached, { janus: "success", session_id: sid, transaction: "d" });
    const detachedEvent = (await (await fetch(`${gw.http}/${sid}?token=${TOKEN}`)).json()) as JsonObject;
    assert.deepEqual(detachedEvent, { janus: "detached", session_id: sid, sender: hid });
    assert.deepEqual(
      await gw.post(`${gw.http}/${sid}`, { janus: "destroy", transaction: "x", token: TOKEN }),
      { janus: "success", session_id: sid, transaction: "x" },
    );
    assert.deepEqual(
      await gw.post(`${gw.http}/${sid}`, { janus: "destroy", transaction: "y", token: TOKEN }),
      {
        janus: "error",
        session_id: sid,
        transaction: "y",
        error: { code: 458, reason: `No such session ${sid}` },
      },
    );
  });

  it("gives Janus's errors for bad requests over HTTP", async () => {
    const cases: Array<[string, string | JsonObject, JsonObject]> = [
      [
        gw.http,
        { transaction: "t", token: TOKEN },
        { janus: "error", error: { code: 456, reason: "Missing mandatory element (janus)" } },
      ],
      [
        gw.http,
        { janus: "create", token: TOKEN },
        { janus: "error", error: { code: 456, reason: "Missing mandatory element (transaction)" } },
      ],
      [
        gw.http,
        { janus: "create", transaction: 5 },
        {
          janus: "error",
          error: { code: 467, reason: "Invalid element type (transaction should be a string)" },
        },
      ],
      [gw.http, "[1,2,3]", { janus: "error", error: { code: 455, reason: "JSON error: not an object" } }],
      [
        gw.http,
        { janus: "frobnicate", transaction: "t" },
        {
          janus: "error",
          transaction: "t",
          error: { code: 457, reason: "Unhandled request 'frobnicate' at this path" },
        },
      ],
      [
        `${gw.http}/1234`,
        { janus: "keepalive", transaction: "t", token: TOKEN },
        {
          janus: "error",
          session_id: 1234,
          transaction: "t",
          error: { code: 458, reason: "No such session 1234" },
        },
      ],
    ];
    for (const [url, body, expected] of cases)
      assert.deepEqual(await gw.post(url, body), expected, JSON.stringify(body));
    const malformed = await gw.post(gw.http, '{"janus":"create","transaction":"oops"');
    assert.equal((malformed.error as JsonObject).code, 454);
    assert.match((malformed.error as JsonObject).reason as string, /^JSON error: on line 1: /);
    const conflict = await gw.post(`${gw.http}/5`, { janus: "keepalive", session_id: 6, transaction: "t" });
    assert.deepEqual(conflict.error, { code: 457, reason: "Conflicting session ID (payload and path)" });
    const deep = await fetch(`${gw.http}/1/2/3`, { method: "POST", body: "{}" });
    assert.equal(deep.status, 404);
    const elsewhere = await fetch(gw.http.replace("/janus", "/other"), { method: "POST", body: "{}" });
    assert.equal(elsewhere.status, 404);
  });

  it("answers CORS preflights by echoing what was asked", async () => {
    const res = await fetch(gw.http, {
      method: "OPTIONS",
      headers: {
        Origin: "http://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.equal(res.headers.get("access-control-allow-methods"), "POST");
    assert.equal(res.headers.get("access-control-allow-headers"), "content-type");
    assert.equal(res.headers.get("access-control-max-age"), "86400");
  });

  it("refuses oversized HTTP bodies without buffering them", async () => {
    const res = await fetch(gw.http, {
      method: "POST",
      body: "x".repeat(gw.settings.limits.maxMessageBytes + 1),
    });
    assert.equal(res.status, 413);
  });

  it("runs a session over WebSocket: attach, plugin events, detached, destroy", async () => {
    const conn = await gw.connect({ token: TOKEN });
    const session = await JanusSession.create(conn, 0);
    const handle = await session.attach("janus.plugin.videocall", "opaque-1");
    const registered = await handle.message({ request: "register", username: "bob-ws" });
    assert.deepEqual(registered.data, {
      videocall: "event",
      result: { event: "registered", username: "bob-ws" },
    });
    const taken = await (await session.attach("janus.plugin.videocall")).message({
      request: "register",
      username: "bob-ws",
    });
    assert.deepEqual(taken.data, {
      videocall: "event",
      error_code: 476,
      error: "Username 'bob-ws' already taken",
    });
    const detached = nextEvent(conn, (m) => m.janus === "detached");
    await handle.detach();
    assert.deepEqual(await detached, { janus: "detached", session_id: session.id, sender: handle.id });
    await session.destroy();
    conn.close();
  });

  it("writes a reply while handling its request, not a tick later, and detach's 'detached' after it", async () => {
    const client = new WebSocket(gw.ws, "janus-protocol");
    await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
    const frames: JsonObject[] = [];
    let arrived: () => void = () => {};
    client.on("message", (data) => {
      frames.push(JSON.parse(data.toString()) as JsonObject);
      arrived();
    });
    const request = async (body: JsonObject, count = 1) => {
      const until = frames.length + count;
      const done = new Promise<void>((resolve) => {
        arrived = () => frames.length >= until && resolve();
      });
      client.send(JSON.stringify({ ...body, token: TOKEN, transaction: `t${frames.length}` }));
      await done;
      return frames.slice(until - count, until);
    };
    const [created] = await request({ janus: "create" });
    const sessionId = (created!.data as JsonObject).id as number;
    const [attached] = await request({
      janus: "attach",
      session_id: sessionId,
      plugin: "janus.plugin.videocall",
    });
    const handleId = (attached!.data as JsonObject).id as number;
    // The gateway's end of this connection is the socket whose peer is the client's port.
    const clientPort = (client as unknown as { _socket: Socket })._socket.localPort;
    const proto = Socket.prototype as unknown as Record<
      "_write" | "_writev",
      (...args: unknown[]) => unknown
    >;
    const [write, writev] = [proto._write, proto._writev];
    const emit = Socket.prototype.emit as (
      this: Socket,
      event: string | symbol,
      ...args: unknown[]
    ) => boolean;
    // Whether the gateway's socket is inside its 'data' event, the request's bytes being handled.
    let handling = false;
    let writes = 0;
    let writesWhileHandling = 0;
    const counted = (original: (...args: unknown[]) => unknown) =>
      function (this: Socket, ...args: unknown[]) {
        if (this.remotePort === clientPort) {
          writes++;
          if (handling) writesWhileHandling++;
        }
        return original.apply(this, args);
      };
    proto._write = counted(write);
    proto._writev = counted(writev);
    Socket.prototype.emit = function (this: Socket, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== "data" || this.remotePort !== clientPort) return emit.call(this, event, ...args);
      handling = true;
      try {
        return emit.call(this, event, ...args);
      } finally {
        handling = false;
      }
    };
    try {
      const replies = await request({ janus: "detach", session_id: sessionId, handle_id: handleId }, 2);
      assert.deepEqual(
        replies.map((m) => m.janus),
        ["success", "detached"],
      );
    } finally {
      proto._write = write;
      proto._writev = writev;
      Socket.prototype.emit = emit;
    }
    assert.equal(writesWhileHandling, 1, "the reply written before the request's handling returned");
    assert.equal(writes, 2, "the event a write of its own, after the reply");
    client.close();
  });

  it("checks each request's token afresh on a connection that sent it before", async () => {
    expectSuccess(
      await gw.adminRequest({ janus: "add_token", token: "kept", plugins: ["janus.plugin.videocall"] }),
    );
    const conn = await gw.connect({ token: "kept" });
    const refused = async (body: JsonObject) =>
      assert.equal(((await conn.request(body)).error as JsonObject | undefined)?.code, 403);
    expectSuccess(await conn.request({ janus: "create" }));
    await refused({ janus: "create", token: "kept-not" });
    expectSuccess(await conn.request({ janus: "create" }));
    expectSuccess(await gw.adminRequest({ janus: "remove_token", token: "kept" }));
    await refused({ janus: "create" });
    expectSuccess(await conn.request({ janus: "create", token: TOKEN }));
    conn.close();
  });

  it("checks each admin request's secret afresh on a kept-alive connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (secret: string) =>
      new Promise<{ reply: JsonObject; reused: boolean }>((resolve, reject) => {
        const req = httpRequest(gw.admin, { method: "POST", agent }, (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve({ reply: JSON.parse(body) as JsonObject, reused: req.reusedSocket }));
        });
        req.on("error", reject);
        req.end(JSON.stringify({ janus: "list_tokens", transaction: "k", admin_secret: secret }));
      });
    try {
      expectSuccess((await post(TEST_ADMIN_SECRET)).reply);
      const wrong = await post(`${TEST_ADMIN_SECRET}x`);
      assert.equal(wrong.reused, true, "the same TCP connection");
      assert.equal((wrong.reply.error as JsonObject | undefined)?.code, 403);
      expectSuccess((await post(TEST_ADMIN_SECRET)).reply);
    } finally {
      agent.destroy();
    }
  });

  it("refuses attach to a plugin the token may not use (405)", async () => {
    expectSuccess(
      await gw.adminRequest({ janus: "add_token", token: "echo-only", plugins: ["janus.plugin.echotest"] }),
    );
    const conn = await gw.connect({ token: "echo-only" });
    const session = await JanusSession.create(conn, 0);
    const reply = await conn.request({
      janus: "attach",
      session_id: session.id,
      plugin: "janus.plugin.videocall",
    });
    assert.deepEqual(reply.error, {
      code: 405,
      reason: "Provided token can't access plugin 'janus.plugin.videocall'",
    });
    await session.attach("janus.plugin.echotest");
    conn.close();
  });

  it("answers each of several JSON objects in one WebSocket message, and malformed JSON with 454", async () => {
    const conn = await gw.connect();
    const replies: JsonObject[] = [];
    conn.onEvent = (m) => replies.push(m);
    conn.sendRaw('{"janus":"ping","transaction":"a"}{"janus":"ping","transaction":"b"}');
    conn.sendRaw('{"janus":"keepalive","transaction":');
    await waitFor(() => replies.length >= 3);
    assert.deepEqual(replies.slice(0, 2), [
      { janus: "pong", transaction: "a" },
      { janus: "pong", transaction: "b" },
    ]);
    assert.equal((replies[2]!.error as JsonObject).code, 454);
    assert.match(
      (replies[2]!.error as JsonObject).reason as string,
      /^Invalid Janus API request - <string>\(1,\d+\): /,
    );
    conn.close();
  });

  it("refuses a WebSocket without the janus-protocol subprotocol", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(gw.ws);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => resolve(-1));
    });
    assert.equal(status, 400);
  });

  it("closes a WebSocket that sends an oversized frame, and keeps serving others", async () => {
    const conn = await gw.connect();
    const closed = new Promise<void>((resolve) => {
      conn.onClose = resolve;
    });
    conn.sendRaw(
      JSON.stringify({
        janus: "ping",
        transaction: "big",
        pad: "x".repeat(gw.settings.limits.maxMessageBytes),
      }),
    );
    await closed;
    const other = await gw.connect();
    assert.deepEqual(await other.request({ janus: "ping", transaction: "ok" }), {
      janus: "pong",
      transaction: "ok",
    });
    other.close();
  });

  it("destroys a WebSocket's sessions when it closes (no reclaim timeout)", async () => {
    const conn = await gw.connect({ token: TOKEN });
    const session = await JanusSession.create(conn, 0);
    conn.close();
    await waitFor(() => !gw.gateway.core.sessions.has(session.id));
  });

  it("lets another connection claim a session", async () => {
    const created = await gw.post(gw.http, { janus: "create", transaction: "c", token: TOKEN });
    const sid = (created.data as { id: number }).id;
    const conn = await gw.connect({ token: TOKEN });
    assert.deepEqual(await conn.request({ janus: "claim", session_id: sid, transaction: "cl" }), {
      janus: "success",
      session_id: sid,
      transaction: "cl",
    });
    const handle = await conn.request({ janus: "attach", session_id: sid, plugin: "janus.plugin.echotest" });
    const hid = (handle.data as { id: number }).id;
    const detached = nextEvent(conn, (m) => m.janus === "detached");
    await conn.request({ janus: "detach", session_id: sid, handle_id: hid });
    assert.equal((await detached).sender, hid, "events now reach the claiming WebSocket");
    // the HTTP queue is gone: long polls for it are 404
    assert.equal((await fetch(`${gw.http}/${sid}?token=${TOKEN}`)).status, 404);
    conn.close();
  });

  it("serves the admin API: status, sessions, handles, tokens", async () => {
    assert.deepEqual(await gw.adminRequest({ janus: "get_status", admin_secret: "wrong" }), {
      janus: "error",
      transaction: "adm",
      error: { code: 403, reason: "Unauthorized request (wrong or missing secret/token)" },
    });
    const status = await gw.adminRequest({ janus: "get_status" });
    assert.equal((status.status as JsonObject).token_auth, true);
    const conn = await gw.connect({ token: TOKEN });
    const session = await JanusSession.create(conn, 0);
    const handle = await session.attach("janus.plugin.videocall", "opaque-x");
    const sessions = await gw.adminRequest({ janus: "list_sessions" });
    assert.ok((sessions.sessions as number[]).includes(session.id));
    const handles = await gw.adminRequest({ janus: "list_handles", session_id: session.id });
    assert.deepEqual(handles.handles, [handle.id]);
    const info = await gw.adminRequest({
      janus: "handle_info",
      session_id: session.id,
      handle_id: handle.id,
    });
    const details = info.info as JsonObject;
    assert.equal(details.plugin, "janus.plugin.videocall");
    assert.equal(details.opaque_id, "opaque-x");
    assert.equal(details.token, TOKEN);
    assert.equal((details.plugin_specific as JsonObject).state, "idle");
    assert.deepEqual(await gw.adminRequest({ janus: "frobnicate" }), {
      janus: "error",
      transaction: "adm",
      error: { code: 457, reason: "Unhandled request 'frobnicate' at this path" },
    });
    assert.deepEqual(await gw.adminRequest({ janus: "remove_token", token: "no-such" }), {
      janus: "error",
      transaction: "adm",
      error: { code: 490, reason: "Error removing token" },
    });
    assert.deepEqual(
      await gw.adminRequest({ janus: "allow_token", token: "no-such", plugins: ["janus.plugin.echotest"] }),
      {
        janus: "error",
        transaction: "adm",
        error: { code: 470, reason: "Token no-such not found" },
      },
    );
    const get = (await (await fetch(gw.admin)).json()) as JsonObject;
    assert.deepEqual(get, { janus: "error", error: { code: 454, reason: "Request payload missing" } });
    await session.destroy();
    conn.close();
  });

  it("stops accepting sessions when told to, and says so on /health", async () => {
    expectSuccess(await gw.adminRequest({ janus: "accept_new_sessions", accept: false }));
    assert.deepEqual((await gw.post(gw.http, { janus: "create", transaction: "c", token: TOKEN })).error, {
      code: 472,
      reason: "Currently not accepting new sessions",
    });
    assert.equal((await fetch(gw.admin.replace("/admin", "/health"))).status, 503);
    expectSuccess(await gw.adminRequest({ janus: "accept_new_sessions", accept: true }));
    assert.equal((await fetch(gw.admin.replace("/admin", "/health"))).status, 200);
  });

  it("serves the admin API over WebSocket (janus-admin-protocol)", async () => {
    const { JanusWebSocketConnection } = await import("@callgate/client");
    const { nodeWebSocket, TEST_ADMIN_SECRET } = await import("./testing/test-gateway.js");
    const admin = await JanusWebSocketConnection.open(gw.adminWs, nodeWebSocket, {}, "janus-admin-protocol");
    const reply = await admin.request({ janus: "list_tokens", admin_secret: TEST_ADMIN_SECRET });
    assert.equal(reply.janus, "success");
    assert.ok(((reply.data as JsonObject).tokens as JsonObject[]).some((t) => t.token === TOKEN));
    admin.close();
  });

  it("exports Prometheus metrics on the admin port", async () => {
    const text = await (await fetch(gw.admin.replace("/admin", "/metrics"))).text();
    assert.match(text, /^callgate_gateway_sessions \d+$/m);
    assert.match(text, /^callgate_gateway_handles \d+$/m);
    assert.match(
      text,
      /^callgate_gateway_requests_total\{api="janus",transport="janus.transport.http",request="create"\} \d+$/m,
    );
    assert.match(text, /^callgate_gateway_errors_total\{api="janus",code="403"\} \d+$/m);
    assert.doesNotMatch(text, new RegExp(TOKEN));
    // Each request counts once, under its own labels.
    const pings = async () => {
      const metrics = await (await fetch(gw.admin.replace("/admin", "/metrics"))).text();
      const line = /^callgate_gateway_requests_total\{api="admin",transport="[^"]+",request="ping"\} (\d+)$/m;
      return Number(line.exec(metrics)?.[1] ?? 0);
    };
    const before = await pings();
    for (let i = 0; i < 3; i++) assert.equal((await gw.adminRequest({ janus: "ping" })).janus, "pong");
    assert.equal(await pings(), before + 3);
  });

  it("answers GET on a handle path with a redirect to the session poll", async () => {
    const created = await gw.post(gw.http, { janus: "create", transaction: "c", token: TOKEN });
    const sid = (created.data as { id: number }).id;
    const status = await new Promise<{ code: number; location: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${gw.http}/${sid}/77?token=${TOKEN}`, (res) => {
        res.resume();
        resolve({ code: res.statusCode ?? 0, location: res.headers.location });
      });
      req.on("error", reject);
      req.end();
    });
    assert.deepEqual(status, { code: 302, location: `/janus/${sid}` });
  });
});

describe("session lifetime", () => {
  it("times sessions out without keepalives, with a timeout event to the owner", async () => {
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-to-")), (s) => {
      s.general.sessionTimeout = 1;
    });
    try {
      expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
      const conn = await gw.connect({ token: TOKEN });
      const session = await JanusSession.create(conn, 0);
      const event = await nextEvent(conn, (m) => m.janus === "timeout", 6000);
      assert.deepEqual(event, { janus: "timeout", session_id: session.id });
      assert.equal(gw.gateway.core.sessions.has(session.id), false);
      conn.close();
    } finally {
      await gw.close();
    }
  });

  it("keeps a session whose WebSocket closed for reclaim_session_timeout, and lets a new one claim it", async () => {
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-rc-")), (s) => {
      s.general.reclaimSessionTimeout = 30;
    });
    try {
      expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
      const first = await gw.connect({ token: TOKEN });
      const session = await JanusSession.create(first, 0);
      first.close();
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(gw.gateway.core.sessions.has(session.id));
      const second = await gw.connect({ token: TOKEN });
      expectSuccess(await second.request({ janus: "claim", session_id: session.id }));
      const ack = await second.request({ janus: "keepalive", session_id: session.id }, { acceptAck: true });
      assert.equal(ack.janus, "ack");
      second.close();
    } finally {
      await gw.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("auth modes and HTTP details", () => {
  it("accepts a matching apisecret (with or without token auth) and refuses others", async () => {
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-api-")), (s) => {
      s.general.apiSecret = "the-api-secret";
    });
    try {
      assert.equal(
        (await gw.post(gw.http, { janus: "create", transaction: "a", apisecret: "the-api-secret" })).janus,
        "success",
      );
      assert.equal(
        (
          (await gw.post(gw.http, { janus: "create", transaction: "b", apisecret: "nope" }))
            .error as JsonObject
        ).code,
        403,
      );
      const info = await gw.post(gw.http, { janus: "info", transaction: "i" });
      assert.equal(info.api_secret, true);
    } finally {
      await gw.close();
    }
  });

  it("accepts Janus 1.x signed tokens with token_auth_secret, limited to their plugins", async () => {
    const { signToken } = await import("./core/auth/signed-token.js");
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-sig-")), (s) => {
      s.general.tokenAuthSecret = "signing-secret";
    });
    try {
      const token = signToken("signing-secret", Date.now() / 1000 + 60, ["janus.plugin.videocall"]);
      const created = await gw.post(gw.http, { janus: "create", transaction: "c", token });
      const sid = (created.data as { id: number }).id;
      assert.equal(
        (
          await gw.post(`${gw.http}/${sid}`, {
            janus: "attach",
            plugin: "janus.plugin.videocall",
            transaction: "a",
            token,
          })
        ).janus,
        "success",
      );
      assert.deepEqual(
        (
          await gw.post(`${gw.http}/${sid}`, {
            janus: "attach",
            plugin: "janus.plugin.echotest",
            transaction: "b",
            token,
          })
        ).error,
        {
          code: 405,
          reason: "Provided token can't access plugin 'janus.plugin.echotest'",
        },
      );
      const expired = signToken("signing-secret", Date.now() / 1000 - 1, ["janus.plugin.videocall"]);
      assert.equal(
        ((await gw.post(gw.http, { janus: "create", transaction: "x", token: expired })).error as JsonObject)
          .code,
        403,
      );
      assert.deepEqual((await gw.adminRequest({ janus: "list_tokens" })).error, {
        code: 490,
        reason: "Stored-Token based authentication disabled",
      });
    } finally {
      await gw.close();
    }
  });

  it("answers an idle long poll with a keepalive (a single object, or an array for maxev > 1)", async () => {
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-lp-")), (s) => {
      s.general.tokenAuth = false;
      s.limits.longPollMs = 200;
    });
    try {
      const sid = ((await gw.post(gw.http, { janus: "create", transaction: "c" })).data as { id: number }).id;
      assert.deepEqual(await (await fetch(`${gw.http}/${sid}`)).json(), { janus: "keepalive" });
      assert.deepEqual(await (await fetch(`${gw.http}/${sid}?maxev=10`)).json(), [{ janus: "keepalive" }]);
      assert.equal((await fetch(`${gw.http}/4242`)).status, 404);
    } finally {
      await gw.close();
    }
  });

  it("refuses requests from other origins with enforce_cors", async () => {
    const gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-cors-")), (s) => {
      s.http.allowOrigin = "https://chat.example";
      s.http.enforceCors = true;
    });
    try {
      const ok = await fetch(gw.http, {
        method: "POST",
        headers: { Origin: "https://chat.example" },
        body: JSON.stringify({ janus: "ping", transaction: "p" }),
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://chat.example");
      assert.equal(ok.headers.get("access-control-allow-credentials"), "true");
      const denied = await fetch(gw.http, {
        method: "POST",
        headers: { Origin: "https://evil.example" },
        body: "{}",
      });
      assert.equal(denied.status, 403);
    } finally {
      await gw.close();
    }
  });
});
