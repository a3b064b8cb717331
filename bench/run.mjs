#!/usr/bin/env node
// Runs the benchmark inside a network namespace of its own (as root): loopback, plus a veth end
// holding 127.0.0.2 that both gateways gather ICE candidates on (Janus skips loopback-flagged
// interfaces). No packet can leave the machine.
import { spawnSync } from "node:child_process";

const main = new URL("./dist/main.js", import.meta.url).pathname;
const args = process.argv
  .slice(2)
  .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
  .join(" ");
if (process.getuid?.() !== 0) {
  console.error("the benchmark needs root to make its network namespace (unshare --net)");
  process.exit(1);
}
const setup =
  "ip link set lo up && ip link add cg0 type veth peer name cg1 && ip addr add 127.0.0.2/32 dev cg0 && ip link set cg0 up && ip link set cg1 up";
// The generator collects its own garbage between windows (collectGeneratorGarbage,
// src/generator-garbage.ts), with young semi-spaces of a fixed 128 MiB: a window's packets need
// no collection.
const generatorFlags = "--expose-gc --min-semi-space-size=128 --max-semi-space-size=128";
const result = spawnSync(
  "unshare",
  ["--net", "--", "bash", "-c", `${setup} && exec '${process.execPath}' ${generatorFlags} '${main}' ${args}`],
  {
    stdio: "inherit",
  },
);
process.exit(result.status ?? 1);
