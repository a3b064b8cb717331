import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { getPriority, release, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { settingKeys } from "@callgate/gateway";
import { GATEWAY_NODE_FLAGS } from "./node-flags.js";

const BIN = new URL("../bin/callgate.js", import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `callgate gateway` on free loopback ports and waits until it says it is ready. */
interface Ports {
  http: number;
  ws: number;
  wss: number;
  admin: number;
  adminSecure: number;
}

async function startGateway(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Started & { ports: Ports }> {
  // A port found free can be taken by another test process before the gateway binds it: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGatewayOnce(args, env);
    } catch (err) {
      if (attempt === 3 || !/is already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startGatewayOnce(args: string[], env: NodeJS.ProcessEnv): Promise<Started & { ports: Ports }> {
  const ports = {
    http: await freePort(),
    ws: await freePort(),
    wss: await freePort(),
    admin: await freePort(),
    adminSecure: await freePort(),
  };
  const child = spawn(
    process.execPath,
    [
      BIN,
      "gateway",
      "--bind",
      "127.0.0.1",
      "--http-port",
      `${ports.http}`,
      "--ws-port",
      `${ports.ws}`,
      "--wss-port",
      `${ports.wss}`,
      "--admin-port",
      `${ports.admin}`,
      "--admin-secure-port",
      `${ports.adminSecure}`,
      ...args,
    ],
    { env: { ...process.env, CALLGATE_LOG_FORMAT: "json", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const start = Date.now();
  while (!out.includes("gateway ready")) {
    if (child.exitCode !== null) throw new Error(`gateway exited: ${out}`);
    if (Date.now() - start > 10000) throw new Error(`gateway did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100));
  return {
    child,
    ports,
    output: () => out,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

function openTls(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () =>
      resolve(socket),
    );
    socket.once("error", reject);
  });
}

/** One HTTP/1.1 request on an open TLS socket; resolves with the status line. */
function statusOver(socket: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.once("data", (d: Buffer) => resolve(d.toString().split("\r\n")[0]!));
    socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  });
}

function tlsFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path: "/health", ca, servername: "localhost" },
      (res) => {
        const cert = (
          res.socket as unknown as { getPeerX509Certificate(): X509Certificate }
        ).getPeerX509Certificate();
        res.resume();
        resolve(cert.fingerprint256);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("callgate gateway (the command)", () => {
  it("documents every setting, its flag and its environment variable in --help", () => {
    const help = spawnSync(process.execPath, [BIN, "gateway", "--help"], { encoding: "utf8" }).stdout;
    assert.match(help, /-F, --configs-folder <dir>/);
    assert.match(help, /-C, --config <file>/);
    for (const key of settingKeys) {
      assert.ok(help.includes(`--${key.name}`), `--${key.name} missing from --help`);
      if (key.env) assert.ok(help.includes(key.env), `${key.env} missing from --help`);
    }
  });

  it("generates an admin secret once (mode 600, printed once) and a TLS certificate it keeps across restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
    const first = await startGateway(["-F", dir]);
    const secretFile = join(dir, "admin_secret");
    const secret = readFileSync(secretFile, "utf8").trim();
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "callgate-gateway.key")).mode & 0o777, 0o600);
    assert.ok(first.output().includes(secret), "the generated secret is printed on the first start");
    const cert = readFileSync(join(dir, "callgate-gateway.crt"), "utf8");
    const fingerprint = new X509Certificate(cert).fingerprint256;
    assert.ok(first.output().includes(fingerprint), "the fingerprint is printed at start");
    assert.ok(new X509Certificate(cert).checkHost("localhost"));
    assert.equal(await tlsFingerprint(first.ports.adminSecure, cert), fingerprint);
    assert.equal(await first.stop(), 0);

    const second = await startGateway(["-F", dir]);
    assert.ok(!second.output().includes(secret), "the secret is not printed again");
    assert.equal(readFileSync(join(dir, "callgate-gateway.crt"), "utf8"), cert, "the certificate is kept");
    const res = await fetch(`http://127.0.0.1:${second.ports.admin}/admin`, {
      method: "POST",
      body: JSON.stringify({ janus: "get_status", transaction: "t", admin_secret: secret }),
    });
    assert.equal(((await res.json()) as { janus: string }).janus, "success");
    await second.stop();
  });

  it("says at start-up which UDP ports and addresses media needs, and warns when none can be used", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-cli-media-"));
    const gw = await startGateway([
      "-F",
      dir,
      "--admin-secret",
      "media-test-secret",
      "--rtp-port-range",
      "20000-20100",
      "--ice-enforce-list",
      "no-such-interface0",
    ]);
    await gw.stop();
    const lines = gw
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; udp?: string; level: number });
    const reach = lines.find((l) => l.msg.startsWith("media: browsers send audio and video"));
    assert.equal(reach?.udp, "UDP 20000-20100");
    assert.match(reach?.msg ?? "", /TCP ports carry signalling only/);
    assert.ok(
      lines.some((l) => l.level === 40 && /no local address matches ice_enforce_list/.test(l.msg)),
      gw.output(),
    );
  });

  it("warns loudly about Janus's sample admin secret, and never logs secrets or tokens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
    const gw = await startGateway([
      "-F",
      dir,
      "--admin-secret",
      "janusoverlord",
      "--debug-level",
      "7",
      "--apisecret",
      "api-secret-value",
    ]);
    assert.match(gw.output(), /janusoverlord.*anyone who can reach the admin API/);
    const admin = `http://127.0.0.1:${gw.ports.admin}/admin`;
    await fetch(admin, {
      method: "POST",
      body: JSON.stringify({
        janus: "add_token",
        token: "token-value-123",
        transaction: "t",
        admin_secret: "janusoverlord",
      }),
    });
    await fetch(`http://127.0.0.1:${gw.ports.http}/janus`, {
      method: "POST",
      body: JSON.stringify({
        janus: "create",
        token: "token-value-123",
        apisecret: "wrong-api",
        transaction: "t",
      }),
    });
    await fetch(admin, {
      method: "POST",
      body: JSON.stringify({ janus: "get_status", transaction: "t", admin_secret: "wrong-admin-secret" }),
    });
    await new Promise((r) => setTimeout(r, 200));
    await gw.stop();
    const out = gw.output().replace(/janusoverlord' *:|'janusoverlord'/g, "");
    for (const secret of ["token-value-123", "api-secret-value", "wrong-admin-secret", "wrong-api"]) {
      assert.ok(!out.includes(secret), `${secret} appeared in the log`);
    }
  });

  it("runs the gateway in a Node started with the gateway's heap flags; SIGTERM to callgate stops both", async () => {
    const gw = await startGateway(["-F", mkdtempSync(join(tmpdir(), "cg-cli-"))]);
    const children = readFileSync(`/proc/${gw.child.pid}/task/${gw.child.pid}/children`, "utf8").trim();
    assert.match(children, /^\d+$/, "one child: the gateway");
    const gatewayPid = Number(children);
    const commandLine = readFileSync(`/proc/${gatewayPid}/cmdline`, "utf8").split("\0");
    for (const flag of GATEWAY_NODE_FLAGS) assert.ok(commandLine.includes(flag), commandLine.join(" "));
    assert.equal(await gw.stop(), 0);
    assert.match(gw.output(), /shutting down/);
    assert.throws(() => process.kill(gatewayPid, 0), "the gateway process is gone");
  });

  it("runs the gateway's helper threads below the relay's priority, as CALLGATE_HELPER_THREADS_NICE and _POLICY say", async () => {
    // Each thread's nice value and policy (the 41st field of its stat: 0 SCHED_OTHER, 5 SCHED_IDLE).
    const threads = async (env: NodeJS.ProcessEnv) => {
      const gw = await startGateway(["-F", mkdtempSync(join(tmpdir(), "cg-cli-"))], env);
      const gatewayPid = Number(readFileSync(`/proc/${gw.child.pid}/task/${gw.child.pid}/children`, "utf8"));
      const policyOf = (tid: number) =>
        Number(readFileSync(`/proc/${gatewayPid}/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[38]);
      const tids = readdirSync(`/proc/${gatewayPid}/task`)
        .map(Number)
        .filter((tid) => tid !== gatewayPid);
      const result = {
        main: getPriority(gatewayPid),
        mainPolicy: policyOf(gatewayPid),
        helpers: tids.map((tid) => getPriority(tid)),
        policies: tids.map(policyOf),
      };
      await gw.stop();
      return { ...result, output: gw.output() };
    };
    const lowered = await threads({});
    assert.equal(lowered.main, 0, "the relay's thread keeps its priority");
    assert.equal(lowered.mainPolicy, 0, "and its policy");
    assert.ok(lowered.helpers.length >= 4, "V8's worker threads");
    assert.ok(
      lowered.helpers.every((nice) => nice === 10),
      `every other thread at nice 10: ${lowered.helpers}`,
    );
    assert.ok(
      lowered.policies.every((policy) => policy === 5),
      `every other thread on SCHED_IDLE: ${lowered.policies}`,
    );
    assert.match(lowered.output, /"nice":10,"threads":\d+,"idlePolicy":\d+.*helper threads/);
    const niceOnly = await threads({ CALLGATE_HELPER_THREADS_POLICY: "nice" });
    assert.ok(niceOnly.helpers.every((nice) => nice === 10));
    assert.deepEqual(
      niceOnly.policies,
      niceOnly.policies.map(() => 0),
    );
    const alone = await threads({
      CALLGATE_HELPER_THREADS_NICE: "0",
      CALLGATE_HELPER_THREADS_POLICY: "nice",
    });
    assert.deepEqual([alone.main, ...alone.helpers], [0, ...alone.helpers.map(() => 0)]);
    assert.deepEqual(
      alone.policies,
      alone.policies.map(() => 0),
    );
    assert.doesNotMatch(alone.output, /helper threads/);

    for (const [name, value, message] of [
      [
        "CALLGATE_HELPER_THREADS_NICE",
        "low",
        /CALLGATE_HELPER_THREADS_NICE must be a whole number from 0 .* not "low"/,
      ],
      [
        "CALLGATE_HELPER_THREADS_POLICY",
        "batch",
        /CALLGATE_HELPER_THREADS_POLICY must be "idle" .* not "batch"/,
      ],
    ] as const) {
      const bad = spawnSync(
        process.execPath,
        [BIN, "gateway", "-F", mkdtempSync(join(tmpdir(), "cg-cli-"))],
        {
          encoding: "utf8",
          env: { ...process.env, [name]: value },
        },
      );
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, new RegExp(`configuration error: ${message.source}`));
    }
  });

  it("runs the relay's thread with the scheduler slice CALLGATE_RELAY_SLICE_US asks for (Linux 6.12+)", async () => {
    const relaySlice = async (env: NodeJS.ProcessEnv) => {
      const gw = await startGateway(["-F", mkdtempSync(join(tmpdir(), "cg-cli-"))], env);
      const gatewayPid = Number(readFileSync(`/proc/${gw.child.pid}/task/${gw.child.pid}/children`, "utf8"));
      // The scheduler's own view of the main thread: "se.slice : <ns>" (kernels with EEVDF).
      const sched = readFileSync(`/proc/${gatewayPid}/task/${gatewayPid}/sched`, "utf8");
      await gw.stop();
      return { slice: Number(/^se\.slice\s*:\s*(\d+)/m.exec(sched)?.[1]), output: gw.output() };
    };
    const [major = 0, minor = 0] = release().split(".").map(Number);
    const hasSlices = major > 6 || (major === 6 && minor >= 12);
    const short = await relaySlice({});
    const own = await relaySlice({ CALLGATE_RELAY_SLICE_US: "0" });
    if (hasSlices) {
      assert.equal(short.slice, 100_000, "0.1 ms, the default");
      assert.match(short.output, /"sliceUs":100,.*short scheduler slice/);
      assert.notEqual(own.slice, 100_000, "the kernel's own");
    } else {
      assert.match(short.output, /kernel's own scheduler slice/);
    }
    assert.match(own.output, /CALLGATE_RELAY_SLICE_US=0.*kernel's own scheduler slice/);
    const bad = spawnSync(process.execPath, [BIN, "gateway", "-F", mkdtempSync(join(tmpdir(), "cg-cli-"))], {
      encoding: "utf8",
      env: { ...process.env, CALLGATE_RELAY_SLICE_US: "5" },
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /configuration error: CALLGATE_RELAY_SLICE_US must be 0 .* not "5"/);
  });

  it("stops the gateway when callgate itself is killed outright, freeing its ports", async () => {
    const gw = await startGateway(["-F", mkdtempSync(join(tmpdir(), "cg-cli-"))]);
    const gatewayPid = Number(
      readFileSync(`/proc/${gw.child.pid}/task/${gw.child.pid}/children`, "utf8").trim(),
    );
    gw.child.kill("SIGKILL");
    await gw.stop();
    const start = Date.now();
    for (;;) {
      try {
        process.kill(gatewayPid, 0);
      } catch {
        break; // gone
      }
      if (Date.now() - start > 10000) assert.fail("the gateway outlived callgate by 10 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    const http = createServer();
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(gw.ports.http, "127.0.0.1", resolve);
    });
    http.close();
  });

  it("reloads TLS certificates on SIGHUP without dropping connections", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
    const certA = join(dir, "a.crt");
    const keyA = join(dir, "a.key");
    // Two certificates made by the gateway itself (in two state folders), swapped in under one path.
    const makeCert = async (state: string) => {
      const g = await startGateway(["-F", state]);
      await g.stop();
      return {
        cert: readFileSync(join(state, "callgate-gateway.crt"), "utf8"),
        key: readFileSync(join(state, "callgate-gateway.key"), "utf8"),
      };
    };
    const one = await makeCert(mkdtempSync(join(tmpdir(), "cg-c1-")));
    const two = await makeCert(mkdtempSync(join(tmpdir(), "cg-c2-")));
    writeFileSync(certA, one.cert);
    writeFileSync(keyA, one.key);
    const gw = await startGateway(["-F", dir, "--http-cert-pem", certA, "--http-cert-key", keyA]);
    const fp1 = new X509Certificate(one.cert).fingerprint256;
    const fp2 = new X509Certificate(two.cert).fingerprint256;
    const kept = await openTls(gw.ports.adminSecure, one.cert);
    assert.equal(kept.getPeerX509Certificate()?.fingerprint256, fp1);
    assert.equal(await statusOver(kept), "HTTP/1.1 200 OK");
    writeFileSync(certA, two.cert);
    writeFileSync(keyA, two.key);
    gw.child.kill("SIGHUP");
    const start = Date.now();
    while (!gw.output().includes("TLS certificates reloaded")) {
      if (Date.now() - start > 5000) throw new Error(`no reload: ${gw.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(
      await tlsFingerprint(gw.ports.adminSecure, two.cert),
      fp2,
      "new connections get the new certificate",
    );
    assert.equal(
      await statusOver(kept),
      "HTTP/1.1 200 OK",
      "the connection opened before the reload still works",
    );
    kept.destroy();
    assert.equal(gw.child.exitCode, null, "still running");
    await gw.stop();
  });

  it("fails with file, line and reason on a malformed config file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
    writeFileSync(join(dir, "janus.jcfg"), 'general: {\n  admin_secret = "x"\n  token_auth = maybe\n}\n');
    const run = spawnSync(process.execPath, [BIN, "gateway", "-F", dir], { encoding: "utf8" });
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      new RegExp(`configuration error: ${join(dir, "janus.jcfg")}:3: invalid value 'maybe'`),
    );
  });

  it("says which port is taken instead of crashing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as { port: number }).port;
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        "gateway",
        "-F",
        dir,
        "--bind",
        "127.0.0.1",
        "--ws-port",
        `${port}`,
        "--http-port",
        "0",
        "--wss-port",
        "0",
        "--admin-port",
        "0",
        "--admin-secure-port",
        "0",
      ],
      {
        encoding: "utf8",
        env: { ...process.env, CALLGATE_LOG_FORMAT: "json" },
      },
    );
    blocker.close();
    assert.equal(run.status, 3);
    assert.match(run.stdout, new RegExp(`port 127.0.0.1:${port} is already in use`));
  });
});
