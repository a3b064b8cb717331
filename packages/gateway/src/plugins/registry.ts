import { EchoTestPlugin } from "./echotest/index.js";
import type { Plugin } from "./plugin.js";
import { VideoCallPlugin } from "./videocall/index.js";

/** Janus names plugins by library file in its `disable` lists; Callgate accepts those and package names. */
const libraryNames: Record<string, string> = {
  "libjanus_videocall.so": "janus.plugin.videocall",
  "libjanus_echotest.so": "janus.plugin.echotest",
};

export function availablePlugins(): Plugin[] {
  return [new EchoTestPlugin(), new VideoCallPlugin()];
}

/** The plugins to load, minus those the config disables. */
export function loadPlugins(disabled: readonly string[]): Map<string, Plugin> {
  const off = new Set(disabled.map((d) => libraryNames[d] ?? d));
  const plugins = new Map<string, Plugin>();
  for (const plugin of availablePlugins()) {
    if (!off.has(plugin.name)) plugins.set(plugin.name, plugin);
  }
  return plugins;
}
