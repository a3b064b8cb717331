import { parse } from "ini";
import { ConfigError, type ConfigTree, type LineMap, type ParsedConfigFile } from "./errors.js";

/**
 * Janus 0.2.x `.cfg` files (the seed container's janus.cfg, janus.transport.*.cfg) are INI:
 * `[section]`, `key = value`, `;` comments. Parsing is the `ini` package's; this adds the line
 * checks and value typing (yes/no/true/false, numbers) that Janus applied when reading them.
 */
export function parseJanusIni(text: string, file: string): ParsedConfigFile {
  const lines: LineMap = new Map();
  let section = "";
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      return;
    }
    const eq = line.indexOf("=");
    if (eq <= 0)
      throw new ConfigError(file, index + 1, `expected 'key = value' or '[section]', found '${line}'`);
    if (!section) throw new ConfigError(file, index + 1, "setting outside of any [section]");
    lines.set(`${section}.${line.slice(0, eq).trim()}`, index + 1);
  });
  const parsed = parse(text) as Record<string, unknown>;
  const tree: ConfigTree = {};
  for (const [name, body] of Object.entries(parsed)) {
    if (typeof body !== "object" || body === null) continue;
    const group: ConfigTree = {};
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      group[key] = typeValue(String(value));
    }
    tree[name] = group;
  }
  return { file, tree, lines };
}

function typeValue(value: string): string | number | boolean {
  const v = value.trim();
  if (/^(yes|true)$/i.test(v)) return true;
  if (/^(no|false)$/i.test(v)) return false;
  if (/^-?[0-9]+$/.test(v)) return Number.parseInt(v, 10);
  return v;
}
