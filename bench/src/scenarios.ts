import { JanusSession, JanusWebSocketConnection, VideoCallHandle } from "@callgate/client";
import { WebSocket } from "ws";
import type { RunningTarget } from "../../e2e/dist/support/processes.js";
import { LoadPeer } from "./load-peer.js";
import { cpuSeconds, percentile, rssBytes } from "./proc-stats.js";

export const TOKEN = "bench-token";
const factory = (url: string, protocols: string[]) => new WebSocket(url, protocols) as never;
const open = (t: RunningTarget) => JanusWebSocketConnection.open(t.ws, factory, { token: TOKEN });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function adminRequest(t: RunningTarget, secret: string, body: Record<string, unknown>) {
  const res = await fetch(t.admin, {
    method: "POST",
    body: JSON.stringify({ transaction: "b", admin_secret: secret, ...body }),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** create > attach > detach > destroy cycles per second over one WebSocket, one after another. */
export async function signallingCycles(t: RunningTarget, seconds: number): Promise<number> {
  const conn = await open(t);
  const end = Date.now() + seconds * 1000;
  let cycles = 0;
  while (Date.now() < end) {
    const session = await JanusSession.create(conn, 0);
    const handle = await session.attach("janus.plugin.videocall");
    await handle.detach();
    await session.destroy();
    cycles++;
  }
  conn.close();
  return cycles / seconds;
}

/** Admin add_token requests per second over HTTP, one after another. */
export async function addTokensPerSecond(t: RunningTarget, secret: string, seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    await adminRequest(t, secret, {
      janus: "add_token",
      token: `bench-${n}`,
      plugins: ["janus.plugin.videocall"],
    });
    n++;
  }
  for (let i = 0; i < n; i += 1)
    await adminRequest(t, secret, { janus: "remove_token", token: `bench-${i}` });
  return n / seconds;
}

/** Resident memory per idle session: RSS growth over `count` sessions, divided by `count`. */
export async function memoryPerIdleSession(t: RunningTarget, count: number): Promise<number> {
  // 500 sessions a connection: Callgate refuses more than 1,000 on one connection.
  const connections: JanusWebSocketConnection[] = [];
  for (let i = 0; i < Math.ceil(count / 500); i++) connections.push(await open(t));
  await sleep(500);
  const before = rssBytes(t.pid);
  const sessions: JanusSession[] = [];
  for (let i = 0; i < count; i++)
    sessions.push(await JanusSession.create(connections[Math.floor(i / 500)]!, 0));
  await sleep(1000);
  const after = rssBytes(t.pid);
  for (const s of sessions) await s.destroy();
  for (const c of connections) c.close();
  return (after - before) / count;
}

interface Call {
  peers: [LoadPeer, LoadPeer];
  sessions: JanusSession[];
  connections: JanusWebSocketConnection[];
  setupMs: number;
}

/** One VideoCall call between two load peers; the set-up time runs from `call` to both `webrtcup`s. */
async function placeCall(t: RunningTarget, index: number): Promise<Call> {
  const caller = new LoadPeer();
  const callee = new LoadPeer();
  caller.addMedia();
  const connections = [await open(t), await open(t)];
  const sessions = [await JanusSession.create(connections[0]!), await JanusSession.create(connections[1]!)];
  let upA!: () => void;
  let upB!: () => void;
  const bothUp = Promise.all([new Promise<void>((r) => (upA = r)), new Promise<void>((r) => (upB = r))]);
  const a = await VideoCallHandle.attach(sessions[0]!, {
    webrtcUp: () => upA(),
    accepted: (_from, jsep) => {
      if (jsep) void caller.accept(jsep);
    },
  });
  const b: VideoCallHandle = await VideoCallHandle.attach(sessions[1]!, {
    webrtcUp: () => upB(),
    incomingCall: (_from, offer) => {
      void callee.answer(offer).then((answer) => b.accept(answer));
    },
  });
  await a.register(`caller-${index}`);
  await b.register(`callee-${index}`);
  const offer = await caller.offer();
  const start = performance.now();
  await a.call(`callee-${index}`, offer);
  const timeout = sleep(15000).then(() => {
    throw new Error(`call ${index} did not reach webrtcup on both sides within 15 s`);
  });
  await Promise.race([bothUp, timeout]);
  return { peers: [caller, callee], sessions, connections, setupMs: performance.now() - start };
}

/** Closes a call's peers, sessions and connections (errors ignored: the gateway may have gone). */
async function hangUp(call: Call): Promise<void> {
  for (const p of call.peers) await p.close().catch(() => {});
  for (const s of call.sessions) await s.destroy().catch(() => {});
  for (const conn of call.connections) conn.close();
}

export interface CallsResult {
  calls: number;
  setupMs: { p50: number; p99: number };
  /** Every call's set-up time (ms), for pooling over rounds. */
  setupSamples: number[];
  cpuUsPerPacket: number;
  latencyMs: { p50: number; p99: number; max: number };
  lossPercent: number;
  relayedPerSecond: number;
  rssPerCallBytes: number;
  /** The load generator's own CPU use, in cores: near 2 means it, not the gateway, was the limit. */
  generatorCores: number;
  /** The generator's event-loop utilisation (0-1): near 1, it, not the gateway, sets the pace. */
  generatorBusy?: number;
}

/** `count` concurrent calls with media both ways, measured over `seconds` after a warm-up. */
export async function concurrentCalls(
  t: RunningTarget,
  count: number,
  seconds: number,
): Promise<CallsResult> {
  const rssBefore = rssBytes(t.pid);
  const calls: Call[] = [];
  try {
    // Media starts as each call connects, as in browsers; a call left silent while the others are
    // placed (seconds at 50 calls) is one a gateway may rightly take for gone.
    for (let i = 0; i < count; i++) {
      const call = await placeCall(t, i);
      for (const p of call.peers) p.startMedia();
      calls.push(call);
    }
    const peers = calls.flatMap((c) => c.peers);
    await sleep(2000);
    for (const p of peers) p.recording = true;
    const cpu0 = cpuSeconds(t.pid);
    const gen0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    await sleep(seconds * 1000);
    for (const p of peers) p.stopMedia();
    const cpu1 = cpuSeconds(t.pid);
    const gen1 = process.cpuUsage(gen0);
    const generatorBusy = performance.eventLoopUtilization(elu0).utilization;
    const rssDuring = rssBytes(t.pid);
    await sleep(500); // what was in flight arrives
    for (const p of peers) p.recording = false;
    const sent = peers.reduce((n, p) => n + p.stats.sent, 0);
    const received = peers.reduce((n, p) => n + p.stats.received, 0);
    const latencies = peers.flatMap((p) => p.stats.latenciesMs).sort((x, y) => x - y);
    const setups = calls.map((c) => c.setupMs).sort((x, y) => x - y);
    return {
      calls: count,
      setupMs: { p50: percentile(setups, 50), p99: percentile(setups, 99) },
      setupSamples: setups,
      cpuUsPerPacket: ((cpu1 - cpu0) * 1e6) / Math.max(1, received),
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
      },
      lossPercent: sent > 0 ? (100 * Math.max(0, sent - received)) / sent : 100,
      relayedPerSecond: received / seconds,
      rssPerCallBytes: (rssDuring - rssBefore) / count,
      generatorCores: (gen1.user + gen1.system) / 1e6 / seconds,
      generatorBusy,
    };
  } finally {
    for (const c of calls) await hangUp(c);
    await sleep(500);
  }
}

/** Set-up times of `count` calls placed one at a time, each hung up before the next (no media). */
export async function loneCallSetups(t: RunningTarget, count: number, firstIndex: number): Promise<number[]> {
  const setups: number[] = [];
  for (let i = 0; i < count; i++) {
    const call = await placeCall(t, firstIndex + i);
    setups.push(call.setupMs);
    await hangUp(call);
    await sleep(200);
  }
  return setups;
}
