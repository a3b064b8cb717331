export { main } from "./main.js";
export { GATEWAY_NODE_FLAGS } from "./node-flags.js";
