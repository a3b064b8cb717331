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
import { GENERATOR_SATURATED, renderReport, type TargetResults } from "./report.js";
import {
  addTokensPerSecond,
  adminRequest,
  type CallsResult,
  concurrentCalls,
  memoryPerIdleSession,
  signallingCycles,
  TOKEN,
} from "./scenarios.js";

const full = process.argv.includes("--full");
const levels = full ? [1, 10, 50] : [1, 5];
const seconds = full ? 10 : 4;
// Both gateways gather ICE candidates on the namespace's veth end (127.0.0.2): see bench/run.mjs.
const NAT = '\tice_enforce_list = "cg0"\n';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface RequestRates {
  cyclesPerSecond: number;
  addTokensPerSecond: number;
}

/**
 * Signalling cycles and add_token requests per second of every target, running side by side,
 * measured in alternating windows (one target's, then the next's, five rounds) and the median
 * of each taken: this machine's speed drifts by tens of percent over minutes, and alternating
 * lays the drift on all targets alike. A warm-up window of each comes first, not counted: the
 * generator (our client) and Callgate are JIT-compiled and start cold.
 */
async function requestRates(targets: RunningTarget[]): Promise<RequestRates[]> {
  const window = full ? 3 : 1;
  const cycles: number[][] = targets.map(() => []);
  const tokens: number[][] = targets.map(() => []);
  for (const target of targets) {
    await adminRequest(target, CONFORMANCE_ADMIN_SECRET, { janus: "add_token", token: TOKEN });
    await signallingCycles(target, 2);
    await addTokensPerSecond(target, CONFORMANCE_ADMIN_SECRET, 2);
  }
  for (let round = 0; round < 5; round++) {
    for (const [i, target] of targets.entries()) {
      cycles[i]!.push(await signallingCycles(target, window));
      tokens[i]!.push(await addTokensPerSecond(target, CONFORMANCE_ADMIN_SECRET, window));
    }
  }
  return targets.map((_, i) => ({
    cyclesPerSecond: median(cycles[i]!),
    addTokensPerSecond: median(tokens[i]!),
  }));
}

async function measure(name: string, target: RunningTarget, rates: RequestRates): Promise<TargetResults> {
  const log = (what: string) => console.log(`[${name}] ${what}`);
  try {
    await adminRequest(target, CONFORMANCE_ADMIN_SECRET, { janus: "add_token", token: TOKEN });
    log("idle sessions");
    const idle = await memoryPerIdleSession(target, full ? 2000 : 500);
    const calls: CallsResult[] = [];
    for (const n of levels) {
      log(`${n} concurrent call(s)`);
      calls.push(await concurrentCalls(target, n, seconds));
    }
    let capacity: number | undefined;
    let capacityGeneratorBound = false;
    if (full) {
      for (let n = 10; n <= 200; n += 10) {
        log(`capacity: ${n} calls`);
        const r = await concurrentCalls(target, n, 5).catch(() => undefined);
        if (!r || r.lossPercent >= 1) break;
        capacity = n;
        // Past this the generator's own event loop is the bottleneck: more calls measure it, not the gateway.
        if ((r.generatorBusy ?? 0) >= GENERATOR_SATURATED) {
          capacityGeneratorBound = true;
          break;
        }
      }
    }
    return {
      name,
      ...rates,
      idleSessionBytes: idle,
      calls,
      capacity,
      capacityGeneratorBound,
    };
  } finally {
    await target.stop();
  }
}

const janusVersion = spawnSync("janus", ["--version"]).stdout?.toString().split("\n")[0] ?? "janus";
// `--profile`: Callgate only, with its CPU profile written to the system's temp folder (no report).
if (process.argv.includes("--profile")) {
  process.env.CALLGATE_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${tmpdir()}/callgate-profile`;
  const target = await startCallgate("", NAT);
  const profiled = await measure("Callgate", target, (await requestRates([target]))[0]!);
  console.log(JSON.stringify(profiled.calls, null, 2), `\nprofiles in ${tmpdir()}/callgate-profile`);
  process.exit(0);
}
const targets = [await startCallgate("", NAT), await startJanus("", NAT)];
console.log("[both] signalling and add_token, in alternating windows");
let callgate: TargetResults;
let janus: TargetResults;
try {
  const rates = await requestRates(targets);
  // Each is measured alone from here (the other idles: a few thousandths of a core).
  callgate = await measure("Callgate", targets[0]!, rates[0]!);
  janus = await measure("Janus", targets[1]!, rates[1]!);
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
};
const outJson = join(REPO_ROOT, "docs", `performance${full ? "" : "-quick"}.json`);
writeFileSync(outJson, `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderReport(results);
if (full || process.argv.includes("--write-docs"))
  writeFileSync(join(REPO_ROOT, "docs", "performance.md"), markdown);
console.log(markdown);
