export * from "./errors.js";
export * from "./messages.js";
export * from "./plugins.js";
export * from "./validate.js";
