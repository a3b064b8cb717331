#!/usr/bin/env node
// Runs every compiled test (`*.test.js` under packages/*/dist and e2e/dist) with Node's test runner.
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
if (only !== "e2e")
  for (const pkg of readdirSync(join(root, "packages"))) roots.push(join(root, "packages", pkg, "dist"));
if (only !== "packages") roots.push(join(root, "e2e", "dist"));
const files = roots.flatMap((dir) => find(dir, [])).sort();
if (files.length === 0) {
  console.error("no compiled tests found: run `npm run build` first");
  process.exit(1);
}
console.log(`running ${files.length} test files:\n${files.map((f) => `  ${relative(root, f)}`).join("\n")}`);
// Spec output for people; a TAP copy to count results and end with one plain summary line.
const tap = join(mkdtempSync(join(tmpdir(), "callgate-tests-")), "results.tap");
const result = spawnSync(
  process.execPath,
  [
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: "inherit", cwd: root },
);
let summary = "";
try {
  const text = readFileSync(tap, "utf8");
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
  summary = `${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped`;
} catch {
  summary = "0 passed, 1 failed";
}
console.log(`tests: ${summary}`);
process.exit(result.status ?? 1);
