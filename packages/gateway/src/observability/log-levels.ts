/** Janus debug levels 0-7 as pino levels (0 none, 1 fatal, 2 error, 3 warn, 4 info, 5 verbose, 6-7 debug). */
export const pinoLevels = ["silent", "fatal", "error", "warn", "info", "debug", "trace", "trace"] as const;
