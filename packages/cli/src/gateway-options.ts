import { DEFAULT_CONFIGS_FOLDER, type SettingKey, settingKeys } from "@callgate/gateway";
import { type Command, Option } from "commander";

/** Adds every gateway setting as a flag, generated from the settings table so --help lists them all. */
export function addGatewayOptions(command: Command): Command {
  command
    .option(
      "-F, --configs-folder <dir>",
      `folder with Janus config files (janus.jcfg, janus.transport.*.jcfg or 0.2.x .cfg) [env CALLGATE_CONFIGS_FOLDER] (default: ${DEFAULT_CONFIGS_FOLDER})`,
    )
    .option("-C, --config <file>", "main config file (janus.jcfg or janus.cfg) [env CALLGATE_CONFIG]");
  for (const key of settingKeys) {
    for (const option of optionsFor(key)) command.addOption(option);
  }
  return command;
}

function optionsFor(key: SettingKey): Option[] {
  const env = key.env ? ` [env ${key.env}]` : "";
  const files = key.files.map((f) => `${f.section}.${f.key}`).join(", ");
  const where = files ? ` (config: ${files})` : "";
  const short = key.short && /^[A-Za-z]$/.test(key.short) ? `-${key.short}, ` : "";
  if (key.kind === "bool") {
    return [
      new Option(`${short}--${key.name}`, `${key.help}${where}${env}`),
      new Option(`--no-${key.name}`, `turn off: ${key.help}`),
    ];
  }
  const placeholder =
    key.kind === "int"
      ? "<n>"
      : key.kind === "list"
        ? "<a,b>"
        : key.kind === "range"
          ? "<min-max>"
          : "<value>";
  return [new Option(`${short}--${key.name} ${placeholder}`, `${key.help}${where}${env}`)];
}

/** Commander's camelCased option values, keyed back by setting name. */
export function gatewayFlags(opts: Record<string, unknown>): Record<string, string | boolean | undefined> {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const key of settingKeys) {
    const value = opts[camel(key.name)];
    if (typeof value === "string" || typeof value === "boolean") flags[key.name] = value;
  }
  return flags;
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
