import { resolve } from "node:path";
import { buildServer, ConfigStore, openDatabase } from "@callgate/server";
import { WEB_ROOT } from "@callgate/web";
import type { Command } from "commander";

/** Flags `server` and `start` share. */
export interface ChatServerFlags {
  port: string;
  dataDir: string;
  ringTimeout: string;
  sessionLength: string;
  turnCredentialsLifetime: string;
}

class UsageError extends Error {}

/** The chat server's timing flags, shared by `server` and `start`. */
export function addServerTimingOptions(command: Command): Command {
  return command
    .option("--ring-timeout <seconds>", "how long a call rings unanswered before 'no answer'", "45")
    .option("--session-length <days>", "how long a login lasts", "30")
    .option("--turn-credentials-lifetime <hours>", "how long issued TURN credentials stay valid", "24");
}

/** A positive number from a flag; a UsageError naming the flag otherwise. */
function positive(flag: string, value: string): number {
  const n = Number(value);
  if (Number.isFinite(n) && n > 0) return n;
  throw new UsageError(`callgate: ${flag} must be a positive number, not '${value}'`);
}

export interface ParsedServerFlags {
  port: number;
  dataDir: string;
  timing: { ringTimeoutMs: number; sessionLengthMs: number; turnCredentialsLifetimeSeconds: number };
}

/** Checks the shared flags; prints what is wrong and returns exit code 2 otherwise. */
export function parseServerFlags(opts: ChatServerFlags): ParsedServerFlags | number {
  try {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`callgate: --port must be a port number (0-65535), not '${opts.port}'`);
    return {
      port,
      dataDir: resolve(opts.dataDir),
      timing: {
        ringTimeoutMs: positive("--ring-timeout", opts.ringTimeout) * 1000,
        sessionLengthMs: positive("--session-length", opts.sessionLength) * 24 * 3600 * 1000,
        turnCredentialsLifetimeSeconds:
          positive("--turn-credentials-lifetime", opts.turnCredentialsLifetime) * 3600,
      },
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(err.message);
    return 2;
  }
}

/** How long a stop waits for open requests and sockets before it closes them. */
const STOP_GRACE_MS = 1000;

export type RunningChatServer = { app: ReturnType<typeof buildServer>; stop(): Promise<void> };

/**
 * Opens the database (SQLite in the data folder, or DATABASE_URL), lets `configure` adjust the
 * settings, and serves the API and the web app; exit code 3 when the port cannot be had.
 */
export async function launchChatServer(
  flags: ParsedServerFlags,
  bind: string,
  configure: (config: ConfigStore) => Promise<void> = async () => {},
): Promise<RunningChatServer | number> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const db = await openDatabase({ dataDir: flags.dataDir, databaseUrl });
  const config = await ConfigStore.load(db);
  await configure(config);
  const app = buildServer({
    db,
    config,
    webRoot: WEB_ROOT,
    ...flags.timing,
    logger: { level: process.env.CALLGATE_LOG_LEVEL ?? "info" },
  });
  try {
    await app.listen({ port: flags.port, host: bind });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === "EADDRINUSE"
        ? `callgate: port ${bind}:${flags.port} is already in use (change --port or stop the other program)`
        : `callgate: cannot listen on ${bind}:${flags.port}: ${(err as Error).message}`,
    );
    await db.destroy();
    return 3;
  }
  app.log.info(
    { dataDir: flags.dataDir, database: databaseUrl ? "postgresql" : "sqlite" },
    "chat server ready",
  );
  return {
    app,
    async stop() {
      // In-flight requests get a moment; then what is left is cut. A browser's spare connection
      // (opened ahead, no request on it) is not idle to Node, and held a stop for seconds (the
      // chat WebSockets are closed by the hub, on close).
      const force = setTimeout(() => app.server.closeAllConnections(), STOP_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
      await db.destroy();
    },
  };
}

/**
 * Waits for SIGINT or SIGTERM, runs `stop` once, and resolves with exit code 0; when stopping
 * fails it rejects, and bin/callgate.js says why and exits 1. Signals that come while it stops are
 * ignored: Ctrl-C reaches the `callgate` parent (see node-flags.ts) and this process alike, and a
 * service manager may signal every process of the service.
 */
export function untilSignalled(stop: (signal: string) => Promise<void>): Promise<number> {
  return new Promise<number>((done, fail) => {
    let stopping = false;
    const on = (signal: string) => {
      if (stopping) return;
      stopping = true;
      stop(signal).then(() => done(0), fail);
    };
    process.on("SIGINT", () => on("SIGINT"));
    process.on("SIGTERM", () => on("SIGTERM"));
  });
}
