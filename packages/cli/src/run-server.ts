import { resolve } from "node:path";
import { buildServer, ConfigStore, openDatabase } from "@callgate/server";
import { WEB_ROOT } from "@callgate/web";
import { parseTiming, type ServerTimingOptions, UsageError } from "./server-timing.js";

export interface ServerCommandOptions extends ServerTimingOptions {
  port: string;
  bind: string;
  dataDir: string;
}

/** `callgate server`: the chat server in the foreground until SIGINT/SIGTERM. Returns the exit code. */
export async function runServer(opts: ServerCommandOptions): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`callgate: --port must be a port number (0-65535), not '${opts.port}'`);
    return 2;
  }
  let timing: ReturnType<typeof parseTiming>;
  try {
    timing = parseTiming(opts);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(err.message);
    return 2;
  }
  const dataDir = resolve(opts.dataDir);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const db = await openDatabase({ dataDir, databaseUrl });
  const app = buildServer({
    db,
    config: await ConfigStore.load(db),
    webRoot: WEB_ROOT,
    ...timing,
    logger: { level: process.env.CALLGATE_LOG_LEVEL ?? "info" },
  });
  try {
    await app.listen({ port, host: opts.bind });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === "EADDRINUSE"
        ? `callgate: port ${opts.bind}:${port} is already in use (change --port or stop the other program)`
        : `callgate: cannot listen on ${opts.bind}:${port}: ${(err as Error).message}`,
    );
    await db.destroy();
    return 3;
  }
  app.log.info({ dataDir, database: databaseUrl ? "postgresql" : "sqlite" }, "chat server ready");
  return new Promise<number>((done) => {
    const stop = (signal: string) => {
      app.log.info({ signal }, "shutting down");
      app
        .close()
        .then(() => db.destroy())
        .then(() => done(0));
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
