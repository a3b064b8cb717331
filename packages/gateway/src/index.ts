export { ConfigError } from "./config/errors.js";
export { type SettingKey, settingKeys } from "./config/keys.js";
export { DEFAULT_CONFIGS_FOLDER, type LoadedConfig, type LoadOptions, loadConfig } from "./config/load.js";
export type { GatewaySettings } from "./config/settings.js";
export { signToken, verifySignedToken } from "./core/auth/signed-token.js";
export { type ListenerAddress, type MediaReach, type RunningGateway, startGateway } from "./gateway.js";
export {
  type HelperThreadsPolicy,
  type HelperThreadsPriority,
  helperThreadsNice,
  helperThreadsPolicy,
  lowerHelperThreads,
} from "./media/helper-threads.js";
export { type RelaySlice, relaySliceMicros, requestRelaySlice } from "./media/relay-slice.js";
export type { Logger } from "./observability/logger.js";
export { createLogger } from "./observability/logger.js";
export { ListenError } from "./transports/listeners.js";
