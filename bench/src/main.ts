// `npm run bench` (quick) and `npm run bench -- --full`: the same scenarios against the Callgate
// gateway and Debian's Janus 1.1.2, started with the same Janus config files, one after the
// other in the same run; results as JSON and as docs/performance.md.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { CONFORMANCE_ADMIN_SECRET } from "../../e2e/dist/support/janus-configs.js";
import {
  REPO_ROOT,
  type RunningTarget,
  startCallgate,
  startJanus,
} from "../../e2e/dist/support/processes.js";
import { keepGeneratorAside } from "./generator-priority.js";
import { percentile } from "./proc-stats.js";
import { GENERATOR_SATURATED, renderReport, type TargetResults } from "./report.js";
import {
  median,
  type RequestServer,
  renderFloor,
  requestWindows,
  startFloorServers,
} from "./request-rates.js";
import {
  type ActiveCallMemory,
  adminRequest,
  type CallsResult,
  concurrentCalls,
  loneCallSetups,
  memoryPerActiveCall,
  memoryPerIdleSession,
  TOKEN,
} from "./scenarios.js";

const aside = keepGeneratorAside();
if (!aside.mainBatch || aside.idleHelpers === 0)
  console.log(
    "[bench] the generator's scheduling policy could not be set (chrt for its main thread, the native addon for its helpers): its helpers are only lowered 10 nice levels",
  );

const full = process.argv.includes("--full");
const levels = full ? [1, 10, 50] : [1, 5];
/** Each round of a call level: this many measuring windows per target, alternating, of WINDOW_SECONDS. */
const windows = full ? 5 : 2;
const WINDOW_SECONDS = 2;
/**
 * Calls held on every target, with media in two windows each, before the call levels, and not
 * counted: Callgate's relay is JIT-compiled and starts cold, and the first level's first round
 * paid for the compiling (CPU per packet at one call 0.85-1.10 times Janus's in full runs' first
 * rounds and 1.33 in a quick run, where the rounds after it were 0.50-0.72), as the request
 * rates' first window did before it was left out. The report's "How" gives the same count.
 */
const WARM_UP_CALLS = 5;
/** Set-up samples of the 1-call level beyond its rounds' (see callLevels). */
const LONE_CALL_SETUPS = full ? 17 : 4;
// Memory per idle session: the growth from IDLE_SESSIONS[0] sessions by IDLE_SESSIONS[1] more. The
// count doubles, so that each gateway's session table grows once inside it, as it does at any scale
// (a window that held two of Callgate's Map doublings and one of Janus's would weigh them unevenly);
// enough sessions that they stand out of the heap's own swings; below Callgate's default limit of 20,000.
// The same in quick mode: from 2,000 to 4,000 the sessions' share of code compiled and pages touched
// once weighed on Callgate's figure (256-303 bytes a session against 163-174 from 8,000).
const IDLE_SESSIONS = [8_000, 8_000];
// Memory per active call: the growth from ACTIVE_CALLS[0] calls with media to ACTIVE_CALLS[1].
const ACTIVE_CALLS = full ? [10, 30] : [5, 10];
// Both gateways gather ICE candidates on the namespace's veth end (127.0.0.2): see bench/run.mjs.
const NAT = '\tice_enforce_list = "cg0"\n';

interface RequestRates {
  cyclesPerSecond: number;
  addTokensPerSecond: number;
  /** Each window's rate, in the order they ran (the medians above are of these). */
  cyclesByWindow: number[];
  addTokensByWindow: number[];
}

/** A started gateway, with the token every scenario's client brings (token auth is on in the configs). */
async function withBenchToken(target: RunningTarget): Promise<RunningTarget> {
  await adminRequest(target, CONFORMANCE_ADMIN_SECRET, { janus: "add_token", token: TOKEN });
  return target;
}

/** The request rates of every target, side by side (see requestWindows): each one's median. */
async function requestRates(targets: RequestServer[]): Promise<RequestRates[]> {
  const windows = await requestWindows(targets, CONFORMANCE_ADMIN_SECRET, full ? 3 : 1);
  return windows.map((w) => ({
    cyclesPerSecond: median(w.cycles),
    addTokensPerSecond: median(w.tokens),
    cyclesByWindow: w.cycles,
    addTokensByWindow: w.tokens,
  }));
}

/**
 * Each figure's median over rounds (set-up times: percentiles of every call's, pooled); the generator's load is the highest seen, so † errs towards
 * marking. Memory per call is the first round's: later rounds start from a heap the bigger levels
 * before them grew (and shrink as it is collected), so their RSS growth says nothing per call.
 */
function medianOfRounds(rounds: CallsResult[], extraSetups: number[] = []): CallsResult {
  const m = (pick: (r: CallsResult) => number) => median(rounds.map(pick));
  // Set-up times are pooled over the rounds (one sample a call), with any extra samples.
  const setups = [...rounds.flatMap((r) => r.setupSamples), ...extraSetups].sort((a, b) => a - b);
  return {
    calls: rounds[0]!.calls,
    setupMs: { p50: percentile(setups, 50), p99: percentile(setups, 99) },
    setupSamples: setups,
    cpuUsPerPacket: m((r) => r.cpuUsPerPacket),
    latencyMs: {
      p50: m((r) => r.latencyMs.p50),
      p99: m((r) => r.latencyMs.p99),
      max: m((r) => r.latencyMs.max),
    },
    lossPercent: m((r) => r.lossPercent),
    relayedPerSecond: m((r) => r.relayedPerSecond),
    generatorCores: Math.max(...rounds.map((r) => r.generatorCores)),
    generatorBusy: Math.max(...rounds.map((r) => r.generatorBusy ?? 0)),
    byRound: rounds.map((r) => ({ cpuUsPerPacket: r.cpuUsPerPacket, latencyMs: r.latencyMs })),
  };
}

/**
 * Every call level on every target, in rounds: in each round each level holds its calls on every
 * target at once and measures them in windows that alternate between the targets (see
 * concurrentCalls), the target that goes first changing from round to round; the report takes
 * each figure's median over the rounds (three in full mode).
 */
async function callLevels(names: string[], targets: RunningTarget[]): Promise<CallsResult[][]> {
  const rounds = full ? 3 : 1;
  const results: CallsResult[][][] = targets.map(() => levels.map(() => []));
  console.log(`[${names.join(", ")}] warm-up: ${WARM_UP_CALLS} calls on each, not counted`);
  await concurrentCalls(targets, WARM_UP_CALLS, 2, WINDOW_SECONDS);
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? [...targets.keys()] : [...targets.keys()].reverse();
    for (const [l, n] of levels.entries()) {
      console.log(
        `[${order.map((i) => names[i]).join(", ")}] ${n} concurrent call(s), round ${round} of ${rounds}`,
      );
      const measured = await concurrentCalls(
        order.map((i) => targets[i]!),
        n,
        windows,
        WINDOW_SECONDS,
      );
      for (const [k, i] of order.entries()) results[i]![l]!.push(measured[k]!);
    }
  }
  // One call a round is three set-up samples at the 1-call level, too few for a median of a
  // distribution with 0.5 s outliers (Janus's): calls placed alone, the targets taking turns,
  // add LONE_CALL_SETUPS samples each.
  const lone: number[][] = targets.map(() => []);
  if (levels[0] === 1) {
    for (let i = 0; i < LONE_CALL_SETUPS; i++) {
      for (const [t, target] of targets.entries()) {
        if (i === 0) console.log(`[${names[t]}] set-up of ${LONE_CALL_SETUPS} calls placed alone`);
        lone[t]!.push(...(await loneCallSetups(target, 1, 1000 + i)));
      }
    }
  }
  return results.map((perLevel, t) =>
    perLevel.map((rounds, l) => medianOfRounds(rounds, levels[l] === 1 ? lone[t] : [])),
  );
}

/**
 * Resident memory per idle session, each target in turn, once: on gateways that have run nothing
 * yet (see memoryPerIdleSession), so it comes first in a run. The other target idles meanwhile.
 */
async function idleSessionMemory(targets: RunningTarget[]): Promise<number[]> {
  const bytes: number[] = [];
  for (const t of targets) bytes.push(await memoryPerIdleSession(t, IDLE_SESSIONS[0]!, IDLE_SESSIONS[1]!));
  return bytes;
}

/**
 * Resident memory per active call of each gateway, on gateways started for it and stopped after:
 * one that has held calls before reuses what they freed (Janus's malloc grew by 50-250 KiB a call
 * where a fresh one grows by about 950), one that has held none yet pays once for the media path.
 */
async function activeCallMemory(): Promise<ActiveCallMemory[]> {
  const results: ActiveCallMemory[] = [];
  for (const start of [startCallgate, startJanus]) {
    const target = await withBenchToken(await start("", NAT));
    try {
      results.push(await memoryPerActiveCall(target, ACTIVE_CALLS[0]!, ACTIVE_CALLS[1]!));
    } finally {
      await target.stop();
    }
  }
  return results;
}

/** What is measured before the capacity search. */
type Measured = RequestRates & Pick<TargetResults, "idleSessionBytes" | "activeCallMemory" | "calls">;

/** The capacity search, then the target's results; the target is stopped at the end. */
async function finish(name: string, target: RunningTarget, measured: Measured): Promise<TargetResults> {
  const log = (what: string) => console.log(`[${name}] ${what}`);
  try {
    let capacity: number | undefined;
    let capacityGeneratorBound = false;
    if (full) {
      for (let n = 10; n <= 200; n += 10) {
        log(`capacity: ${n} calls`);
        const r = (await concurrentCalls([target], n, 1, 5).catch(() => undefined))?.[0];
        if (!r || r.lossPercent >= 1) break;
        capacity = n;
        // Past this the generator's own event loop is the bottleneck: more calls measure it, not the gateway.
        if ((r.generatorBusy ?? 0) >= GENERATOR_SATURATED) {
          capacityGeneratorBound = true;
          break;
        }
      }
    }
    return { name, ...measured, capacity, capacityGeneratorBound };
  } finally {
    await target.stop();
  }
}

const janusVersion = spawnSync("janus", ["--version"]).stdout?.toString().split("\n")[0] ?? "janus";
// `--profile`: Callgate only, with its CPU profile written to the system's temp folder (no report).
if (process.argv.includes("--profile")) {
  process.env.CALLGATE_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${tmpdir()}/callgate-profile`;
  const target = await withBenchToken(await startCallgate("", NAT));
  const idle = (await idleSessionMemory([target]))[0]!;
  const rates = (await requestRates([target]))[0]!;
  const calls = (await callLevels(["Callgate"], [target]))[0]!;
  const profiled = await finish("Callgate", target, { ...rates, idleSessionBytes: idle, calls });
  console.log(JSON.stringify(profiled.calls, null, 2), `\nprofiles in ${tmpdir()}/callgate-profile`);
  process.exit(0);
}
// `--floor`: the two request rates of both gateways beside a bare ws and node:http server (no report).
if (process.argv.includes("--floor")) {
  const floor = await startFloorServers();
  const gateways = [await withBenchToken(await startCallgate()), await withBenchToken(await startJanus())];
  try {
    const servers = [{ ...gateways[0]!, name: "Callgate" }, { ...gateways[1]!, name: "Janus" }, floor];
    console.log(renderFloor(servers, await requestWindows(servers, CONFORMANCE_ADMIN_SECRET, full ? 3 : 2)));
  } finally {
    for (const t of gateways) await t.stop();
    await floor.stop();
  }
  process.exit(0);
}
console.log("[both] memory per active call, on gateways of its own, one after the other");
const active = await activeCallMemory();
const targets = [
  await withBenchToken(await startCallgate("", NAT)),
  await withBenchToken(await startJanus("", NAT)),
];
let callgate: TargetResults;
let janus: TargetResults;
let floor: RequestRates;
try {
  console.log("[both] memory per idle session, one gateway after the other");
  const idle = await idleSessionMemory(targets);
  console.log("[both] signalling and add_token, in alternating windows, beside the floor (Node alone)");
  const floorServers = await startFloorServers();
  const rates = await requestRates([...targets, floorServers]).finally(() => floorServers.stop());
  floor = rates[2]!;
  // One target works at a time from here; the other idles (a few thousandths of a core).
  const calls = await callLevels(["Callgate", "Janus"], targets);
  const measured = (i: number): Measured => ({
    ...rates[i]!,
    idleSessionBytes: idle[i]!,
    activeCallMemory: active[i]!,
    calls: calls[i]!,
  });
  callgate = await finish("Callgate", targets[0]!, measured(0));
  janus = await finish("Janus", targets[1]!, measured(1));
} finally {
  for (const t of targets) await t.stop();
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${janusVersion}`;
const command = `npm run bench${full ? " -- --full" : ""}`;
const results = {
  date: new Date().toISOString(),
  machine,
  command,
  mode: full ? "full" : "quick",
  callgate,
  janus,
  floor: { cyclesPerSecond: floor.cyclesPerSecond, addTokensPerSecond: floor.addTokensPerSecond },
};
const outJson = join(REPO_ROOT, "docs", `performance${full ? "" : "-quick"}.json`);
writeFileSync(outJson, `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderReport(results);
const outMarkdown = join(REPO_ROOT, "docs", "performance.md");
const writeDocs = full || process.argv.includes("--write-docs");
if (writeDocs) writeFileSync(outMarkdown, markdown);
// In the repository's own format (the check would fail on the files just written otherwise).
spawnSync(
  join(REPO_ROOT, "node_modules", ".bin", "biome"),
  ["format", "--write", outJson, ...(writeDocs ? [outMarkdown] : [])],
  {
    stdio: "ignore",
  },
);
console.log(markdown);
