// Test helpers shared with the end-to-end suite (`@callgate/gateway/testing`).
export { coturnInstalled, type RunningTurn, startCoturn } from "./coturn.js";
