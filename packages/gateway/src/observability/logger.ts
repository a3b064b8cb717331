import pino, { type Logger } from "pino";

export type { Logger };

import pretty from "pino-pretty";
import type { LogFormat } from "../config/settings.js";
import { pinoLevels } from "./log-levels.js";

/** Fields that may carry secrets; pino replaces them wherever they appear in a log record. */
const redact = [
  "admin_secret",
  "apisecret",
  "token",
  "*.admin_secret",
  "*.apisecret",
  "*.token",
  "secret",
  "*.secret",
];

/** The gateway's logger: JSON lines or pretty text, level from Janus's debug_level (0-7). */
export function createLogger(
  debugLevel: number,
  format: LogFormat,
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = { level: pinoLevels[debugLevel] ?? "info", redact, base: { component: "gateway" } };
  if (format === "pretty") {
    return pino(
      options,
      pretty({ destination, sync: true, ignore: "pid,hostname,component", translateTime: "SYS:HH:MM:ss.l" }),
    );
  }
  return pino(options, pino.destination({ dest: destination === process.stdout ? 1 : 2, sync: true }));
}
