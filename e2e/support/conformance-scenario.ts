import type { JsonObject } from "@callgate/protocol";
import { CONFORMANCE_ADMIN_SECRET } from "./janus-configs.js";
import type { RunningTarget } from "./processes.js";
import { RawWebSocket } from "./raw-ws.js";
import { Recorder } from "./recorder.js";

const TOKEN = "conformance-token";

async function post(url: string, body: unknown): Promise<JsonObject> {
  const res = await fetch(url, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    body: await res.json(),
  } as JsonObject;
}

async function get(url: string): Promise<JsonObject> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * The same request sequences, sent to one gateway; the Recorder keeps the normalized answers.
 * Run against Janus and Callgate, the two recordings must be equal step by step.
 */
export async function runScenario(t: RunningTarget): Promise<Recorder> {
  const r = new Recorder();
  const api = (path: string, body: unknown) => post(`${t.http}${path}`, body);
  const admin = (body: JsonObject) =>
    post(t.admin, { transaction: "adm", admin_secret: CONFORMANCE_ADMIN_SECRET, ...body });

  // --- admin API and stored tokens
  r.record(
    "admin add_token, wrong secret",
    await admin({ janus: "add_token", token: TOKEN, admin_secret: "wrong" }),
  );
  r.record(
    "admin add_token, no secret",
    await post(t.admin, { janus: "add_token", token: TOKEN, transaction: "adm" }),
  );
  r.record("admin add_token", await admin({ janus: "add_token", token: TOKEN }));
  r.record("admin add_token again", await admin({ janus: "add_token", token: TOKEN }));
  r.record(
    "admin add_token, one plugin",
    await admin({ janus: "add_token", token: "temp", plugins: ["janus.plugin.echotest"] }),
  );
  r.record("admin add_token, without token", await admin({ janus: "add_token" }));
  r.record("admin list_tokens", await admin({ janus: "list_tokens" }), "unordered");
  r.record(
    "admin allow_token",
    await admin({ janus: "allow_token", token: "temp", plugins: ["janus.plugin.videocall"] }),
  );
  r.record(
    "admin allow_token, unknown token",
    await admin({ janus: "allow_token", token: "nope", plugins: ["janus.plugin.videocall"] }),
  );
  r.record(
    "admin allow_token, bad plugin",
    await admin({ janus: "allow_token", token: "temp", plugins: ["janus.plugin.nope"] }),
  );
  r.record("admin allow_token, no plugins", await admin({ janus: "allow_token", token: "temp" }));
  r.record(
    "admin disallow_token",
    await admin({ janus: "disallow_token", token: "temp", plugins: ["janus.plugin.echotest"] }),
  );
  r.record("admin remove_token", await admin({ janus: "remove_token", token: "temp" }));
  r.record("admin remove_token, unknown", await admin({ janus: "remove_token", token: "temp" }));
  r.record("admin list_tokens after remove", await admin({ janus: "list_tokens" }));
  r.record("admin ping, no secret", await post(t.admin, { janus: "ping", transaction: "adm" }));
  r.record("admin info, no secret", await post(t.admin, { janus: "info", transaction: "adm" }), "shape");
  // log_timestamps/log_colors describe each gateway's own log output; the rest must match.
  const status = await admin({ janus: "get_status" });
  const statusBody = status.body as JsonObject;
  delete (statusBody.status as JsonObject).log_timestamps;
  delete (statusBody.status as JsonObject).log_colors;
  r.record("admin get_status", status);
  r.record("admin set_min_nack_queue", await admin({ janus: "set_min_nack_queue", min_nack_queue: 500 }));
  const nackStatus = (await admin({ janus: "get_status" })).body as JsonObject;
  r.record("admin get_status after set_min_nack_queue", {
    min_nack_queue: (nackStatus.status as JsonObject).min_nack_queue,
  });
  r.record("admin set_min_nack_queue, bad", await admin({ janus: "set_min_nack_queue", min_nack_queue: -5 }));
  r.record(
    "admin set_min_nack_queue back",
    await admin({ janus: "set_min_nack_queue", min_nack_queue: 200 }),
  );
  r.record("admin unknown request", await admin({ janus: "frobnicate" }));
  r.record("admin malformed JSON", await post(t.admin, '{"janus":"list_tokens", "transaction":'), "code");
  r.record("admin GET", await get(t.admin));
  r.record("admin set_session_timeout, bad", await admin({ janus: "set_session_timeout", timeout: "x" }));
  r.record("admin set_log_level, too high", await admin({ janus: "set_log_level", level: 9 }));
  r.record("admin accept_new_sessions off", await admin({ janus: "accept_new_sessions", accept: false }));
  r.record("create while not accepting", await api("", { janus: "create", transaction: "c0", token: TOKEN }));
  r.record("admin accept_new_sessions on", await admin({ janus: "accept_new_sessions", accept: true }));
  r.record("admin list_handles, unknown session", await admin({ janus: "list_handles", session_id: 1234 }));

  // --- Janus API over HTTP
  r.record("POST info", await api("", { janus: "info", transaction: "h-info" }), "shape");
  r.record("GET /info", await get(`${t.http}/info`), "shape");
  r.record("ping", await api("", { janus: "ping", transaction: "h-ping" }));
  r.record("create without token", await api("", { janus: "create", transaction: "h1" }));
  r.record("create with bad token", await api("", { janus: "create", transaction: "h2", token: "bad" }));
  const created = await api("", { janus: "create", transaction: "h3", token: TOKEN });
  const sid = r.name(((created.body as JsonObject).data as JsonObject).id as number, "SESSION");
  r.record("create", created);
  r.record(
    "create with chosen id",
    await api("", { janus: "create", id: 4242424242, transaction: "h4", token: TOKEN }),
  );
  r.record(
    "create with chosen id again",
    await api("", { janus: "create", id: 4242424242, transaction: "h5", token: TOKEN }),
  );
  r.record(
    "create with bad id",
    await api("", { janus: "create", id: "x", transaction: "h5b", token: TOKEN }),
  );
  r.record(
    "destroy chosen id",
    await api("/4242424242", { janus: "destroy", transaction: "h6", token: TOKEN }),
  );
  const attached = await api(`/${sid}`, {
    janus: "attach",
    plugin: "janus.plugin.videocall",
    opaque_id: "o-1",
    transaction: "h7",
    token: TOKEN,
  });
  const hid = r.name(((attached.body as JsonObject).data as JsonObject).id as number, "HANDLE");
  r.record("attach videocall", attached);
  r.record(
    "attach unknown plugin",
    await api(`/${sid}`, { janus: "attach", plugin: "janus.plugin.nope", transaction: "h8", token: TOKEN }),
  );
  r.record(
    "attach without plugin",
    await api(`/${sid}`, { janus: "attach", transaction: "h9", token: TOKEN }),
  );
  r.record(
    "attach with numeric plugin",
    await api(`/${sid}`, { janus: "attach", plugin: 5, transaction: "h9b", token: TOKEN }),
  );
  r.record(
    "attach on a handle path",
    await api(`/${sid}/${hid}`, {
      janus: "attach",
      plugin: "janus.plugin.videocall",
      transaction: "h9c",
      token: TOKEN,
    }),
  );
  r.record("keepalive", await api(`/${sid}`, { janus: "keepalive", transaction: "h10", token: TOKEN }));
  r.record(
    "keepalive, unknown session",
    await api("/1234", { janus: "keepalive", transaction: "h11", token: TOKEN }),
  );
  r.record(
    "keepalive, bad token",
    await api(`/${sid}`, { janus: "keepalive", transaction: "h12", token: "bad" }),
  );
  r.record(
    "message, unknown handle",
    await api(`/${sid}/5678`, {
      janus: "message",
      body: { request: "list" },
      transaction: "h13",
      token: TOKEN,
    }),
  );
  r.record(
    "message without body",
    await api(`/${sid}/${hid}`, { janus: "message", transaction: "h14", token: TOKEN }),
  );
  r.record(
    "message with a string body",
    await api(`/${sid}/${hid}`, { janus: "message", body: "x", transaction: "h15", token: TOKEN }),
  );
  r.record(
    "message with a bad jsep",
    await api(`/${sid}/${hid}`, {
      janus: "message",
      body: { request: "list" },
      jsep: "x",
      transaction: "h15b",
      token: TOKEN,
    }),
  );
  r.record(
    "message with a jsep without type",
    await api(`/${sid}/${hid}`, {
      janus: "message",
      body: { request: "list" },
      jsep: { sdp: "v=0" },
      transaction: "h15c",
      token: TOKEN,
    }),
  );
  r.record(
    "message with a jsep of unknown type",
    await api(`/${sid}/${hid}`, {
      janus: "message",
      body: { request: "list" },
      jsep: { type: "pranswer", sdp: "v=0" },
      transaction: "h15d",
      token: TOKEN,
    }),
  );
  r.record(
    "message without handle",
    await api(`/${sid}`, { janus: "message", body: { request: "list" }, transaction: "h16", token: TOKEN }),
  );
  r.record(
    "videocall list (ack)",
    await api(`/${sid}/${hid}`, {
      janus: "message",
      body: { request: "list" },
      transaction: "h17",
      token: TOKEN,
    }),
  );
  r.record("long poll, maxev=1", await get(`${t.http}/${sid}?maxev=1&token=${TOKEN}`));
  await api(`/${sid}/${hid}`, {
    janus: "message",
    body: { request: "register", username: "conf-alice" },
    transaction: "h18",
    token: TOKEN,
  });
  r.record("long poll, maxev=5 (register)", await get(`${t.http}/${sid}?maxev=5&token=${TOKEN}`));
  r.record("long poll without token", { status: (await fetch(`${t.http}/${sid}?maxev=1`)).status });
  r.record("long poll, unknown session", {
    status: (await fetch(`${t.http}/1234?maxev=1&token=${TOKEN}`)).status,
  });
  r.record(
    "trickle completed, no PeerConnection",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidate: { completed: true },
      transaction: "h19",
      token: TOKEN,
    }),
  );
  r.record(
    "trickle candidate, no PeerConnection",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 },
      transaction: "h19b",
      token: TOKEN,
    }),
  );
  r.record(
    "trickle list",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidates: [
        { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0" },
        { completed: true },
      ],
      transaction: "h19c",
      token: TOKEN,
    }),
  );
  r.record(
    "trickle without candidate",
    await api(`/${sid}/${hid}`, { janus: "trickle", transaction: "h20", token: TOKEN }),
  );
  r.record(
    "trickle with both",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidate: { completed: true },
      candidates: [],
      transaction: "h21",
      token: TOKEN,
    }),
  );
  r.record(
    "trickle candidates not an array",
    await api(`/${sid}/${hid}`, { janus: "trickle", candidates: 5, transaction: "h22", token: TOKEN }),
  );
  r.record(
    "trickle candidate without sdpMid",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host" },
      transaction: "h23",
      token: TOKEN,
    }),
  );
  r.record(
    "trickle candidate, numeric sdpMid",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidate: { candidate: "c", sdpMid: 0 },
      transaction: "h23b",
      token: TOKEN,
    }),
  );
  r.record(
    "trickle candidate without candidate",
    await api(`/${sid}/${hid}`, {
      janus: "trickle",
      candidate: { sdpMid: "0" },
      transaction: "h24",
      token: TOKEN,
    }),
  );
  r.record(
    "hangup, no PeerConnection",
    await api(`/${sid}/${hid}`, { janus: "hangup", transaction: "h25", token: TOKEN }),
  );
  r.record(
    "unknown request on a session",
    await api(`/${sid}`, { janus: "frobnicate", transaction: "h26", token: TOKEN }),
  );
  r.record(
    "unknown request at root",
    await api("", { janus: "frobnicate", transaction: "h27", token: TOKEN }),
  );
  r.record("info on a session", await api(`/${sid}`, { janus: "info", transaction: "h27b", token: TOKEN }));
  r.record("request without janus", await api("", { transaction: "h28", token: TOKEN }));
  r.record("request without transaction", await api("", { janus: "create", token: TOKEN }));
  r.record("numeric transaction", await api("", { janus: "create", transaction: 7, token: TOKEN }));
  r.record("malformed JSON", await api("", '{"janus":"create","transaction":"oops"'), "code");
  r.record("JSON array", await api("", "[1,2,3]"));
  r.record(
    "conflicting session id",
    await api(`/${sid}`, { janus: "keepalive", session_id: 99, transaction: "h29", token: TOKEN }),
  );
  r.record("admin list_sessions", await admin({ janus: "list_sessions" }));
  r.record("admin list_handles", await admin({ janus: "list_handles", session_id: sid }));
  r.record(
    "admin handle_info, unknown handle",
    await admin({ janus: "handle_info", session_id: sid, handle_id: 5678 }),
  );
  r.record("detach", await api(`/${sid}/${hid}`, { janus: "detach", transaction: "h30", token: TOKEN }));
  r.record("long poll after detach", await get(`${t.http}/${sid}?maxev=1&token=${TOKEN}`));
  r.record("destroy", await api(`/${sid}`, { janus: "destroy", transaction: "h31", token: TOKEN }));
  r.record("destroy again", await api(`/${sid}`, { janus: "destroy", transaction: "h32", token: TOKEN }));

  // --- Janus API over WebSocket, with the VideoCall and EchoTest plugins' signalling
  const ws = await RawWebSocket.open(t.ws, "janus-protocol");
  const one = async (step: string, body: JsonObject, count = 1, compare: "exact" | "code" = "exact") => {
    const frames = await ws.exchange(body, count);
    r.record(step, frames.length === 1 ? frames[0] : frames, compare);
    return frames;
  };
  await one("ws ping", { janus: "ping", transaction: "w1" });
  await one("ws create without token", { janus: "create", transaction: "w2" });
  const [wsCreated] = await ws.exchange({ janus: "create", transaction: "w3", token: TOKEN });
  const wsid = r.name((wsCreated!.data as JsonObject).id as number, "WS_SESSION");
  r.record("ws create", wsCreated);
  const [a1] = await ws.exchange({
    janus: "attach",
    session_id: wsid,
    plugin: "janus.plugin.videocall",
    transaction: "w4",
    token: TOKEN,
  });
  const h1 = r.name((a1!.data as JsonObject).id as number, "WS_HANDLE_1");
  r.record("ws attach", a1);
  const [a2] = await ws.exchange({
    janus: "attach",
    session_id: wsid,
    plugin: "janus.plugin.videocall",
    transaction: "w5",
    token: TOKEN,
  });
  const h2 = r.name((a2!.data as JsonObject).id as number, "WS_HANDLE_2");
  const vc = async (step: string, handle: number, body: JsonObject, tx: string) => {
    const frames = await ws.exchange(
      { janus: "message", session_id: wsid, handle_id: handle, body, transaction: tx, token: TOKEN },
      2,
    );
    r.record(step, frames, "unordered");
  };
  await one("ws message without handle_id", {
    janus: "message",
    session_id: wsid,
    body: { request: "list" },
    transaction: "w6",
    token: TOKEN,
  });
  await vc("videocall call before register", h1, { request: "call", username: "x" }, "w7");
  await vc("videocall register", h1, { request: "register", username: "conf-bob" }, "w8");
  await vc("videocall register again", h1, { request: "register", username: "conf-bob2" }, "w9");
  await vc("videocall register a taken name", h2, { request: "register", username: "conf-bob" }, "w10");
  await vc("videocall register without username", h2, { request: "register" }, "w11");
  await vc("videocall register with numeric username", h2, { request: "register", username: 5 }, "w11b");
  await vc("videocall without request", h1, { foo: 1 }, "w11c");
  await vc("videocall call without username", h1, { request: "call" }, "w12");
  await vc("videocall call nobody", h1, { request: "call", username: "nobody" }, "w13");
  await vc("videocall call yourself", h1, { request: "call", username: "conf-bob" }, "w14");
  await vc("videocall register second user", h2, { request: "register", username: "conf-carol" }, "w15");
  await vc("videocall call without jsep", h1, { request: "call", username: "conf-carol" }, "w16");
  await vc("videocall accept without a call", h2, { request: "accept" }, "w17");
  await vc("videocall set", h1, { request: "set", audio: false, video: true, bitrate: 128000 }, "w18");
  await vc("videocall set bad substream", h1, { request: "set", substream: 5 }, "w19");
  await vc("videocall set bad audio", h1, { request: "set", audio: "no" }, "w19b");
  await vc("videocall hangup without call", h1, { request: "hangup" }, "w20");
  await vc("videocall unknown request", h1, { request: "frobnicate" }, "w21");
  await vc("videocall list", h1, { request: "list" }, "w22");
  const [e1] = await ws.exchange({
    janus: "attach",
    session_id: wsid,
    plugin: "janus.plugin.echotest",
    transaction: "w23",
    token: TOKEN,
  });
  const eh = r.name((e1!.data as JsonObject).id as number, "WS_ECHO");
  await vc("echotest audio/video", eh, { audio: true, video: true }, "w24");
  await vc("echotest nothing recognised", eh, { foo: 1 }, "w25");
  await vc("echotest bad type", eh, { audio: "yes" }, "w26");
  await vc("echotest bad substream", eh, { substream: 7 }, "w26b");
  await one("ws trickle completed", {
    janus: "trickle",
    session_id: wsid,
    handle_id: h1,
    candidate: { completed: true },
    transaction: "w27",
    token: TOKEN,
  });
  await one("ws hangup without PeerConnection", {
    janus: "hangup",
    session_id: wsid,
    handle_id: h1,
    transaction: "w28",
    token: TOKEN,
  });
  await one("ws unknown request", {
    janus: "frobnicate",
    session_id: wsid,
    transaction: "w29",
    token: TOKEN,
  });
  // errors about the envelope itself carry no transaction
  ws.send({ session_id: wsid, transaction: "w30", token: TOKEN });
  r.record(
    "ws request without janus",
    (await ws.collect((f) => f.janus === "error" && f.transaction === undefined, 1))[0],
  );
  ws.send('{"janus":"keepalive","transaction":');
  r.record(
    "ws malformed JSON",
    (await ws.collect((f) => (f.error as JsonObject | undefined)?.code === 454, 1))[0],
    "code",
  );
  ws.send(`{"janus":"ping","transaction":"w31"}{"janus":"ping","transaction":"w32"}`);
  r.record(
    "ws two objects in one message",
    await ws.collect((f) => f.transaction === "w31" || f.transaction === "w32", 2),
  );
  await one("ws detach", {
    janus: "detach",
    session_id: wsid,
    handle_id: h2,
    transaction: "w33",
    token: TOKEN,
  });
  r.record("ws detached event", (await ws.collect((f) => f.janus === "detached", 1))[0]);
  // claim a session created over HTTP
  const httpSession = await api("", { janus: "create", transaction: "h40", token: TOKEN });
  const csid = r.name(((httpSession.body as JsonObject).data as JsonObject).id as number, "CLAIMED");
  await one("ws claim an HTTP session", {
    janus: "claim",
    session_id: csid,
    transaction: "w34",
    token: TOKEN,
  });
  r.record("long poll on a claimed session", {
    status: (await fetch(`${t.http}/${csid}?maxev=1&token=${TOKEN}`)).status,
  });
  await one("ws destroy the claimed session", {
    janus: "destroy",
    session_id: csid,
    transaction: "w35",
    token: TOKEN,
  });
  // the plugin's side of a detach: the second user is gone from the list
  await vc("videocall list after detach", h1, { request: "list" }, "w36");
  await one("ws destroy", { janus: "destroy", session_id: wsid, transaction: "w37", token: TOKEN });
  ws.close();

  // --- admin API over WebSocket
  const aws = await RawWebSocket.open(t.adminWs, "janus-admin-protocol");
  r.record(
    "admin ws list_tokens",
    (
      await aws.exchange({ janus: "list_tokens", transaction: "aw1", admin_secret: CONFORMANCE_ADMIN_SECRET })
    )[0],
  );
  r.record(
    "admin ws wrong secret",
    (await aws.exchange({ janus: "list_tokens", transaction: "aw2", admin_secret: "x" }))[0],
  );
  aws.close();
  // tokens removed: the same flow is refused
  await admin({ janus: "remove_token", token: TOKEN });
  r.record(
    "create after the token was removed",
    await api("", { janus: "create", transaction: "h50", token: TOKEN }),
  );
  return r;
}
