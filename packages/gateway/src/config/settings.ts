/**
 * Everything the gateway can be told, in one typed object. Values come from Janus's own config
 * files, then CALLGATE_* environment variables, then command-line flags (see keys.ts).
 */
export type JsonStyle = "indented" | "plain" | "compact";
export type LogFormat = "json" | "pretty";

export interface ListenerSettings {
  enabled: boolean;
  port: number;
  /** Address to bind; undefined = all interfaces (dual-stack). */
  ip: string | undefined;
  /** Network interface name to bind (Janus's `interface`); resolved to its first address. */
  iface: string | undefined;
}

export interface GatewaySettings {
  configsFolder: string;
  /** Where generated secrets and certificates are stored (default: the configs folder). */
  stateDir: string;
  /** True when no janus.jcfg/janus.cfg was found: the seed container's listeners apply. */
  usingDefaults: boolean;
  general: {
    serverName: string;
    debugLevel: number;
    logFormat: LogFormat;
    adminSecret: string | undefined;
    apiSecret: string | undefined;
    tokenAuth: boolean;
    tokenAuthSecret: string | undefined;
    sessionTimeout: number;
    reclaimSessionTimeout: number;
    candidatesTimeout: number;
  };
  certificates: { certPem: string | undefined; certKey: string | undefined; certPwd: string | undefined };
  media: {
    rtpPortRange: [number, number] | undefined;
    noMediaTimer: number;
    slowlinkThreshold: number;
    /** Least time (ms) sent video is kept for retransmission, whatever the RTT (Janus's min_nack_queue). */
    minNackQueue: number;
  };
  nat: {
    stunServer: string | undefined;
    stunPort: number;
    nat11Mapping: string[];
    keepPrivateHost: boolean;
    turnServer: string | undefined;
    turnPort: number;
    turnType: string;
    turnUser: string | undefined;
    turnPwd: string | undefined;
    iceEnforceList: string[];
    iceIgnoreList: string[];
    fullTrickle: boolean;
    iceLite: boolean;
    iceTcp: boolean;
  };
  plugins: { disabled: string[] };
  transports: { disabled: string[] };
  http: {
    json: JsonStyle;
    basePath: string;
    http: ListenerSettings;
    https: ListenerSettings;
    adminBasePath: string;
    admin: ListenerSettings;
    adminSecure: ListenerSettings;
    allowOrigin: string | undefined;
    enforceCors: boolean;
    certPem: string | undefined;
    certKey: string | undefined;
    certPwd: string | undefined;
  };
  websockets: {
    json: JsonStyle;
    ws: ListenerSettings;
    wss: ListenerSettings;
    adminWs: ListenerSettings;
    adminWss: ListenerSettings;
    allowOrigin: string | undefined;
    certPem: string | undefined;
    certKey: string | undefined;
    certPwd: string | undefined;
  };
  tls: { hostnames: string[] };
  limits: {
    /** Largest Janus API frame or HTTP body accepted, in bytes. */
    maxMessageBytes: number;
    /** Most sessions one WebSocket connection may own at once (0 = no limit). */
    maxSessionsPerConnection: number;
    /** Most sessions the gateway holds at once, whatever the transport (0 = no limit). */
    maxSessions: number;
    /** An idle long poll is answered with a keepalive after this long (Janus: 30 s; not a user setting). */
    longPollMs: number;
  };
}

function listener(enabled: boolean, port: number): ListenerSettings {
  return { enabled, port, ip: undefined, iface: undefined };
}

/**
 * Janus's own defaults, used for anything Janus's config files leave out. Janus enables only
 * plain HTTP (8088) and plain WebSocket (8188) unless told otherwise.
 */
export function janusDefaults(configsFolder: string): GatewaySettings {
  return {
    configsFolder,
    stateDir: configsFolder,
    usingDefaults: false,
    general: {
      serverName: "MyJanusInstance",
      debugLevel: 4,
      logFormat: process.stdout.isTTY ? "pretty" : "json",
      adminSecret: undefined,
      apiSecret: undefined,
      tokenAuth: false,
      tokenAuthSecret: undefined,
      sessionTimeout: 60,
      reclaimSessionTimeout: 0,
      candidatesTimeout: 45,
    },
    certificates: { certPem: undefined, certKey: undefined, certPwd: undefined },
    media: { rtpPortRange: undefined, noMediaTimer: 1, slowlinkThreshold: 0, minNackQueue: 200 },
    nat: {
      stunServer: undefined,
      stunPort: 3478,
      nat11Mapping: [],
      keepPrivateHost: false,
      turnServer: undefined,
      turnPort: 3478,
      turnType: "udp",
      turnUser: undefined,
      turnPwd: undefined,
      iceEnforceList: [],
      iceIgnoreList: ["vmnet"],
      fullTrickle: false,
      iceLite: false,
      iceTcp: false,
    },
    plugins: { disabled: [] },
    transports: { disabled: [] },
    http: {
      json: "indented",
      basePath: "/janus",
      http: listener(true, 8088),
      https: listener(false, 8089),
      adminBasePath: "/admin",
      admin: listener(false, 7088),
      adminSecure: listener(false, 7889),
      allowOrigin: undefined,
      enforceCors: false,
      certPem: undefined,
      certKey: undefined,
      certPwd: undefined,
    },
    websockets: {
      json: "indented",
      ws: listener(true, 8188),
      wss: listener(false, 8989),
      adminWs: listener(false, 7188),
      adminWss: listener(false, 7989),
      allowOrigin: undefined,
      certPem: undefined,
      certKey: undefined,
      certPwd: undefined,
    },
    tls: { hostnames: [] },
    limits: {
      maxMessageBytes: 1 << 20,
      maxSessionsPerConnection: 1000,
      maxSessions: 20000,
      longPollMs: 30_000,
    },
  };
}

/**
 * With no config files at all the gateway behaves like the seed's container: WebSocket 8188,
 * secure WebSocket 8189, admin HTTP 7088 and HTTPS 7089 on /admin, Janus HTTP 8088, token auth on.
 */
export function seedDefaults(configsFolder: string): GatewaySettings {
  const s = janusDefaults(configsFolder);
  s.usingDefaults = true;
  s.general.tokenAuth = true;
  s.websockets.wss = listener(true, 8189);
  s.http.admin = listener(true, 7088);
  s.http.adminSecure = listener(true, 7089);
  return s;
}
