import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("processes started by the test harness", () => {
  it("end when the harness is killed without stopping them", async () => {
    // A harness of its own: starts a long-running process with spawnLogged, prints its pid, waits.
    const processes = new URL("./processes.js", import.meta.url).href;
    const harness = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { spawnLogged } = await import(${JSON.stringify(processes)});
         const child = spawnLogged("sleep", ["60"], "/dev/null");
         console.log(child.pid);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const pid = await new Promise<number>((resolve) =>
      harness.stdout.once("data", (data: Buffer) => resolve(Number(String(data).trim()))),
    );
    assert.ok(pid > 0 && isRunning(pid), "the started process runs");
    harness.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const left = isRunning(pid);
    if (left) process.kill(pid, "SIGKILL");
    assert.equal(left, false, "the started process outlived the harness");
  });
});
