import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GATEWAY_NODE_FLAGS } from "@callgate/cli";
import { type GatewayPorts, writeJanusConfigs } from "./janus-configs.js";
import { freePort, PortTakenError, retryIfPortTaken, waitForHttp } from "./ports.js";

/** This file runs from e2e/dist/support/. */
export const REPO_ROOT = new URL("../../../", import.meta.url).pathname;
export const CALLGATE_BIN = join(REPO_ROOT, "packages/cli/bin/callgate.js");

export interface RunningTarget {
  name: string;
  http: string;
  admin: string;
  ws: string;
  adminWs: string;
  configsFolder: string;
  logFile: string;
  /** The gateway's process id, to read its sockets from /proc. */
  pid: number;
  ports: GatewayPorts;
  stop(): Promise<void>;
}

export function janusInstalled(): boolean {
  return spawnSync("janus", ["--version"], { stdio: "ignore" }).status === 0 || existsSync("/usr/bin/janus");
}

async function ports(): Promise<GatewayPorts> {
  return { http: await freePort(), admin: await freePort(), ws: await freePort(), adminWs: await freePort() };
}

async function run(
  name: string,
  command: string,
  args: string[],
  dir: string,
  p: GatewayPorts,
): Promise<RunningTarget> {
  const logFile = join(dir, `${name}.log`);
  const proc = spawnLogged(command, args, logFile, { ...process.env, CALLGATE_LOG_FORMAT: "json" });
  const alive = () => proc.isAlive();
  const target: RunningTarget = {
    name,
    http: `http://127.0.0.1:${p.http}/janus`,
    admin: `http://127.0.0.1:${p.admin}/admin`,
    ws: `ws://127.0.0.1:${p.ws}`,
    adminWs: `ws://127.0.0.1:${p.adminWs}`,
    configsFolder: dir,
    logFile,
    pid: proc.pid,
    ports: p,
    stop: proc.stop,
  };
  try {
    await waitForHttp(`${target.http}/info`, 15000, alive);
    // Another test's process may have taken one of our ports between freePort() and the bind:
    // then ours exits at once, and what answered was the other one.
    await new Promise((r) => setTimeout(r, 300));
    if (!alive()) throw new PortTakenError();
  } catch (err) {
    await target.stop();
    if (err instanceof PortTakenError || !alive()) throw new PortTakenError();
    throw new Error(`${name} did not start (log: ${logFile}): ${(err as Error).message}`);
  }
  return target;
}

export interface LoggedProcess {
  pid: number;
  isAlive(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * util-linux's setpriv, which execs the command with a parent-death signal set (prctl
 * PR_SET_PDEATHSIG): a gateway started by a test or the benchmark is then stopped when the harness
 * dies without stop() (killed, crashed), not left running on its ports. The process keeps its pid.
 */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

/** Spawns a process with its stdout and stderr appended to `logFile`; it ends when this process does. */
export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): LoggedProcess {
  const log = createWriteStream(logFile, { flags: "a" });
  const [file, argv] = SETPRIV ? [SETPRIV, ["--pdeathsig", "TERM", "--", command, ...args]] : [command, args];
  const child: ChildProcess = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], env });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let alive = true;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      alive = false;
      resolve();
    }),
  );
  return {
    pid: child.pid ?? 0,
    isAlive: () => alive,
    async stop() {
      if (alive) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a gateway on fresh free ports, again with other ports if one was taken meanwhile. */
function withFreshPorts(start: (p: GatewayPorts) => Promise<RunningTarget>): Promise<RunningTarget> {
  return retryIfPortTaken(async () => start(await ports()));
}

/** Debian's Janus 1.1.2 with freshly written Janus config files. */
export async function startJanus(extraGeneral = "", extraNat = ""): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), "cg-janus-"));
  return withFreshPorts((p) => {
    writeJanusConfigs(dir, p, extraGeneral, extraNat);
    return run("janus", "janus", ["-F", dir, "-C", join(dir, "janus.jcfg")], dir, p);
  });
}

/** `callgate gateway -F DIR` with the same Janus config files (only the ports differ). */
export async function startCallgate(extraGeneral = "", extraNat = ""): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), "cg-callgate-"));
  return withFreshPorts((p) => {
    writeJanusConfigs(dir, p, extraGeneral, extraNat);
    // CALLGATE_NODE_ARGS: flags for the gateway's Node (the benchmark's --profile passes --cpu-prof).
    // The flags `callgate gateway` would start itself again with, given here so that the process
    // measured is the gateway (not a parent waiting for it).
    const nodeArgs = [
      ...GATEWAY_NODE_FLAGS,
      ...(process.env.CALLGATE_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
    ];
    return run("callgate", process.execPath, [...nodeArgs, CALLGATE_BIN, "gateway", "-F", dir], dir, p);
  });
}

/** `callgate gateway` with Callgate's own flags, for WebRTC tests: loopback only, token auth on. */
export async function startCallgateMedia(
  adminSecret: string,
  extraArgs: string[] = [],
): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), "cg-media-"));
  return withFreshPorts((p) => startCallgateAt(dir, p, adminSecret, extraArgs));
}

/**
 * As startCallgateMedia, in a given state folder and on given ports: the same gateway again
 * after a stop (same certificate, same addresses), as a restart.
 */
export function startCallgateAt(
  dir: string,
  p: GatewayPorts,
  adminSecret: string,
  extraArgs: string[] = [],
): Promise<RunningTarget> {
  return run(
    "callgate",
    process.execPath,
    [
      ...GATEWAY_NODE_FLAGS,
      CALLGATE_BIN,
      "gateway",
      "-F",
      dir,
      "--bind",
      "127.0.0.1",
      "--ice-enforce-list",
      "127.0.0.1",
      "--admin-secret",
      adminSecret,
      "--http-port",
      `${p.http}`,
      "--ws-port",
      `${p.ws}`,
      "--admin-port",
      `${p.admin}`,
      "--admin-ws",
      "--admin-ws-port",
      `${p.adminWs}`,
      "--no-wss",
      "--no-admin-secure",
      ...extraArgs,
    ],
    dir,
    p,
  );
}
