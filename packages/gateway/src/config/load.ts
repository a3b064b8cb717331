import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigError, type ConfigTree, type ConfigValue, type ParsedConfigFile } from "./errors.js";
import { parseJanusIni } from "./ini.js";
import { type FileKind, ignoredFileKeys, type ParsedValue, type SettingKey, settingKeys } from "./keys.js";
import { parseLibconfig } from "./libconfig.js";
import { type GatewaySettings, janusDefaults, seedDefaults } from "./settings.js";

export interface LoadOptions {
  /** -F / --configs-folder */
  configsFolder?: string;
  /** -C / --config: the main janus.jcfg (or janus.cfg) */
  configFile?: string;
  /** Values from command-line flags, keyed by setting name (e.g. "admin-secret"). */
  flags?: Record<string, string | boolean | undefined>;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  settings: GatewaySettings;
  /** The files that were read, for the start-up log. */
  files: string[];
  /** One line per unknown or unsupported key, to be logged once as warnings. */
  warnings: string[];
}

const fileNames: Record<FileKind, string> = {
  core: "janus",
  http: "janus.transport.http",
  websockets: "janus.transport.websockets",
  videocall: "janus.plugin.videocall",
  echotest: "janus.plugin.echotest",
};

export const DEFAULT_CONFIGS_FOLDER = "data/gateway";

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const configFile = options.configFile ?? env.CALLGATE_CONFIG;
  const folder = resolve(
    options.configsFolder ??
      env.CALLGATE_CONFIGS_FOLDER ??
      (configFile ? dirname(resolve(configFile)) : DEFAULT_CONFIGS_FOLDER),
  );

  const files: string[] = [];
  const warnings: string[] = [];
  const parsed = new Map<FileKind, ParsedConfigFile>();

  if (configFile !== undefined) {
    const path = resolve(configFile);
    if (!existsSync(path)) throw new ConfigError(path, undefined, "config file not found");
    parsed.set("core", readConfigFile(path));
    files.push(path);
  }
  for (const kind of Object.keys(fileNames) as FileKind[]) {
    if (parsed.has(kind)) continue;
    const path = findFile(folder, fileNames[kind]);
    if (!path) continue;
    parsed.set(kind, readConfigFile(path));
    files.push(path);
  }

  const settings = parsed.has("core") ? janusDefaults(folder) : seedDefaults(folder);
  const byLocation = indexKeys();

  for (const [kind, file] of parsed) {
    applyFile(settings, kind, file, byLocation, warnings);
  }
  for (const k of settingKeys) {
    const raw = k.env ? env[k.env] : undefined;
    if (raw !== undefined && raw !== "") k.apply(settings, convert(k, raw, k.env ?? k.name, undefined));
  }
  for (const k of settingKeys) {
    const raw = flags[k.name];
    if (raw !== undefined) k.apply(settings, convert(k, raw, `--${k.name}`, undefined));
  }
  validate(settings, warnings);
  return { settings, files, warnings };
}

function findFile(folder: string, stem: string): string | undefined {
  for (const ext of [".jcfg", ".cfg"]) {
    const path = join(folder, stem + ext);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function readConfigFile(path: string): ParsedConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, undefined, `cannot read: ${(err as Error).message}`);
  }
  return path.endsWith(".cfg") ? parseJanusIni(text, path) : parseLibconfig(text, path);
}

function indexKeys(): Map<string, SettingKey> {
  const map = new Map<string, SettingKey>();
  for (const k of settingKeys) {
    for (const loc of k.files) map.set(`${loc.file}:${loc.section}.${loc.key}`, k);
  }
  return map;
}

function applyFile(
  settings: GatewaySettings,
  kind: FileKind,
  file: ParsedConfigFile,
  byLocation: Map<string, SettingKey>,
  warnings: string[],
): void {
  const ignored = new Set(ignoredFileKeys[kind]);
  for (const [section, body] of Object.entries(file.tree)) {
    if (!isTree(body)) {
      warnings.push(
        `${file.file}:${file.lines.get(section) ?? "?"}: unknown setting '${section}' outside of a section, ignored`,
      );
      continue;
    }
    for (const [name, value] of Object.entries(body)) {
      const path = `${section}.${name}`;
      const line = file.lines.get(path);
      const k = byLocation.get(`${kind}:${path}`);
      if (k) {
        k.apply(settings, convert(k, value, `${basename(file.file)} ${path}`, { file: file.file, line }));
      } else if (!ignored.has(path)) {
        warnings.push(`${file.file}:${line ?? "?"}: unknown setting '${path}', ignored`);
      }
    }
  }
}

function isTree(value: ConfigValue): value is ConfigTree {
  return typeof value === "object" && !Array.isArray(value);
}

/** Turns a file, env or flag value into the setting's type, or fails naming where it came from. */
function convert(
  k: SettingKey,
  value: ConfigValue | string | boolean,
  where: string,
  at: { file: string; line: number | undefined } | undefined,
): ParsedValue {
  const fail = (reason: string): never => {
    if (at) throw new ConfigError(at.file, at.line, `${k.files[0]?.key ?? k.name}: ${reason}`);
    throw new ConfigError(where, undefined, reason);
  };
  switch (k.kind) {
    case "string":
      if (typeof value === "string") return value;
      if (typeof value === "number") return String(value);
      return fail("expected a string");
    case "bool":
      if (typeof value === "boolean") return value;
      if (typeof value === "string" && /^(yes|true|on|1)$/i.test(value)) return true;
      if (typeof value === "string" && /^(no|false|off|0)$/i.test(value)) return false;
      return fail(`expected true or false, got ${JSON.stringify(value)}`);
    case "int": {
      const n = typeof value === "string" && /^-?[0-9]+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n === "number" && Number.isSafeInteger(n)) return n;
      return fail(`expected a whole number, got ${JSON.stringify(value)}`);
    }
    case "list":
      if (typeof value === "string") return splitList(value);
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
      return fail("expected a comma-separated string");
    case "range": {
      const m = typeof value === "string" ? /^\s*([0-9]+)\s*-\s*([0-9]+)\s*$/.exec(value) : null;
      if (!m) return fail(`expected 'min-max', got ${JSON.stringify(value)}`);
      const range: [number, number] = [Number(m[1]), Number(m[2])];
      if (range[0] < 1 || range[1] > 65535 || range[0] > range[1])
        return fail("range must be within 1-65535 with min <= max");
      return range;
    }
    case "json":
      if (value === "indented" || value === "plain" || value === "compact") return value;
      return fail("expected indented, plain or compact");
    case "logformat":
      if (value === "json" || value === "pretty") return value;
      return fail("expected json or pretty");
  }
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function validate(s: GatewaySettings, warnings: string[]): void {
  const problem = (what: string, reason: string): never => {
    throw new ConfigError(what, undefined, reason);
  };
  if (s.general.debugLevel < 0 || s.general.debugLevel > 7) problem("debug_level", "must be between 0 and 7");
  if (s.general.sessionTimeout < 0) problem("session_timeout", "must be 0 (never) or more seconds");
  if (s.general.reclaimSessionTimeout < 0) problem("reclaim_session_timeout", "must be 0 or more seconds");
  const listeners = {
    "http port": s.http.http,
    "https secure_port": s.http.https,
    admin_port: s.http.admin,
    admin_secure_port: s.http.adminSecure,
    ws_port: s.websockets.ws,
    wss_port: s.websockets.wss,
    admin_ws_port: s.websockets.adminWs,
    admin_wss_port: s.websockets.adminWss,
  };
  for (const [name, l] of Object.entries(listeners)) {
    // 0 asks the system for any free port (tests and ad-hoc runs use it).
    if (l.enabled && (l.port < 0 || l.port > 65535))
      problem(name, `port ${l.port} is not between 0 and 65535`);
  }
  for (const path of [s.http.basePath, s.http.adminBasePath]) {
    if (!path.startsWith("/")) problem("base_path", `'${path}' must start with '/'`);
  }
  if (s.general.tokenAuthSecret && !s.general.tokenAuth) {
    warnings.push("token_auth_secret is set but token_auth is off: signed tokens are not checked");
  }
  if (s.nat.iceTcp) warnings.push("ice_tcp is not supported by Callgate and is ignored");
}
