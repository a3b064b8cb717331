import { type SettingKey, settingKeys } from "./keys.js";

const fileNames = {
  core: "janus.jcfg",
  http: "janus.transport.http.jcfg",
  websockets: "janus.transport.websockets.jcfg",
  videocall: "janus.plugin.videocall.jcfg",
  echotest: "janus.plugin.echotest.jcfg",
} as const;

function row(k: SettingKey): string {
  const where =
    k.files.map((f) => `\`${fileNames[f.file]}\` ${f.section}.${f.key}`).join("<br>") || "(Callgate only)";
  const flag = `${k.short && /^[A-Za-z]$/.test(k.short) ? `\`-${k.short}\`, ` : ""}\`--${k.name}\`${k.kind === "bool" ? ` / \`--no-${k.name}\`` : ""}`;
  return `| ${flag} | ${k.env ? `\`${k.env}\`` : ""} | ${where} | ${k.help}${k.secret ? " (secret: never logged)" : ""} |`;
}

/** The configuration reference in docs/configuration.md, generated from the settings table. */
export function configurationReference(): string {
  return [
    "| flag | environment | Janus config file and key | meaning |",
    "| --- | --- | --- | --- |",
    "| `-F`, `--configs-folder` | `CALLGATE_CONFIGS_FOLDER` | | folder with Janus config files (default `data/gateway`) |",
    "| `-C`, `--config` | `CALLGATE_CONFIG` | | main config file (`janus.jcfg` or `janus.cfg`) |",
    ...settingKeys.map(row),
  ].join("\n");
}
