import type { Server } from "node:http";
import { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { GatewaySettings, ListenerSettings } from "./config/settings.js";
import { AdminApi } from "./core/admin-api.js";
import { Authenticator } from "./core/auth/authenticator.js";
import { GatewayCore } from "./core/gateway-core.js";
import { JanusApi } from "./core/janus-api.js";
import { ServerInfo } from "./core/server-info.js";
import { HostCandidates } from "./media/host-candidates.js";
import { collectWhenMediaStops } from "./media/idle-collection.js";
import { WeriftEngine } from "./media/werift/werift-engine.js";
import { GatewayMetrics } from "./observability/metrics.js";
import { loadPlugins } from "./plugins/registry.js";
import { type AdminSecret, resolveAdminSecret } from "./secrets.js";
import {
  type CertificatePair,
  defaultHostnames,
  ensureGeneratedCertificate,
  readCertificate,
} from "./tls/certificates.js";
import { HttpAdminTransport } from "./transports/http-admin.js";
import { requestTarget, sendEmpty } from "./transports/http-common.js";
import { HttpEventQueues } from "./transports/http-event-queues.js";
import { HttpJanusTransport } from "./transports/http-janus.js";
import { encoder } from "./transports/json-codec.js";
import { bindAddress, createServer, listen } from "./transports/listeners.js";
import { WebSocketTransport } from "./transports/websocket.js";

export interface ListenerAddress {
  name: string;
  url: string;
  port: number;
}

export interface RunningGateway {
  readonly core: GatewayCore;
  readonly adminSecret: AdminSecret;
  /** The TLS certificate of the secure listeners (undefined when none is enabled). */
  readonly certificate: CertificatePair | undefined;
  readonly listeners: ListenerAddress[];
  readonly metrics: GatewayMetrics;
  /** Where media flows: what a firewall must let through, for the start-up message. */
  readonly media: MediaReach;
  /** Re-reads the TLS certificate files and swaps them in without dropping connections (SIGHUP). */
  reloadCertificates(): Promise<void>;
  close(): Promise<void>;
}

export interface MediaReach {
  /** The UDP ports browsers send media to, e.g. "UDP 20000-40000". */
  udpPorts: string;
  /** How RTP is relayed, e.g. "fast path, SRTP in the native addon, media read in batches (recvmmsg)". */
  relay: string;
  /** Local addresses used for ICE host candidates. */
  hostAddresses: string[];
  /** What browsers are told instead (nat_1_1_mapping), if anything. */
  publicAddresses: string[];
  /** Whether a STUN or TURN server gives the gateway candidates beyond its own addresses. */
  iceServers: boolean;
}

const HTTP_TRANSPORT = "janus.transport.http";
const WS_TRANSPORT = "janus.transport.websockets";

function transportEnabled(disabled: string[], name: string, library: string): boolean {
  return !disabled.includes(name) && !disabled.includes(library);
}

/** Builds and starts the whole gateway from settings: core, plugins, transports, metrics. */
export async function startGateway(settings: GatewaySettings, log: Logger): Promise<RunningGateway> {
  const adminSecret = resolveAdminSecret(settings.general.adminSecret, settings.stateDir, log);
  const auth = new Authenticator({
    apiSecret: settings.general.apiSecret,
    tokenAuth: settings.general.tokenAuth,
    tokenAuthSecret: settings.general.tokenAuthSecret,
    adminSecret: adminSecret.value,
  });
  const plugins = loadPlugins(settings.plugins.disabled);
  let wsTransports: WebSocketTransport[] = [];
  const metrics: GatewayMetrics = new GatewayMetrics({
    sessions: () => core.sessions.size,
    handles: () => core.handles.size,
    webSocketConnections: () => wsTransports.reduce((n, t) => n + t.connections, 0),
    tokens: () => auth.tokens.size,
    relay: () => media.counters,
  });
  // No STUN/TURN server is used unless configured: nothing leaves the machine by default.
  const hosts = new HostCandidates({
    enforce: settings.nat.iceEnforceList,
    ignore: settings.nat.iceIgnoreList,
    nat11Mapping: settings.nat.nat11Mapping,
    keepPrivateHost: settings.nat.keepPrivateHost,
  });
  const media = new WeriftEngine({
    hosts,
    portRange: settings.media.rtpPortRange,
    iceServers: [
      ...(settings.nat.stunServer
        ? [{ urls: `stun:${settings.nat.stunServer}:${settings.nat.stunPort}` }]
        : []),
      ...(settings.nat.turnServer && settings.nat.turnUser
        ? [
            {
              urls: `turn:${settings.nat.turnServer}:${settings.nat.turnPort}?transport=${settings.nat.turnType}`,
              username: settings.nat.turnUser,
              credential: settings.nat.turnPwd ?? "",
            },
          ]
        : []),
    ],
  });
  const core: GatewayCore = new GatewayCore(
    {
      serverName: settings.general.serverName,
      sessionTimeout: settings.general.sessionTimeout,
      reclaimSessionTimeout: settings.general.reclaimSessionTimeout,
      candidatesTimeout: settings.general.candidatesTimeout,
      debugLevel: settings.general.debugLevel,
      noMediaTimer: settings.media.noMediaTimer,
      slowlinkThreshold: settings.media.slowlinkThreshold,
      minNackQueue: settings.media.minNackQueue,
      fullTrickle: settings.nat.fullTrickle,
      maxSessionsPerConnection: settings.limits.maxSessionsPerConnection,
      maxSessions: settings.limits.maxSessions,
    },
    plugins,
    auth,
    log,
    metrics,
    media,
  );
  const disabled = settings.transports.disabled;
  const httpOn = transportEnabled(disabled, HTTP_TRANSPORT, "libjanus_http.so");
  const wsOn = transportEnabled(disabled, WS_TRANSPORT, "libjanus_websockets.so");
  const serverInfo = new ServerInfo(core, auth, {
    localIp: bindAddress(settings.websockets.ws) ?? "0.0.0.0",
    publicIps: settings.nat.nat11Mapping,
    fullTrickle: settings.nat.fullTrickle,
    iceLite: settings.nat.iceLite,
    iceTcp: false,
    stunServer: settings.nat.stunServer ? `${settings.nat.stunServer}:${settings.nat.stunPort}` : undefined,
    turnServer: settings.nat.turnServer ? `${settings.nat.turnServer}:${settings.nat.turnPort}` : undefined,
    transports: [...(httpOn ? [HTTP_TRANSPORT] : []), ...(wsOn ? [WS_TRANSPORT] : [])],
  });
  const janusApi = new JanusApi(core, serverInfo);
  const adminApi = new AdminApi(core, serverInfo);

  // TLS: configured certificates, else the generated self-signed one (made once, kept in the state folder).
  const h = settings.http;
  const w = settings.websockets;
  const needsHttpTls = httpOn && (h.https.enabled || h.adminSecure.enabled);
  const needsWsTls = wsOn && (w.wss.enabled || w.adminWss.enabled);
  let generated: CertificatePair | undefined;
  const certificateFor = async (
    pem: string | undefined,
    key: string | undefined,
    pwd: string | undefined,
  ) => {
    if (pem && key) return readCertificate(pem, key, pwd);
    generated ??= await ensureGeneratedCertificate(
      settings.stateDir,
      settings.tls.hostnames.length ? settings.tls.hostnames : defaultHostnames(),
    );
    return generated;
  };
  let httpTls = needsHttpTls ? await certificateFor(h.certPem, h.certKey, h.certPwd) : undefined;
  let wsTls = needsWsTls ? await certificateFor(w.certPem, w.certKey, w.certPwd) : undefined;

  const servers: Array<{ server: Server; tls: "http" | "ws" | undefined }> = [];
  const listeners: ListenerAddress[] = [];
  const start = async (
    name: string,
    listener: ListenerSettings,
    scheme: string,
    path: string,
    server: Server,
    tls?: "http" | "ws",
  ) => {
    const address: AddressInfo = await listen(server, listener, name);
    servers.push({ server, tls });
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    listeners.push({ name, url: `${scheme}://${host}:${address.port}${path}`, port: address.port });
  };
  const maxBody = settings.limits.maxMessageBytes;

  try {
    if (httpOn) {
      const queues = new HttpEventQueues(log);
      const cors = { allowOrigin: h.allowOrigin, enforceCors: h.enforceCors };
      const janusHttp = new HttpJanusTransport(
        janusApi,
        queues,
        {
          basePath: h.basePath,
          cors,
          maxBodyBytes: maxBody,
          longPollMs: settings.limits.longPollMs,
          encode: encoder(h.json),
        },
        log,
      );
      const adminHttp = new HttpAdminTransport(adminApi, {
        basePath: h.adminBasePath,
        cors,
        maxBodyBytes: maxBody,
        encode: encoder(h.json),
      });
      const apiHandler = (
        req: Parameters<typeof janusHttp.handle>[0],
        res: Parameters<typeof janusHttp.handle>[1],
      ) => {
        janusHttp.handle(req, res).then(
          (handled) => handled || sendEmpty(res, 404),
          (err) => {
            log.error({ err }, "HTTP request failed");
            sendEmpty(res, 500);
          },
        );
      };
      const adminHandler = (
        req: Parameters<typeof janusHttp.handle>[0],
        res: Parameters<typeof janusHttp.handle>[1],
      ) => {
        const path = req.method === "GET" ? requestTarget(req.url).pathname : "";
        if (path === "/metrics") {
          metrics.registry.metrics().then(
            (text) => {
              res.writeHead(200, { "Content-Type": metrics.registry.contentType });
              res.end(text);
            },
            (err) => {
              log.error({ err }, "metrics collection failed");
              sendEmpty(res, 500);
            },
          );
          return;
        }
        if (path === "/health") {
          const body = JSON.stringify({
            status: core.acceptingNewSessions ? "ok" : "draining",
            sessions: core.sessions.size,
          });
          res.writeHead(core.acceptingNewSessions ? 200 : 503, { "Content-Type": "application/json" });
          res.end(body);
          return;
        }
        adminHttp.handle(req, res).then(
          (handled) => handled || sendEmpty(res, 404),
          (err) => {
            log.error({ err }, "admin HTTP request failed");
            sendEmpty(res, 500);
          },
        );
      };
      if (h.http.enabled)
        await start("Janus API (HTTP)", h.http, "http", h.basePath, createServer(undefined, apiHandler));
      if (h.https.enabled)
        await start(
          "Janus API (HTTPS)",
          h.https,
          "https",
          h.basePath,
          createServer(httpTls, apiHandler),
          "http",
        );
      if (h.admin.enabled)
        await start(
          "admin API (HTTP)",
          h.admin,
          "http",
          h.adminBasePath,
          createServer(undefined, adminHandler),
        );
      if (h.adminSecure.enabled)
        await start(
          "admin API (HTTPS)",
          h.adminSecure,
          "https",
          h.adminBasePath,
          createServer(httpTls, adminHandler),
          "http",
        );
    }
    if (wsOn) {
      const make = (kind: "api" | "admin") => {
        const t = new WebSocketTransport(
          { kind, allowOrigin: w.allowOrigin, maxMessageBytes: maxBody, encode: encoder(w.json) },
          core,
          janusApi,
          adminApi,
          log,
        );
        wsTransports.push(t);
        return t;
      };
      const wsServer = (tls: CertificatePair | undefined, transport: WebSocketTransport) => {
        const server = createServer(tls);
        transport.attach(server);
        return server;
      };
      if (w.ws.enabled || w.wss.enabled) {
        const api = make("api");
        if (w.ws.enabled) await start("Janus API (WebSocket)", w.ws, "ws", "", wsServer(undefined, api));
        if (w.wss.enabled)
          await start("Janus API (secure WebSocket)", w.wss, "wss", "", wsServer(wsTls, api), "ws");
      }
      if (w.adminWs.enabled || w.adminWss.enabled) {
        const admin = make("admin");
        if (w.adminWs.enabled)
          await start("admin API (WebSocket)", w.adminWs, "ws", "", wsServer(undefined, admin));
        if (w.adminWss.enabled)
          await start("admin API (secure WebSocket)", w.adminWss, "wss", "", wsServer(wsTls, admin), "ws");
      }
    }
  } catch (err) {
    await Promise.all(servers.map(({ server }) => closeServer(server)));
    throw err;
  }
  core.start();
  const idleCollection = collectWhenMediaStops(() => media.counters);

  return {
    core,
    adminSecret,
    certificate: wsTls ?? httpTls,
    listeners,
    metrics,
    media: {
      udpPorts: media.describePorts(),
      relay: media.describeRelay(),
      hostAddresses: hosts.addresses,
      publicAddresses: hosts.publicAddresses,
      iceServers: settings.nat.stunServer !== undefined || settings.nat.turnServer !== undefined,
    },
    async reloadCertificates() {
      generated = undefined;
      if (needsHttpTls) httpTls = await certificateFor(h.certPem, h.certKey, h.certPwd);
      if (needsWsTls) wsTls = await certificateFor(w.certPem, w.certKey, w.certPwd);
      for (const { server, tls } of servers) {
        const pair = tls === "http" ? httpTls : tls === "ws" ? wsTls : undefined;
        if (pair && server instanceof HttpsServer)
          server.setSecureContext({ cert: pair.cert, key: pair.key, passphrase: pair.passphrase });
      }
      log.info({ fingerprint: (wsTls ?? httpTls)?.fingerprint }, "TLS certificates reloaded");
    },
    async close() {
      idleCollection.stop();
      for (const t of wsTransports) t.close();
      wsTransports = [];
      core.close();
      await Promise.all(servers.map(({ server }) => closeServer(server)));
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
