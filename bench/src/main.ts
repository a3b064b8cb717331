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

async function medianOf(runs: number, measureOnce: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measureOnce());
  return values.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function measure(name: string, start: () => Promise<RunningTarget>): Promise<TargetResults> {
  const target = await start();
  const log = (what: string) => console.log(`[${name}] ${what}`);
  try {
    await adminRequest(target, CONFORMANCE_ADMIN_SECRET, { janus: "add_token", token: TOKEN });
    log("signalling");
    // A warm-up window first, not counted: both the generator (our client, JIT-compiled) and
    // Callgate start cold, and whichever target went first would otherwise pay for the generator's
    // warm-up as well as its own. Then, as request/response rates swing with whatever else the
    // 2 cores do, the median of three windows.
    await signallingCycles(target, 2);
    await addTokensPerSecond(target, CONFORMANCE_ADMIN_SECRET, 2);
    const cycles = await medianOf(3, () => signallingCycles(target, full ? 5 : 2));
    const tokens = await medianOf(3, () =>
      addTokensPerSecond(target, CONFORMANCE_ADMIN_SECRET, full ? 5 : 2),
    );
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
      cyclesPerSecond: cycles,
      addTokensPerSecond: tokens,
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
  const profiled = await measure("Callgate", () => startCallgate("", NAT));
  console.log(JSON.stringify(profiled.calls, null, 2), `\nprofiles in ${tmpdir()}/callgate-profile`);
  process.exit(0);
}
const callgate = await measure("Callgate", () => startCallgate("", NAT));
const janus = await measure("Janus", () => startJanus("", NAT));
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
