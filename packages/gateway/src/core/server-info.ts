import { randomBytes } from "node:crypto";
import type { JsonObject } from "@callgate/protocol";
import type { Plugin } from "../plugins/plugin.js";
import type { Authenticator } from "./auth/authenticator.js";
import type { GatewayCore } from "./gateway-core.js";

export const CALLGATE_VERSION = "0.1.0";

export interface TransportInfo {
  name: string;
  author: string;
  description: string;
  version_string: string;
  version: number;
}

export const transportInfos: Record<string, TransportInfo> = {
  "janus.transport.http": {
    name: "Callgate REST (HTTP/HTTPS) transport",
    author: "Callgate",
    description: "The Janus API and admin API over HTTP and HTTPS, with long polling.",
    version_string: "0.0.2",
    version: 2,
  },
  "janus.transport.websockets": {
    name: "Callgate WebSockets transport",
    author: "Callgate",
    description: "The Janus API and admin API over WebSockets.",
    version_string: "0.0.1",
    version: 1,
  },
};

export interface ServerInfoOptions {
  localIp: string;
  publicIps: string[];
  fullTrickle: boolean;
  iceLite: boolean;
  iceTcp: boolean;
  stunServer: string | undefined;
  turnServer: string | undefined;
  transports: string[];
}

/**
 * The `server_info` answer, with Janus 1.1.2's keys in Janus's order. The version numbers
 * are Janus's (clients gate features on them); name, author and descriptions are Callgate's.
 */
export class ServerInfo {
  private readonly started = new Date().toUTCString();

  constructor(
    private readonly core: GatewayCore,
    private readonly auth: Authenticator,
    private readonly options: ServerInfoOptions,
  ) {}

  /** `GET /janus/info` has no transaction of its own: Janus makes up a random one. */
  static randomTransaction(): string {
    return randomBytes(9).toString("base64url").slice(0, 12);
  }

  build(transaction: string): JsonObject {
    const s = this.core.settings;
    const o = this.options;
    const info: JsonObject = {
      janus: "server_info",
      transaction,
      name: "Callgate WebRTC Gateway",
      version: 1102,
      version_string: "1.1.2",
      author: "Callgate",
      "commit-hash": `callgate-${CALLGATE_VERSION}`,
      "compile-time": this.started,
      "log-to-stdout": true,
      "log-to-file": false,
      data_channels: false,
      "accepting-new-sessions": this.core.acceptingNewSessions,
      "session-timeout": s.sessionTimeout,
      "reclaim-session-timeout": s.reclaimSessionTimeout,
      "candidates-timeout": s.candidatesTimeout,
      "server-name": s.serverName,
      "local-ip": o.localIp,
    };
    if (o.publicIps.length === 1) info["public-ip"] = o.publicIps[0];
    if (o.publicIps.length > 1) info["public-ips"] = o.publicIps;
    Object.assign(info, {
      ipv6: false,
      "ice-lite": o.iceLite,
      "ice-tcp": o.iceTcp,
      "ice-nomination": "aggressive",
      "ice-keepalive-conncheck": false,
      "full-trickle": o.fullTrickle,
      "mdns-enabled": false,
      "min-nack-queue": s.minNackQueue,
      "nack-optimizations": false,
      "twcc-period": 200,
      "dtls-mtu": 1200,
    });
    if (o.stunServer) info["stun-server"] = o.stunServer;
    if (o.turnServer) info["turn-server"] = o.turnServer;
    Object.assign(info, {
      "static-event-loops": 0,
      api_secret: this.auth.apiSecretEnabled,
      auth_token: this.auth.tokenAuthEnabled,
      event_handlers: false,
      opaqueid_in_api: false,
      dependencies: { node: process.versions.node, crypto: `OpenSSL ${process.versions.openssl}` },
      transports: Object.fromEntries(o.transports.map((t) => [t, transportInfos[t]])),
      events: {},
      loggers: {},
      plugins: Object.fromEntries([...this.core.plugins.values()].map((p: Plugin) => [p.name, p.info])),
    });
    return info;
  }
}
