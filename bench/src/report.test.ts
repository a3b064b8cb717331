import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderReport, type TargetResults } from "./report.js";
import type { CallsResult } from "./scenarios.js";

const level = (cpu: number[], p99: number[]): CallsResult => ({
  calls: 10,
  setupMs: { p50: 30, p99: 90 },
  setupSamples: [30, 90],
  cpuUsPerPacket: [...cpu].sort((a, b) => a - b)[1] as number,
  latencyMs: { p50: 0.2, p99: [...p99].sort((a, b) => a - b)[1] as number, max: 5 },
  lossPercent: 0,
  relayedPerSecond: 3000,
  generatorCores: 0.3,
  generatorBusy: 0.3,
  byRound: cpu.map((c, i) => ({ cpuUsPerPacket: c, latencyMs: { p50: 0.2, p99: p99[i] as number, max: 5 } })),
});

const target = (name: string, cycles: number[], calls: CallsResult): TargetResults => ({
  name,
  cyclesPerSecond: [...cycles].sort((a, b) => a - b)[Math.floor(cycles.length / 2)] as number,
  addTokensPerSecond: 1000,
  cyclesByWindow: cycles,
  idleSessionBytes: 1024,
  activeCallMemory: { from: 10, to: 30, perCallBytes: 500 * 1024, firstCallsPerCallBytes: 900 * 1024 },
  calls: [calls],
  capacity: undefined,
});

const results = {
  date: "2026-11-29T12:00:00Z",
  machine: "test",
  command: "npm run bench",
  mode: "quick",
  callgate: target("Callgate", [900, 800, 1000], level([50, 60, 55], [1.0, 2.0, 1.5])),
  janus: target("Janus", [1000, 1000, 1000], level([100, 100, 100], [2.0, 1.0, 1.5])),
};
const report = renderReport(results);
const line = (figure: string) => report.split("\n").find((l) => l.startsWith(`| ${figure}`)) ?? "";

describe("performance report", () => {
  it("gives each round's ratio, paired by position, beside the ratio of the medians", () => {
    // Medians: p99 1.5 against 1.5; by round 1.0/2.0, 2.0/1.0, 1.5/1.5.
    assert.match(line("10 call(s): relay latency p99"), /\| 1\.5 \| 1\.5 \| 1 \| 0\.5, 2, 1 \| yes \|$/);
    assert.match(line("10 call(s): gateway CPU"), /\| 0\.55 \| 0\.5, 0\.6, 0\.55 \| yes \|$/);
    assert.match(line("signalling"), /\| 900 \| 1,000 \| 0\.9 \| 0\.9, 0\.8, 1 \| \*\*no\*\* \|$/);
  });

  it("leaves the column empty where a figure had no rounds to pair", () => {
    assert.match(line("admin add_token"), /\| 1 \| {2}\| yes \|$/);
    assert.match(line("10 call(s): set-up, call to both webrtcup, p50"), /\| {2}\| yes \|$/);
  });

  it("gives memory per active call once, from the counts it was measured between", () => {
    assert.match(
      line("resident memory per active call, 10 to 30 calls (KiB)"),
      /\| 500 \| 500 \| 1 \| {2}\| yes \|$/,
    );
    assert.match(
      report,
      /to the first 10 calls, over them, .* was 900 KiB a call for Callgate and 900 for Janus/s,
    );
  });

  it("says where the request rates stand against the floor, only when it was measured", () => {
    assert.doesNotMatch(report, /The floor under the two request rates/);
    const withFloor = renderReport({
      ...results,
      floor: { cyclesPerSecond: 1200, addTokensPerSecond: 2000 },
    });
    assert.match(withFloor, /windows: 1,200\s+cycles\/s and 2,000 add_token requests\/s/);
    assert.match(withFloor, /Callgate reached 75% and 50% of\s+it, Janus 83% and 50%/);
  });

  it("says a quick run is a smoke test and points to the full run, and a full run does not", () => {
    assert.match(
      report,
      /quick mode\)\.\nA quick run, a smoke test for CI: one round at 10 calls, .*\n.*\n\(`npm run bench -- --full`, docs\/performance\.md\)\. Both/,
    );
    const fullReport = renderReport({ ...results, mode: "full", command: "npm run bench -- --full" });
    assert.doesNotMatch(fullReport, /smoke test/);
  });

  it("has a header cell for every column of every row", () => {
    const cells = (l: string) => l.split("|").length;
    const header = line("figure");
    for (const l of report.split("\n").filter((x) => x.startsWith("| ") && !x.startsWith("| ---")))
      assert.equal(cells(l), cells(header), l);
  });
});
