import type { GatewaySettings, JsonStyle, ListenerSettings, LogFormat } from "./settings.js";

/**
 * The one table of every setting: where Janus keeps it (file, section, key), its
 * CALLGATE_* environment variable and its command-line flag. The loader, the env reader and
 * `--help` are all driven from here, so a setting cannot be documented in one place and missing in another.
 */
export type FileKind = "core" | "http" | "websockets" | "videocall" | "echotest";
export type ValueKind = "string" | "bool" | "int" | "list" | "range" | "json" | "logformat";

export interface FileLocation {
  file: FileKind;
  section: string;
  key: string;
}

export interface SettingKey {
  /** Long flag name without dashes, e.g. "admin-secret". */
  name: string;
  kind: ValueKind;
  help: string;
  env?: string;
  short?: string;
  secret?: boolean;
  files: FileLocation[];
  apply(s: GatewaySettings, value: ParsedValue): void;
}

export type ParsedValue = string | number | boolean | string[] | [number, number];

const core = (section: string, key: string): FileLocation => ({ file: "core", section, key });
const http = (section: string, key: string): FileLocation => ({ file: "http", section, key });
const ws = (section: string, key: string): FileLocation => ({ file: "websockets", section, key });

function envName(name: string): string {
  return `CALLGATE_${name.toUpperCase().replace(/-/g, "_")}`;
}

function key(
  name: string,
  kind: ValueKind,
  help: string,
  files: FileLocation[],
  apply: (s: GatewaySettings, v: ParsedValue) => void,
  extra: { short?: string; secret?: boolean; noEnv?: boolean } = {},
): SettingKey {
  const k: SettingKey = { name, kind, help, files, apply };
  if (!extra.noEnv) k.env = envName(name);
  if (extra.short) k.short = extra.short;
  if (extra.secret) k.secret = true;
  return k;
}

type ListenerPick = (s: GatewaySettings) => ListenerSettings;

/** enabled/port/ip/interface keys of one listener. */
function listenerKeys(
  flag: string,
  what: string,
  pick: ListenerPick,
  loc: { enabled: FileLocation; port: FileLocation; ip: FileLocation; iface: FileLocation },
): SettingKey[] {
  return [
    key(flag, "bool", `enable ${what}`, [loc.enabled], (s, v) => {
      pick(s).enabled = v as boolean;
    }),
    key(`${flag}-port`, "int", `port of ${what}`, [loc.port], (s, v) => {
      pick(s).port = v as number;
    }),
    key(`${flag}-ip`, "string", `address ${what} binds to (default: all)`, [loc.ip], (s, v) => {
      pick(s).ip = v as string;
    }),
    key(`${flag}-interface`, "string", `network interface ${what} binds to`, [loc.iface], (s, v) => {
      pick(s).iface = v as string;
    }),
  ];
}

export const settingKeys: SettingKey[] = [
  key(
    "server-name",
    "string",
    "public name of this gateway instance",
    [core("general", "server_name")],
    (s, v) => {
      s.general.serverName = v as string;
    },
    { short: "n" },
  ),
  key(
    "debug-level",
    "int",
    "log level 0-7 (0 none, 4 info, 7 debug)",
    [core("general", "debug_level")],
    (s, v) => {
      s.general.debugLevel = v as number;
    },
    { short: "d" },
  ),
  key("log-format", "logformat", "log output: json or pretty (default: pretty on a terminal)", [], (s, v) => {
    s.general.logFormat = v as LogFormat;
  }),
  key(
    "admin-secret",
    "string",
    "secret every admin API request must carry (generated when unset)",
    [core("general", "admin_secret")],
    (s, v) => {
      s.general.adminSecret = v as string;
    },
    { secret: true },
  ),
  key(
    "apisecret",
    "string",
    "API secret all Janus API requests must carry (none by default)",
    [core("general", "api_secret")],
    (s, v) => {
      s.general.apiSecret = v as string;
    },
    { short: "a", secret: true },
  ),
  key(
    "token-auth",
    "bool",
    "require a stored or signed token on Janus API requests",
    [core("general", "token_auth")],
    (s, v) => {
      s.general.tokenAuth = v as boolean;
    },
    { short: "A" },
  ),
  key(
    "token-auth-secret",
    "string",
    "secret to verify HMAC-signed tokens (Janus 1.x format)",
    [core("general", "token_auth_secret")],
    (s, v) => {
      s.general.tokenAuthSecret = v as string;
    },
    { secret: true },
  ),
  key(
    "session-timeout",
    "int",
    "seconds without a request before a session expires (0 = never)",
    [core("general", "session_timeout")],
    (s, v) => {
      s.general.sessionTimeout = v as number;
    },
    { short: "s" },
  ),
  key(
    "reclaim-session-timeout",
    "int",
    "seconds a session survives its transport closing, for claim",
    [core("general", "reclaim_session_timeout")],
    (s, v) => {
      s.general.reclaimSessionTimeout = v as number;
    },
    { short: "m" },
  ),
  key(
    "candidates-timeout",
    "int",
    "seconds queued trickle candidates are kept",
    [core("general", "candidates_timeout")],
    (s, v) => {
      s.general.candidatesTimeout = v as number;
    },
  ),
  key(
    "cert-pem",
    "string",
    "DTLS certificate (PEM)",
    [core("certificates", "cert_pem")],
    (s, v) => {
      s.certificates.certPem = v as string;
    },
    { short: "c" },
  ),
  key(
    "cert-key",
    "string",
    "DTLS certificate key (PEM)",
    [core("certificates", "cert_key")],
    (s, v) => {
      s.certificates.certKey = v as string;
    },
    { short: "k" },
  ),
  key(
    "cert-pwd",
    "string",
    "DTLS certificate key passphrase",
    [core("certificates", "cert_pwd")],
    (s, v) => {
      s.certificates.certPwd = v as string;
    },
    { short: "K", secret: true },
  ),
  key(
    "rtp-port-range",
    "range",
    "UDP port range for media, min-max",
    [core("media", "rtp_port_range")],
    (s, v) => {
      s.media.rtpPortRange = v as [number, number];
    },
    { short: "r" },
  ),
  key(
    "no-media-timer",
    "int",
    "seconds without media before a 'media' receiving=false event",
    [core("media", "no_media_timer")],
    (s, v) => {
      s.media.noMediaTimer = v as number;
    },
    { short: "t" },
  ),
  key(
    "slowlink-threshold",
    "int",
    "lost packets per second that trigger 'slowlink' (0 = off)",
    [core("media", "slowlink_threshold")],
    (s, v) => {
      s.media.slowlinkThreshold = v as number;
    },
    { short: "W" },
  ),
  key(
    "min-nack-queue",
    "int",
    "least time (ms) sent video is kept for retransmission, whatever the RTT",
    [core("media", "min_nack_queue")],
    (s, v) => {
      s.media.minNackQueue = v as number;
    },
    { short: "Q" },
  ),
  key(
    "stun-server",
    "string",
    "STUN server host for the gateway's own candidates",
    [core("nat", "stun_server")],
    (s, v) => {
      s.nat.stunServer = v as string;
    },
    { short: "S" },
  ),
  key("stun-port", "int", "STUN server port", [core("nat", "stun_port")], (s, v) => {
    s.nat.stunPort = v as number;
  }),
  key(
    "nat-1-1",
    "list",
    "public IPs to put in host candidates (1:1 NAT)",
    [core("nat", "nat_1_1_mapping")],
    (s, v) => {
      s.nat.nat11Mapping = v as string[];
    },
    { short: "1" },
  ),
  key(
    "keep-private-host",
    "bool",
    "with nat_1_1_mapping, advertise the private address as well",
    [core("nat", "keep_private_host")],
    (s, v) => {
      s.nat.keepPrivateHost = v as boolean;
    },
  ),
  key(
    "turn-server",
    "string",
    "TURN server host for the gateway's own relay candidates",
    [core("nat", "turn_server")],
    (s, v) => {
      s.nat.turnServer = v as string;
    },
  ),
  key("turn-port", "int", "TURN server port", [core("nat", "turn_port")], (s, v) => {
    s.nat.turnPort = v as number;
  }),
  key("turn-type", "string", "TURN transport: udp, tcp or tls", [core("nat", "turn_type")], (s, v) => {
    s.nat.turnType = v as string;
  }),
  key("turn-user", "string", "TURN username", [core("nat", "turn_user")], (s, v) => {
    s.nat.turnUser = v as string;
  }),
  key(
    "turn-pwd",
    "string",
    "TURN password",
    [core("nat", "turn_pwd")],
    (s, v) => {
      s.nat.turnPwd = v as string;
    },
    { secret: true },
  ),
  key(
    "ice-enforce-list",
    "list",
    "only these interfaces/addresses are used for ICE",
    [core("nat", "ice_enforce_list")],
    (s, v) => {
      s.nat.iceEnforceList = v as string[];
    },
    { short: "E" },
  ),
  key(
    "ice-ignore-list",
    "list",
    "interfaces/addresses ignored for ICE",
    [core("nat", "ice_ignore_list")],
    (s, v) => {
      s.nat.iceIgnoreList = v as string[];
    },
    { short: "X" },
  ),
  key(
    "full-trickle",
    "bool",
    "trickle the gateway's candidates instead of half-trickle",
    [core("nat", "full_trickle")],
    (s, v) => {
      s.nat.fullTrickle = v as boolean;
    },
    { short: "f" },
  ),
  key(
    "ice-lite",
    "bool",
    "ICE lite mode",
    [core("nat", "ice_lite")],
    (s, v) => {
      s.nat.iceLite = v as boolean;
    },
    { short: "I" },
  ),
  key("ice-tcp", "bool", "ICE-TCP (not supported; must stay off)", [core("nat", "ice_tcp")], (s, v) => {
    s.nat.iceTcp = v as boolean;
  }),
  key(
    "disable-plugins",
    "list",
    "plugins not to load (libjanus_echotest.so or janus.plugin.echotest)",
    [core("plugins", "disable")],
    (s, v) => {
      s.plugins.disabled = v as string[];
    },
  ),
  key(
    "disable-transports",
    "list",
    "transports not to load (libjanus_http.so, libjanus_websockets.so)",
    [core("transports", "disable")],
    (s, v) => {
      s.transports.disabled = v as string[];
    },
  ),
  // HTTP transport (janus.transport.http.jcfg)
  key(
    "http-json",
    "json",
    "JSON style of HTTP answers: indented, plain or compact",
    [http("general", "json")],
    (s, v) => {
      s.http.json = v as JsonStyle;
    },
  ),
  key(
    "http-base-path",
    "string",
    "base path of the Janus HTTP API",
    [http("general", "base_path")],
    (s, v) => {
      s.http.basePath = v as string;
    },
  ),
  ...listenerKeys("http", "the Janus HTTP API", (s) => s.http.http, {
    enabled: http("general", "http"),
    port: http("general", "port"),
    ip: http("general", "ip"),
    iface: http("general", "interface"),
  }),
  ...listenerKeys("https", "the Janus HTTPS API", (s) => s.http.https, {
    enabled: http("general", "https"),
    port: http("general", "secure_port"),
    ip: http("general", "secure_ip"),
    iface: http("general", "secure_interface"),
  }),
  key(
    "admin-base-path",
    "string",
    "base path of the admin API",
    [http("admin", "admin_base_path")],
    (s, v) => {
      s.http.adminBasePath = v as string;
    },
  ),
  ...listenerKeys("admin", "the admin API over HTTP (also /metrics and /health)", (s) => s.http.admin, {
    enabled: http("admin", "admin_http"),
    port: http("admin", "admin_port"),
    ip: http("admin", "admin_ip"),
    iface: http("admin", "admin_interface"),
  }),
  ...listenerKeys("admin-secure", "the admin API over HTTPS", (s) => s.http.adminSecure, {
    enabled: http("admin", "admin_https"),
    port: http("admin", "admin_secure_port"),
    ip: http("admin", "admin_secure_ip"),
    iface: http("admin", "admin_secure_interface"),
  }),
  key(
    "allow-origin",
    "string",
    "CORS origin allowed on HTTP and WebSocket (default: *)",
    [http("cors", "allow_origin"), ws("cors", "allow_origin")],
    (s, v) => {
      s.http.allowOrigin = v as string;
      s.websockets.allowOrigin = v as string;
    },
  ),
  key(
    "enforce-cors",
    "bool",
    "reject HTTP requests whose Origin is not allow-origin",
    [http("cors", "enforce_cors")],
    (s, v) => {
      s.http.enforceCors = v as boolean;
    },
  ),
  key(
    "http-cert-pem",
    "string",
    "TLS certificate for HTTPS (default: generated self-signed)",
    [http("certificates", "cert_pem")],
    (s, v) => {
      s.http.certPem = v as string;
    },
  ),
  key("http-cert-key", "string", "TLS key for HTTPS", [http("certificates", "cert_key")], (s, v) => {
    s.http.certKey = v as string;
  }),
  key(
    "http-cert-pwd",
    "string",
    "TLS key passphrase for HTTPS",
    [http("certificates", "cert_pwd")],
    (s, v) => {
      s.http.certPwd = v as string;
    },
    { secret: true },
  ),
  // WebSocket transport (janus.transport.websockets.jcfg)
  key(
    "ws-json",
    "json",
    "JSON style of WebSocket frames: indented, plain or compact",
    [ws("general", "json")],
    (s, v) => {
      s.websockets.json = v as JsonStyle;
    },
  ),
  ...listenerKeys("ws", "the Janus WebSocket API", (s) => s.websockets.ws, {
    enabled: ws("general", "ws"),
    port: ws("general", "ws_port"),
    ip: ws("general", "ws_ip"),
    iface: ws("general", "ws_interface"),
  }),
  ...listenerKeys("wss", "the Janus secure WebSocket API", (s) => s.websockets.wss, {
    enabled: ws("general", "wss"),
    port: ws("general", "wss_port"),
    ip: ws("general", "wss_ip"),
    iface: ws("general", "wss_interface"),
  }),
  ...listenerKeys("admin-ws", "the admin API over WebSocket", (s) => s.websockets.adminWs, {
    enabled: ws("admin", "admin_ws"),
    port: ws("admin", "admin_ws_port"),
    ip: ws("admin", "admin_ws_ip"),
    iface: ws("admin", "admin_ws_interface"),
  }),
  ...listenerKeys("admin-wss", "the admin API over secure WebSocket", (s) => s.websockets.adminWss, {
    enabled: ws("admin", "admin_wss"),
    port: ws("admin", "admin_wss_port"),
    ip: ws("admin", "admin_wss_ip"),
    iface: ws("admin", "admin_wss_interface"),
  }),
  key(
    "ws-cert-pem",
    "string",
    "TLS certificate for secure WebSocket (default: generated self-signed)",
    [ws("certificates", "cert_pem")],
    (s, v) => {
      s.websockets.certPem = v as string;
    },
  ),
  key("ws-cert-key", "string", "TLS key for secure WebSocket", [ws("certificates", "cert_key")], (s, v) => {
    s.websockets.certKey = v as string;
  }),
  key(
    "ws-cert-pwd",
    "string",
    "TLS key passphrase for secure WebSocket",
    [ws("certificates", "cert_pwd")],
    (s, v) => {
      s.websockets.certPwd = v as string;
    },
    { secret: true },
  ),
  // Callgate's own
  key(
    "state-dir",
    "string",
    "folder for generated secrets and certificates (default: configs folder)",
    [],
    (s, v) => {
      s.stateDir = v as string;
    },
  ),
  key(
    "tls-hostnames",
    "list",
    "host names of the generated certificate (default: this host's name, localhost)",
    [],
    (s, v) => {
      s.tls.hostnames = v as string[];
    },
  ),
  key("bind", "string", "address every listener binds to (overrides the per-listener ip)", [], (s, v) => {
    for (const l of [
      s.http.http,
      s.http.https,
      s.http.admin,
      s.http.adminSecure,
      s.websockets.ws,
      s.websockets.wss,
      s.websockets.adminWs,
      s.websockets.adminWss,
    ]) {
      l.ip = v as string;
    }
  }),
  key("max-message-bytes", "int", "largest Janus API message accepted, in bytes", [], (s, v) => {
    s.limits.maxMessageBytes = v as number;
  }),
  key(
    "max-sessions-per-connection",
    "int",
    "most sessions one WebSocket may own (0 = no limit)",
    [],
    (s, v) => {
      s.limits.maxSessionsPerConnection = v as number;
    },
  ),
];

/**
 * Keys that appear in Janus's stock config files but mean nothing to Callgate (library folders,
 * thread pools, event handlers...). They are accepted quietly; anything else unknown is warned about.
 */
export const ignoredFileKeys: Record<FileKind, string[]> = {
  core: [
    "general.configs_folder",
    "general.plugins_folder",
    "general.transports_folder",
    "general.events_folder",
    "general.loggers_folder",
    "general.log_to_stdout",
    "general.log_to_file",
    "general.daemonize",
    "general.pid_file",
    "general.interface",
    "general.debug_timestamps",
    "general.debug_colors",
    "general.debug_locks",
    "general.protected_folders",
    "general.hide_dependencies",
    "general.exit_on_dtls_error",
    "general.opaqueid_in_api",
    "general.event_loops",
    "general.allow_loop_indication",
    "general.recordings_tmp_ext",
    "general.log_prefix",
    "general.task_pool_size",
    "certificates.dtls_accept_selfsigned",
    "certificates.dtls_ciphers",
    "certificates.rsa_private_key",
    "media.ipv6",
    "media.ipv6_linklocal",
    "media.max_nack_queue",
    "media.nack_optimizations",
    "media.dtls_mtu",
    "media.dscp",
    "media.twcc_period",
    "media.dtls_timeout",
    "nat.nice_debug",
    "nat.ice_nomination",
    "nat.ice_keepalive_conncheck",
    "nat.ice_consent_freshness",
    "nat.ignore_mdns",
    "nat.ignore_unreachable_ice_server",
    "nat.turn_rest_api",
    "nat.turn_rest_api_key",
    "nat.turn_rest_api_method",
    "nat.turn_rest_api_timeout",
    "nat.allow_force_relay",
    "events.broadcast",
    "events.disable",
    "events.stats_period",
    "events.combine_media_stats",
    "loggers.disable",
  ],
  http: [
    "general.events",
    "general.threads",
    "general.acl",
    "general.mhd_connection_limit",
    "general.mhd_debug",
    "admin.admin_threads",
    "admin.admin_acl",
    "certificates.ciphers",
  ],
  websockets: [
    "general.events",
    "general.ws_logging",
    "general.ws_acl",
    "general.pingpong_trigger",
    "general.pingpong_timeout",
    "general.ws_unix",
    "general.wss_unix",
    "admin.admin_ws_acl",
    "admin.admin_ws_unix",
    "admin.admin_wss_unix",
    "cors.enforce_cors",
    "certificates.ciphers",
  ],
  videocall: ["general.events"],
  echotest: ["general.events"],
};
