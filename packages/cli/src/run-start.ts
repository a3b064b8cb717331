import { join } from "node:path";
import type { Logger, RunningGateway } from "@callgate/gateway";
import type { ConfigStore } from "@callgate/server";
import {
  type ChatServerFlags,
  launchChatServer,
  parseServerFlags,
  untilSignalled,
} from "./chat-server-launch.js";
import { type GatewayCommandOptions, launchGateway } from "./run-gateway.js";

export interface StartCommandOptions extends GatewayCommandOptions, ChatServerFlags {
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
  const flags = parseServerFlags(opts);
  if (typeof flags === "number") return flags;
  const launched = await launchGateway({
    ...opts,
    configsFolder: opts.configsFolder ?? join(flags.dataDir, "gateway"),
  });
  if (typeof launched === "number") return launched;
  const { gateway, log } = launched;
  const bind = typeof opts.bind === "string" ? opts.bind : "::";
  const server = await launchChatServer(flags, bind, (config) =>
    pointAtThisGateway(config, gateway, opts.publicHost, log),
  );
  if (typeof server === "number") {
    await gateway.close();
    return server;
  }
  const address = server.app.server.address();
  const port = typeof address === "object" && address ? address.port : flags.port;
  process.stdout.write(`\n  Callgate is running. Open http://${opts.publicHost}:${port}/ in a browser.\n\n`);
  return untilSignalled(async (signal) => {
    log.info({ signal }, "shutting down");
    await server.stop();
    await gateway.close();
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
