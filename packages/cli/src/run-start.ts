import { join, resolve } from "node:path";
import type { Logger, RunningGateway } from "@callgate/gateway";
import { buildServer, ConfigStore, openDatabase } from "@callgate/server";
import { WEB_ROOT } from "@callgate/web";
import { type GatewayCommandOptions, launchGateway } from "./run-gateway.js";
import { parseTiming, type ServerTimingOptions, UsageError } from "./server-timing.js";

export interface StartCommandOptions extends GatewayCommandOptions, ServerTimingOptions {
  port: string;
  dataDir: string;
  publicHost: string;
}

/**
 * `callgate start`: the gateway, the chat server and the web app in one process with embedded
 * defaults. The gateway keeps its state in DATA/gateway (generated admin secret, self-signed
 * certificate); the server keeps SQLite in DATA. On every start the server's WebRTC settings are
 * pointed at this gateway (its admin secret, its certificate pinned), unless an admin has pointed
 * them at another gateway.
 */
export async function runStart(opts: StartCommandOptions): Promise<number> {
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
  const launched = await launchGateway({
    ...opts,
    configsFolder: opts.configsFolder ?? join(dataDir, "gateway"),
  });
  if (typeof launched === "number") return launched;
  const { gateway, log } = launched;

  const databaseUrl = process.env.DATABASE_URL || undefined;
  const db = await openDatabase({ dataDir, databaseUrl });
  const config = await ConfigStore.load(db);
  await pointAtThisGateway(config, gateway, opts.publicHost, log);
  const app = buildServer({
    db,
    config,
    webRoot: WEB_ROOT,
    ...timing,
    logger: { level: process.env.CALLGATE_LOG_LEVEL ?? "info" },
  });
  const bind = typeof opts.bind === "string" ? opts.bind : "::";
  try {
    await app.listen({ port, host: bind });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === "EADDRINUSE"
        ? `callgate: port ${port} is already in use (change --port or stop the other program)`
        : `callgate: cannot listen on ${bind}:${port}: ${(err as Error).message}`,
    );
    await db.destroy();
    await gateway.close();
    return 3;
  }
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  process.stdout.write(
    `\n  Callgate is running. Open http://${opts.publicHost}:${actualPort}/ in a browser.\n\n`,
  );

  return new Promise<number>((done) => {
    const stop = (signal: string) => {
      log.info({ signal }, "shutting down");
      app
        .close()
        .then(() => db.destroy())
        .then(() => gateway.close())
        .then(() => done(0));
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

/** The server's WebRTC settings for the gateway started alongside it. */
async function pointAtThisGateway(
  config: ConfigStore,
  gateway: RunningGateway,
  publicHost: string,
  log: Logger,
): Promise<void> {
  const find = (name: string) => gateway.listeners.find((l) => l.name === name);
  const adminTls = find("admin API (HTTPS)");
  const adminPlain = find("admin API (HTTP)");
  const ws = find("Janus API (WebSocket)") ?? find("Janus API (secure WebSocket)");
  const admin = adminTls ?? adminPlain;
  if (!admin || !ws) {
    log.warn("the gateway has no admin API or no WebSocket listener: set up WebRTC in the System Console");
    return;
  }
  // The server reaches its own gateway on loopback; browsers reach the WebSocket at the public host.
  const adminUrl = `${adminTls ? "https" : "http"}://127.0.0.1:${admin.port}/admin`;
  const wsUrl = `${ws.url.startsWith("wss") ? "wss" : "ws"}://${publicHost}:${ws.port}`;
  const current = config.get();
  const w = current.WebrtcSettings;
  if (w.GatewayAdminUrl && w.GatewayAdminUrl !== adminUrl) {
    log.info(
      { gateway: w.GatewayAdminUrl },
      "WebRTC settings point at another gateway: left as the admin set them",
    );
    return;
  }
  const firstTime = !w.GatewayAdminUrl;
  await config.update({
    ...current,
    WebrtcSettings: {
      ...w,
      Enable: firstTime ? true : w.Enable,
      GatewayAdminUrl: adminUrl,
      GatewayWebsocketUrl: firstTime ? wsUrl : w.GatewayWebsocketUrl || wsUrl,
      GatewayAdminSecret: gateway.adminSecret.value,
      GatewayCertificateFingerprint: adminTls ? (gateway.certificate?.fingerprint ?? "") : "",
    },
  });
  log.info(
    { admin: adminUrl, websocket: wsUrl, pinned: Boolean(adminTls) },
    "WebRTC set up for this machine's gateway",
  );
}
