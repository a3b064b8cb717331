import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { collectGeneratorGarbage } from "./generator-garbage.js";

describe("collectGeneratorGarbage", () => {
  it("runs a full collection and waits for the sweeping after it", async () => {
    let collections = 0;
    const started = performance.now();
    assert.equal(await collectGeneratorGarbage(() => collections++, 30), true);
    assert.equal(collections, 1);
    assert.ok(performance.now() - started >= 25);
  });

  it("does nothing where gc() is not exposed", async () => {
    assert.equal(await collectGeneratorGarbage(undefined), false);
  });

  it("collects in a Node started as bench/run.mjs starts the generator", () => {
    const script = `import("${new URL("./generator-garbage.js", import.meta.url).href}").then(async (m) => { const before = process.memoryUsage().heapUsed; globalThis.junk = Array.from({ length: 2e5 }, (_, i) => ({ i })); globalThis.junk = null; console.log(await m.collectGeneratorGarbage(), process.memoryUsage().heapUsed < before + 4e6); })`;
    const run = spawnSync(
      process.execPath,
      ["--expose-gc", "--min-semi-space-size=128", "--max-semi-space-size=128", "-e", script],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), "true true");
  });
});
