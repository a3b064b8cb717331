import type { Command } from "commander";

export interface ServerTimingOptions {
  ringTimeout: string;
  sessionLength: string;
  turnCredentialsLifetime: string;
}

export class UsageError extends Error {}

/** The chat server's timing flags, shared by `server` and `start`. */
export function addServerTimingOptions(command: Command): Command {
  return command
    .option("--ring-timeout <seconds>", "how long a call rings unanswered before 'no answer'", "45")
    .option("--session-length <days>", "how long a login lasts", "30")
    .option("--turn-credentials-lifetime <hours>", "how long issued TURN credentials stay valid", "24");
}

/** A positive number from a flag; a UsageError naming the flag otherwise. */
function positive(flag: string, value: string): number {
  const n = Number(value);
  if (Number.isFinite(n) && n > 0) return n;
  throw new UsageError(`callgate: ${flag} must be a positive number, not '${value}'`);
}

export function parseTiming(opts: ServerTimingOptions) {
  return {
    ringTimeoutMs: positive("--ring-timeout", opts.ringTimeout) * 1000,
    sessionLengthMs: positive("--session-length", opts.sessionLength) * 24 * 3600 * 1000,
    turnCredentialsLifetimeSeconds:
      positive("--turn-credentials-lifetime", opts.turnCredentialsLifetime) * 3600,
  };
}
