import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, PortTakenError, retryIfPortTaken, waitForHttp } from "./ports.js";
import { CALLGATE_BIN, spawnLogged } from "./processes.js";

export interface RunningChatServer {
  url: string;
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * `callgate server` (chat server and web app) on a free port, SQLite in a fresh folder or
 * PostgreSQL; on another free port if another test took this one meanwhile.
 */
export function startChatServer(
  options: { databaseUrl?: string; extraArgs?: string[]; dataDir?: string } = {},
): Promise<RunningChatServer> {
  return retryIfPortTaken(async () => spawnCallgate("server", await freePort(), options));
}

export interface AllInOnePorts {
  web: number;
  http: number;
  ws: number;
  wss: number;
  admin: number;
  adminSecure: number;
}

export interface RunningAllInOne extends RunningChatServer {
  ports: AllInOnePorts;
}

async function freeAllInOnePorts(): Promise<AllInOnePorts> {
  return {
    web: await freePort(),
    http: await freePort(),
    ws: await freePort(),
    wss: await freePort(),
    admin: await freePort(),
    adminSecure: await freePort(),
  };
}

/**
 * `callgate start` (gateway, chat server and web app in one process) on loopback: on the ports
 * given (a restart), or else on free ones, chosen again if another test took one meanwhile.
 */
export function startAllInOne(dataDir: string, ports?: AllInOnePorts): Promise<RunningAllInOne> {
  const start = async (p: AllInOnePorts): Promise<RunningAllInOne> => ({
    ...(await spawnCallgate("start", p.web, {
      dataDir,
      extraArgs: [
        "--http-port",
        `${p.http}`,
        "--ws-port",
        `${p.ws}`,
        "--wss-port",
        `${p.wss}`,
        "--admin-port",
        `${p.admin}`,
        "--admin-secure-port",
        `${p.adminSecure}`,
        "--ice-enforce-list",
        "127.0.0.1",
      ],
    })),
    ports: p,
  });
  return ports ? start(ports) : retryIfPortTaken(async () => start(await freeAllInOnePorts()));
}

async function spawnCallgate(
  command: "server" | "start",
  port: number,
  options: { databaseUrl?: string; extraArgs?: string[]; dataDir?: string },
): Promise<RunningChatServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "cg-chat-"));
  const logFile = join(dataDir, "server.log");
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const args = [CALLGATE_BIN, command, "--port", `${port}`, "--bind", "127.0.0.1", "--data-dir", dataDir];
  const proc = spawnLogged(process.execPath, [...args, ...(options.extraArgs ?? [])], logFile, env);
  const url = `http://localhost:${port}`;
  const stop = proc.stop;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/v4/config/client`, 20000, proc.isAlive);
  } catch (err) {
    await stop();
    // The log's end says why (it is gone with the runner's temporary folders once CI ends).
    const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-12).join("\n");
    const message = `callgate ${command} did not start (log: ${logFile}): ${(err as Error).message}\n${tail}`;
    // "already in use": another test took one of the ports between freePort() and the bind.
    throw /already in use/.test(tail) ? new PortTakenError(message) : new Error(message);
  }
  return { url, dataDir, logFile, stop };
}
