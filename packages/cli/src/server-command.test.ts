import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const BIN = new URL("../bin/callgate.js", import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `callgate server` in the foreground: resolves once it says it is ready. */
async function startServer(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, "server", "--bind", "127.0.0.1", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: "", ...env },
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const start = Date.now();
  while (!out.includes("chat server ready") && child.exitCode === null) {
    if (Date.now() - start > 15000) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    output: () => out,
    exited,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

describe("callgate server", () => {
  it("serves the API from a data folder it creates, keeps data across restarts, and stops cleanly", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "cg-server-cli-")), "data");
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v4`;
    const first = await startServer(["--port", `${port}`, "--data-dir", dataDir]);
    const created = await fetch(`${base}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", email: "admin@example.com", password: "correct horse" }),
    });
    assert.equal(created.status, 201);
    assert.equal(await first.stop(), 0);

    const second = await startServer(["--port", `${port}`, "--data-dir", dataDir]);
    const login = await fetch(`${base}/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login_id: "admin", password: "correct horse" }),
    });
    assert.equal(login.status, 200, "the account survived the restart");
    const me = await fetch(`${base}/users/me`, {
      headers: { authorization: `Bearer ${login.headers.get("token")}` },
    });
    assert.equal(((await me.json()) as { roles: string }).roles, "system_admin system_user");
    assert.equal(await second.stop(), 0);
  });

  it("stops, when asked, though a client holds a connection open without a request on it", async () => {
    const port = await freePort();
    const running = await startServer([
      "--port",
      `${port}`,
      "--data-dir",
      mkdtempSync(join(tmpdir(), "cg-server-cli-")),
    ]);
    // As a browser's spare connection: opened ahead, nothing sent. Node keeps it until its
    // headers timeout (a minute); the server cuts it after a short grace.
    const spare = connect(port, "127.0.0.1");
    await new Promise((resolve) => spare.once("connect", resolve));
    const closed = new Promise((resolve) => spare.once("close", resolve));
    assert.equal(await running.stop(), 0);
    await closed;
  });

  it("says clearly when its port is taken, and refuses a bad port", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "cg-server-cli-"));
    const running = await startServer(["--port", `${port}`, "--data-dir", dataDir]);
    const clash = await startServer([
      "--port",
      `${port}`,
      "--data-dir",
      mkdtempSync(join(tmpdir(), "cg-server-cli-")),
    ]);
    assert.equal(await clash.exited, 3);
    assert.match(clash.output(), new RegExp(`port 127.0.0.1:${port} is already in use`));
    assert.equal(await running.stop(), 0);
    const bad = await startServer(["--port", "http", "--data-dir", dataDir]);
    assert.equal(await bad.exited, 2);
    assert.match(bad.output(), /--port must be a port number/);
    const badRing = await startServer(["--ring-timeout", "soon", "--data-dir", dataDir]);
    assert.equal(await badRing.exited, 2);
    assert.match(badRing.output(), /--ring-timeout must be a positive number, not 'soon'/);
  });
});
