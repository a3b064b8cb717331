import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { expectSuccess, JanusSession } from "@callgate/client";
import { ADMIN_VERBS, JANUS_VERBS, type JsonObject } from "@callgate/protocol";
import fc from "fast-check";
import { WebSocket } from "ws";
import { startTestGateway, TEST_ADMIN_SECRET, type TestGateway } from "./testing/test-gateway.js";

const TOKEN = "fuzz-token";

/** A valid-looking request, then mutated: fields dropped, replaced by random JSON, verbs garbled. */
function mutatedRequest(ids: { session: number; handle: number }) {
  const id = fc.oneof(
    fc.constant(ids.session),
    fc.constant(ids.handle),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constant(null),
    fc.constant(2 ** 60),
  );
  const base = fc.record(
    {
      janus: fc.oneof(fc.constantFrom(...JANUS_VERBS, ...ADMIN_VERBS), fc.string()),
      transaction: fc.oneof(fc.string(), fc.jsonValue()),
      session_id: id,
      handle_id: id,
      token: fc.oneof(fc.constant(TOKEN), fc.string()),
      admin_secret: fc.oneof(fc.constant(TEST_ADMIN_SECRET), fc.string()),
      plugin: fc.oneof(fc.constantFrom("janus.plugin.videocall", "janus.plugin.echotest"), fc.jsonValue()),
      body: fc.oneof(
        fc.record(
          {
            request: fc.oneof(
              fc.constantFrom("list", "register", "call", "accept", "set", "hangup"),
              fc.jsonValue(),
            ),
            username: fc.jsonValue(),
            audio: fc.jsonValue(),
            bitrate: fc.jsonValue(),
            substream: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
      jsep: fc.oneof(
        fc.record(
          {
            type: fc.oneof(fc.constantFrom("offer", "answer"), fc.jsonValue()),
            sdp: fc.oneof(fc.string(), fc.jsonValue()),
            trickle: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
      candidate: fc.oneof(
        fc.record(
          {
            candidate: fc.jsonValue(),
            sdpMid: fc.jsonValue(),
            sdpMLineIndex: fc.jsonValue(),
            completed: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
      candidates: fc.jsonValue(),
      plugins: fc.oneof(
        fc.array(fc.constantFrom("janus.plugin.videocall", "janus.plugin.echotest", "x")),
        fc.jsonValue(),
      ),
      timeout: fc.jsonValue(),
      level: fc.jsonValue(),
      accept: fc.constant(true),
      id: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 6, arbitrary: base.map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
    {
      weight: 1,
      arbitrary: base.map((r) => JSON.stringify(r)).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
    },
  );
}

function isJanusReply(value: unknown): boolean {
  const m = value as JsonObject;
  if (typeof m?.janus !== "string") return false;
  if (m.janus === "error") {
    const e = m.error as JsonObject;
    return typeof e?.code === "number" && typeof e.reason === "string";
  }
  return true;
}

describe("robustness under random and mutated input", () => {
  let gw: TestGateway;
  let ids: { session: number; handle: number };

  before(async () => {
    gw = await startTestGateway(mkdtempSync(join(tmpdir(), "cg-fuzz-")));
    expectSuccess(await gw.adminRequest({ janus: "add_token", token: TOKEN }));
    const created = await gw.post(gw.http, { janus: "create", transaction: "c", token: TOKEN });
    const session = (created.data as { id: number }).id;
    const attached = await gw.post(`${gw.http}/${session}`, {
      janus: "attach",
      plugin: "janus.plugin.videocall",
      transaction: "a",
      token: TOKEN,
    });
    ids = { session, handle: (attached.data as { id: number }).id };
  });
  after(() => gw.close());

  it("answers thousands of WebSocket frames with Janus replies, never crashing", async () => {
    const socket = new WebSocket(gw.ws, "janus-protocol");
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const replies: unknown[] = [];
    socket.on("message", (data) => replies.push(JSON.parse(String(data))));
    const frames = fc.sample(mutatedRequest(ids), { numRuns: 3000, seed: 20261125 });
    for (const frame of frames) socket.send(frame);
    socket.send(JSON.stringify({ janus: "ping", transaction: "last" }));
    await waitFor(() => replies.some((r) => (r as JsonObject).transaction === "last"), 20000);
    assert.ok(
      replies.length >= frames.length * 0.5,
      `only ${replies.length} replies to ${frames.length} frames`,
    );
    const bad = replies.filter((r) => !isJanusReply(r));
    assert.deepEqual(bad, []);
    socket.close();
  });

  it("answers thousands of HTTP requests on random paths and methods with a status, never crashing", async () => {
    const paths = fc.oneof(
      fc.constant(""),
      fc.constant(`/${ids.session}`),
      fc.constant(`/${ids.session}/${ids.handle}`),
      fc.string().map((s) => `/${encodeURIComponent(s)}`),
      fc.tuple(fc.integer(), fc.integer()).map(([a, b]) => `/${a}/${b}`),
    );
    const requests = fc.sample(
      fc.record({
        path: paths,
        method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "OPTIONS", "PATCH"),
        body: mutatedRequest(ids),
        query: fc.string(),
      }),
      { numRuns: 1500, seed: 42 },
    );
    let i = 0;
    const worker = async () => {
      while (i < requests.length) {
        const r = requests[i++]!;
        const base = r.path.includes("admin") ? gw.admin : gw.http;
        const url = `${base}${r.path}${r.method === "GET" ? `?maxev=${encodeURIComponent(r.query)}&token=${TOKEN}` : ""}`;
        // A long poll with nothing queued would wait 30 s: give up on it quickly, that is fine too.
        const res = await fetch(url, {
          method: r.method,
          body: r.method === "GET" || r.method === "OPTIONS" ? undefined : r.body,
          signal: AbortSignal.timeout(300),
        }).catch(() => undefined);
        if (!res) continue;
        assert.ok(
          [200, 302, 400, 403, 404, 413].includes(res.status),
          `${r.method} ${r.path}: HTTP ${res.status}`,
        );
        const text = await res.text();
        if (res.status === 200 && text && r.method !== "OPTIONS")
          assert.ok(isJanusReply(JSON.parse(text)) || Array.isArray(JSON.parse(text)), text);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });

  it("refuses a flood of creates on one connection past its limit, and still serves others", async () => {
    const flood = await gw.connect({ token: TOKEN });
    const limit = gw.settings.limits.maxSessionsPerConnection;
    const replies = await Promise.all(
      Array.from({ length: limit + 20 }, () => flood.request({ janus: "create" })),
    );
    const refused = replies.filter((r) => r.janus === "error");
    assert.equal(refused.length, 20);
    assert.deepEqual(refused[0]!.error, {
      code: 490,
      reason: `Too many sessions on this connection (limit ${limit})`,
    });
    flood.close();
    await waitFor(() => gw.gateway.core.sessions.size < 10);
  });

  it("still serves a normal session over both transports afterwards", async () => {
    const conn = await gw.connect({ token: TOKEN });
    const session = await JanusSession.create(conn, 0);
    const handle = await session.attach("janus.plugin.echotest");
    const reply = await handle.message({ audio: true, video: true });
    assert.deepEqual(reply.data, { echotest: "event", result: "ok" });
    await session.destroy();
    conn.close();
    const created = await gw.post(gw.http, { janus: "create", transaction: "after", token: TOKEN });
    assert.equal(created.janus, "success");
    const info = await gw.adminRequest({ janus: "get_status" });
    assert.equal(info.janus, "success");
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
