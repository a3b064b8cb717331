/** A configuration problem an admin must fix: names the file, the line and what is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = "ConfigError";
  }
}

export type ConfigScalar = string | number | boolean;
export type ConfigValue = ConfigScalar | ConfigValue[] | ConfigTree;
export interface ConfigTree {
  [key: string]: ConfigValue;
}

/** Where each setting was read, so that warnings can point at it. */
export type LineMap = Map<string, number>;

export interface ParsedConfigFile {
  file: string;
  tree: ConfigTree;
  /** "section.key" → line */
  lines: LineMap;
}
