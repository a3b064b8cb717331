import {
  ConfigError,
  type ConfigTree,
  type ConfigValue,
  type LineMap,
  type ParsedConfigFile,
} from "./errors.js";

/**
 * A parser for the libconfig syntax of Janus 1.x `.jcfg` files:
 * `name = value;` or `name: value`, groups `{}`, arrays `[]`, lists `()`, strings with escapes
 * (adjacent strings concatenate), integers (decimal, hex, `L` suffix), floats, booleans,
 * and `#`, `//`, `/* *\/` comments. No npm package parses libconfig, so this one is ours.
 */
export function parseLibconfig(text: string, file: string): ParsedConfigFile {
  return new Parser(text, file).parseFile();
}

class Parser {
  private pos = 0;
  private line = 1;
  private readonly lines: LineMap = new Map();

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  parseFile(): ParsedConfigFile {
    const tree = this.parseSettings(undefined, "");
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text[this.pos]}'`);
    return { file: this.file, tree, lines: this.lines };
  }

  private fail(reason: string): never {
    throw new ConfigError(this.file, this.line, reason);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === "\n") {
        this.line++;
        this.pos++;
      } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
        this.pos++;
      } else if (c === "#" || (c === "/" && t[this.pos + 1] === "/")) {
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && t[this.pos + 1] === "*") {
        const start = this.line;
        this.pos += 2;
        while (this.pos < t.length && !(t[this.pos] === "*" && t[this.pos + 1] === "/")) {
          if (t[this.pos] === "\n") this.line++;
          this.pos++;
        }
        if (this.pos >= t.length) throw new ConfigError(this.file, start, "unterminated comment");
        this.pos += 2;
      } else {
        return;
      }
    }
  }

  /** Settings until `close` (or end of input at top level). */
  private parseSettings(close: string | undefined, path: string): ConfigTree {
    const tree: ConfigTree = {};
    for (;;) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === undefined) {
        if (close) this.fail(`missing '${close}' before end of file`);
        return tree;
      }
      if (c === close) {
        this.pos++;
        return tree;
      }
      if (c === "@") this.fail("@include and other directives are not supported");
      const name = this.readName();
      const line = this.line;
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep !== "=" && sep !== ":") this.fail(`expected '=' or ':' after '${name}'`);
      this.pos++;
      const key = path ? `${path}.${name}` : name;
      const value = this.parseValue(key);
      if (Object.hasOwn(tree, name)) this.fail(`duplicate setting '${name}'`);
      tree[name] = value;
      this.lines.set(key, line);
      this.skipSpace();
      const end = this.text[this.pos];
      if (end === ";" || end === ",") this.pos++;
    }
  }

  private readName(): string {
    const m = /^[A-Za-z*][-A-Za-z0-9_*]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) this.fail(`expected a setting name, found '${this.text[this.pos]}'`);
    this.pos += m[0].length;
    return m[0];
  }

  private parseValue(path: string): ConfigValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "{") {
      this.pos++;
      return this.parseSettings("}", path);
    }
    if (c === "[" || c === "(") {
      this.pos++;
      return this.parseSequence(c === "[" ? "]" : ")", path);
    }
    if (c === '"') return this.readStrings();
    return this.readScalar();
  }

  private parseSequence(close: string, path: string): ConfigValue[] {
    const items: ConfigValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.parseValue(path));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === close) {
        this.pos++;
        return items;
      }
      this.fail(c === undefined ? `missing '${close}' before end of file` : `expected ',' or '${close}'`);
    }
  }

  private readStrings(): string {
    let out = "";
    while (this.text[this.pos] === '"') {
      out += this.readString();
      this.skipSpace();
    }
    return out;
  }

  private readString(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      const c = t[this.pos];
      if (c === undefined || c === "\n") this.fail("unterminated string");
      this.pos++;
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      switch (e) {
        case "n":
          out += "\n";
          break;
        case "t":
          out += "\t";
          break;
        case "r":
          out += "\r";
          break;
        case "f":
          out += "\f";
          break;
        case "\\":
          out += "\\";
          break;
        case '"':
          out += '"';
          break;
        case "x": {
          const hex = t.slice(this.pos, this.pos + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail("invalid \\x escape in string");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 2;
          break;
        }
        default:
          this.fail(`invalid escape '\\${e ?? ""}' in string`);
      }
    }
  }

  private readScalar(): ConfigValue {
    const m = /^[^\s;,\])}#]+/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) this.fail(`expected a value, found '${this.text[this.pos] ?? "end of file"}'`);
    const raw = m[0].startsWith("//") ? "" : m[0];
    if (!raw) this.fail("expected a value");
    this.pos += raw.length;
    const lower = raw.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (/^[-+]?0[xX][0-9a-fA-F]+L{0,2}$/.test(raw)) return Number.parseInt(raw.replace(/L+$/, ""), 16);
    if (/^[-+]?[0-9]+L{0,2}$/.test(raw)) return Number.parseInt(raw.replace(/L+$/, ""), 10);
    if (/^[-+]?([0-9]*\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$/.test(raw)) {
      return Number.parseFloat(raw);
    }
    this.fail(`invalid value '${raw}' (strings must be quoted)`);
  }
}
