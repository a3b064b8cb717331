import { Agent, request as httpRequest } from "node:http";
import { JanusSession, JanusWebSocketConnection, VideoCallHandle } from "@callgate/client";
import { WebSocket } from "ws";
import type { RunningTarget } from "../../e2e/dist/support/processes.js";
import { BareJanusSocket, replyId } from "./bare-janus-socket.js";
import { collectGeneratorGarbage } from "./generator-garbage.js";
import { keepGeneratorAside } from "./generator-priority.js";
import { LatencyLog } from "./latency-log.js";
import { LoadPeer } from "./load-peer.js";
import { cpuSeconds, percentile, rssBytes } from "./proc-stats.js";

export const TOKEN = "bench-token";
const factory = (url: string, protocols: string[]) => new WebSocket(url, protocols) as never;
const open = (t: RunningTarget) => JanusWebSocketConnection.open(t.ws, factory, { token: TOKEN });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Admin requests go over kept-alive node:http connections: fetch() cost the generator 360-420 µs a
// request, 3-4 times the gateway's own work, so an add_token rate measured through it was mostly
// undici's; node:http costs it about 130.
const adminAgent = new Agent({ keepAlive: true });

export function adminRequest(
  t: Pick<RunningTarget, "admin">,
  secret: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const payload = JSON.stringify({ transaction: "b", admin_secret: secret, ...body });
  return new Promise((resolve, reject) => {
    const req = httpRequest(t.admin, { method: "POST", agent: adminAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
        } catch (err) {
          reject(err);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * create > attach > detach > destroy cycles per second over one WebSocket, one after another, on
 * a socket that costs the generator as little as it can (see BareJanusSocket).
 */
export async function signallingCycles(t: Pick<RunningTarget, "ws">, seconds: number): Promise<number> {
  const socket = await BareJanusSocket.open(t.ws);
  const token = `"token":${JSON.stringify(TOKEN)}`;
  const end = Date.now() + seconds * 1000;
  let cycles = 0;
  try {
    while (Date.now() < end) {
      const c = cycles;
      const session = replyId(
        await socket.request(`{"janus":"create","transaction":"c${c}",${token}}`, `c${c}`),
      );
      const handle = replyId(
        await socket.request(
          `{"janus":"attach","plugin":"janus.plugin.videocall","transaction":"a${c}","session_id":${session},${token}}`,
          `a${c}`,
        ),
      );
      await socket.request(
        `{"janus":"detach","transaction":"d${c}","session_id":${session},"handle_id":${handle},${token}}`,
        `d${c}`,
      );
      await socket.request(
        `{"janus":"destroy","transaction":"x${c}","session_id":${session},${token}}`,
        `x${c}`,
      );
      cycles++;
    }
  } finally {
    socket.close();
  }
  return cycles / seconds;
}

/** Admin add_token requests per second over HTTP, one after another. */
export async function addTokensPerSecond(
  t: Pick<RunningTarget, "admin">,
  secret: string,
  seconds: number,
  /** Called when the timed requests end, before the tokens they added are removed again. */
  timedEnd: () => void = () => {},
): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const reply = await adminRequest(t, secret, {
      janus: "add_token",
      token: `bench-${n}`,
      plugins: ["janus.plugin.videocall"],
    });
    if (reply.janus !== "success") throw new Error(`add_token answered ${JSON.stringify(reply)}`);
    n++;
  }
  timedEnd();
  for (let i = 0; i < n; i += 1)
    await adminRequest(t, secret, { janus: "remove_token", token: `bench-${i}` });
  return n / seconds;
}

/**
 * Resident memory per idle session: the RSS growth from `from` sessions to `from + count`, over
 * `count`. The first `from` take in what any first sessions cost (code compiled, the young
 * generation's pages touched), so that what is left grows with the sessions only. Meant for a
 * gateway that has run nothing else yet: one that has reuses memory it freed (malloc's free
 * lists, a heap whose garbage is collected meanwhile) and then grows by less than its sessions take.
 */
export async function memoryPerIdleSession(t: RunningTarget, from: number, count: number): Promise<number> {
  // 500 sessions a connection: Callgate refuses more than 1,000 on one connection.
  const connections: JanusWebSocketConnection[] = [];
  const sessions: JanusSession[] = [];
  const createUpTo = async (total: number) => {
    for (let i = sessions.length; i < total; i++) {
      if (i % 500 === 0) connections.push(await open(t));
      sessions.push(await JanusSession.create(connections[connections.length - 1]!, 0));
    }
    await sleep(500);
  };
  await createUpTo(from);
  const before = rssBytes(t.pid);
  await createUpTo(from + count);
  const after = rssBytes(t.pid);
  for (const s of sessions) await s.destroy();
  for (const c of connections) c.close();
  return (after - before) / count;
}

/** The median of five RSS samples 400 ms apart: a collected heap's RSS moves by megabytes. */
async function sampledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(400);
    samples.push(rssBytes(pid));
  }
  return percentile(
    samples.sort((x, y) => x - y),
    50,
  );
}

export interface ActiveCallMemory {
  from: number;
  to: number;
  /** RSS growth from `from` calls to `to`, over the calls added: what each call takes. */
  perCallBytes: number;
  /** RSS growth from no call to `from`, over them: with what is paid once, when media first flows. */
  firstCallsPerCallBytes: number;
}

/**
 * Resident memory per active call: the RSS growth from `from` calls to `to`, all with media both
 * ways, over the calls added. Meant for a gateway that has held no calls yet, as memoryPerIdleSession.
 */
export async function memoryPerActiveCall(
  t: RunningTarget,
  from: number,
  to: number,
): Promise<ActiveCallMemory> {
  const calls: Call[] = [];
  try {
    const place = async (total: number) => {
      while (calls.length < total) {
        const call = await placeCall(t, calls.length);
        calls.push(call);
        for (const p of call.peers) p.startMedia();
      }
      await sleep(1000);
      return sampledRss(t.pid);
    };
    const none = await sampledRss(t.pid);
    const first = await place(from);
    const all = await place(to);
    return {
      from,
      to,
      perCallBytes: (all - first) / (to - from),
      firstCallsPerCallBytes: (first - none) / from,
    };
  } finally {
    for (const c of calls) await hangUp(c);
  }
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
  /** The load generator's own CPU use, in cores: near 2 means it, not the gateway, was the limit. */
  generatorCores: number;
  /** The generator's event-loop utilisation (0-1): near 1, it, not the gateway, sets the pace. */
  generatorBusy?: number;
  /** Where the figures above are medians over rounds: each round's own, in the order they ran. */
  byRound?: RoundFigures[];
}

/** The figures of one round that the report takes the median of. */
export type RoundFigures = Pick<CallsResult, "cpuUsPerPacket" | "latencyMs">;

/** Seconds of media before each measuring window: the peers' clock and packets get going. */
const WINDOW_WARM_MS = 1000;
/** After a window, what was in flight arrives before recording stops. */
const WINDOW_DRAIN_MS = 500;

/** One target's calls at a level, held while every target's windows run. */
interface HeldCalls {
  target: RunningTarget;
  calls: Call[];
  /** Sums over this target's measuring windows. */
  seconds: number;
  cpuSeconds: number;
  generatorCpuSeconds: number;
  generatorActiveMs: number;
  generatorIdleMs: number;
}

/**
 * Places `count` calls on one target, media starting as each call connects (as in browsers), for
 * 2 s; then the media stops until this target's measuring windows. Between windows a call is
 * silent for seconds; the peers' receiver reports (RTCP) go on, so neither gateway takes it for
 * gone (Callgate hangs up after 8 s with nothing at all from a peer).
 */
async function holdCalls(t: RunningTarget, count: number, calls: Call[]): Promise<HeldCalls> {
  for (let i = 0; i < count; i++) {
    const call = await placeCall(t, i);
    calls.push(call);
    for (const p of call.peers) p.startMedia();
  }
  await sleep(2000);
  for (const p of calls.flatMap((c) => c.peers)) p.stopMedia();
  return {
    target: t,
    calls,
    seconds: 0,
    cpuSeconds: 0,
    generatorCpuSeconds: 0,
    generatorActiveMs: 0,
    generatorIdleMs: 0,
  };
}

/** One measuring window of one target's calls: media on, a warm-up, `seconds` recorded, media off. */
async function measureWindow(held: HeldCalls, seconds: number): Promise<void> {
  const peers = held.calls.flatMap((c) => c.peers);
  await collectGeneratorGarbage();
  for (const p of peers) p.startMedia();
  await sleep(WINDOW_WARM_MS);
  for (const p of peers) p.recording = true;
  const cpu0 = cpuSeconds(held.target.pid);
  const gen0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  await sleep(seconds * 1000);
  for (const p of peers) p.stopMedia();
  held.cpuSeconds += cpuSeconds(held.target.pid) - cpu0;
  const gen = process.cpuUsage(gen0);
  held.generatorCpuSeconds += (gen.user + gen.system) / 1e6;
  const elu = performance.eventLoopUtilization(elu0);
  held.generatorActiveMs += elu.active;
  held.generatorIdleMs += elu.idle;
  held.seconds += seconds;
  await sleep(WINDOW_DRAIN_MS);
  for (const p of peers) p.recording = false;
}

function callsResult(held: HeldCalls): CallsResult {
  const peers = held.calls.flatMap((c) => c.peers);
  const sent = peers.reduce((n, p) => n + p.stats.sent, 0);
  const received = peers.reduce((n, p) => n + p.stats.received, 0);
  const latencies = LatencyLog.concat(peers.map((p) => p.stats.latenciesMs)).sort();
  const setups = held.calls.map((c) => c.setupMs).sort((x, y) => x - y);
  const busy = held.generatorActiveMs + held.generatorIdleMs;
  return {
    calls: held.calls.length,
    setupMs: { p50: percentile(setups, 50), p99: percentile(setups, 99) },
    setupSamples: setups,
    cpuUsPerPacket: (held.cpuSeconds * 1e6) / Math.max(1, received),
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    lossPercent: sent > 0 ? (100 * Math.max(0, sent - received)) / sent : 100,
    relayedPerSecond: received / held.seconds,
    generatorCores: held.generatorCpuSeconds / held.seconds,
    generatorBusy: busy > 0 ? held.generatorActiveMs / busy : 0,
  };
}

/**
 * `count` concurrent calls with media both ways on every target at once, measured in windows that
 * take turns: each target's calls are placed (one target after the other), then only one
 * target's calls carry media at a time, `windows` windows of `seconds` each, the targets
 * alternating. This machine's speed drifts over tens of seconds (a latency p99 of 2 ms for
 * minutes, then 8 ms, for Janus as for Callgate); windows that alternate every few seconds lay
 * that drift on every target alike, where one target's run after the other's did not. The
 * other targets' calls stay up meanwhile, silent (RTCP and ICE consent only).
 */
export async function concurrentCalls(
  targets: RunningTarget[],
  count: number,
  windows: number,
  seconds: number,
): Promise<CallsResult[]> {
  const calls: Call[][] = targets.map(() => []);
  try {
    const held: HeldCalls[] = [];
    for (const [i, t] of targets.entries()) held.push(await holdCalls(t, count, calls[i]!));
    keepGeneratorAside();
    for (let w = 0; w < windows; w++) for (const h of held) await measureWindow(h, seconds);
    return held.map(callsResult);
  } finally {
    for (const c of calls.flat()) await hangUp(c);
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
