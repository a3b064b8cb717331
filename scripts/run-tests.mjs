#!/usr/bin/env node
// Runs every compiled test (`*.test.js` under packages/*/dist, bench/dist and e2e/dist) with Node's test runner.
// Tests are TypeScript beside the code they check; `npm run build` compiles them first.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;

function find(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const roots = [];
if (only !== "e2e") {
  for (const pkg of readdirSync(join(root, "packages"))) roots.push(join(root, "packages", pkg, "dist"));
  roots.push(join(root, "bench", "dist"));
}
if (only !== "packages") roots.push(join(root, "e2e", "dist"));
// `--only e2e`, `--only packages`, or any part of a test's path (e.g. `--only videocall`).
const files = roots
  .flatMap((dir) => find(dir, []))
  .filter(
    (f) => only === undefined || only === "e2e" || only === "packages" || relative(root, f).includes(only),
  )
  .sort();
if (files.length === 0) {
  console.error("no compiled tests found: run `npm run build` first");
  process.exit(1);
}
console.log(`running ${files.length} test files:\n${files.map((f) => `  ${relative(root, f)}`).join("\n")}`);
// WebRTC tests (`*.webrtc.test.js`) run inside a network namespace of their own whose only
// interface is loopback: no candidate, STUN or TURN traffic can leave the machine.
const webrtc = files.filter((f) => f.endsWith(".webrtc.test.js"));
const plain = files.filter((f) => !f.endsWith(".webrtc.test.js"));
const scratch = mkdtempSync(join(tmpdir(), "callgate-tests-"));

/** Spec output for people; a TAP copy to count results. */
function run(label, list, wrap) {
  if (list.length === 0) return { status: 0, tap: "" };
  const tap = join(scratch, `${label}.tap`);
  const args = [
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...list,
  ];
  const [command, commandArgs] = wrap ? wrap(args) : [process.execPath, args];
  const result = spawnSync(command, commandArgs, { stdio: "inherit", cwd: root });
  if (result.error) console.error(`${label} tests could not start: ${result.error.message}`);
  let text = "";
  try {
    text = readFileSync(tap, "utf8");
  } catch {}
  return { status: result.status ?? 1, tap: text };
}

const inNetns = (args) => {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return ["unshare", ["--net", "--", "bash", "-c", `ip link set lo up && exec ${quoted}`]];
};
if (webrtc.length > 0 && process.getuid?.() !== 0) {
  console.error(
    "WebRTC tests need root to make their network namespace (unshare --net); run the tests as root.",
  );
}
const results = [run("plain", plain), run("webrtc", webrtc, inNetns)];
const count = (name) =>
  results.reduce((n, r) => n + Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(r.tap)?.[1] ?? 0), 0);
const failedRuns = results.filter((r) => r.status !== 0).length;
const failed = Math.max(count("fail"), failedRuns > 0 && count("fail") === 0 ? 1 : 0);
const todo = count("todo");
if (todo > 0)
  console.log(
    `${todo} test(s) marked todo: known defects that run but do not fail the suite (see their titles)`,
  );
console.log(`tests: ${count("pass")} passed, ${failed} failed, ${count("skipped")} skipped`);
process.exit(failedRuns > 0 ? 1 : 0);
