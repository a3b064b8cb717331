import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForHttp } from "./ports.js";
import { CALLGATE_BIN, spawnLogged } from "./processes.js";

export interface RunningChatServer {
  url: string;
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** `callgate server` (chat server and web app) on a free port, SQLite in a fresh folder or PostgreSQL. */
export async function startChatServer(
  options: { databaseUrl?: string; extraArgs?: string[]; dataDir?: string } = {},
): Promise<RunningChatServer> {
  const port = await freePort();
  return spawnCallgate("server", port, options);
}

export interface AllInOnePorts {
  web: number;
  http: number;
  ws: number;
  wss: number;
  admin: number;
  adminSecure: number;
}

export async function freeAllInOnePorts(): Promise<AllInOnePorts> {
  return {
    web: await freePort(),
    http: await freePort(),
    ws: await freePort(),
    wss: await freePort(),
    admin: await freePort(),
    adminSecure: await freePort(),
  };
}

/** `callgate start` (gateway, chat server and web app in one process) with its own ports, on loopback. */
export function startAllInOne(dataDir: string, ports: AllInOnePorts): Promise<RunningChatServer> {
  return spawnCallgate("start", ports.web, {
    dataDir,
    extraArgs: [
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
      "--ice-enforce-list",
      "127.0.0.1",
    ],
  });
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
    throw new Error(`callgate ${command} did not start (log: ${logFile}): ${(err as Error).message}`);
  }
  return { url, dataDir, logFile, stop };
}
