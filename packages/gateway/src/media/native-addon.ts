import { createRequire } from "node:module";

/** The addons packages/gateway/native builds (`npm run build`, when a C compiler is there). */
export type NativeAddonName = "callgate_srtp" | "callgate_dtls" | "callgate_udp" | "callgate_sched";

const loaded = new Map<NativeAddonName, unknown>();

/**
 * An addon's exports, loaded once; null when it was not built or does not load here (no
 * compiler, another platform): its caller then takes its pure TypeScript way.
 */
export function nativeAddon<T>(name: NativeAddonName): T | null {
  if (!loaded.has(name)) {
    try {
      loaded.set(name, createRequire(import.meta.url)(`../../native/build/Release/${name}.node`));
    } catch {
      loaded.set(name, null);
    }
  }
  return loaded.get(name) as T | null;
}
