import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";

export const ADMIN_SECRET_FILE = "admin_secret";
/** The secret Janus's sample config ships with, and the seed guide tells admins to use. */
export const JANUS_SAMPLE_ADMIN_SECRET = "janusoverlord";

export interface AdminSecret {
  value: string;
  source: "config" | "file" | "generated";
  path?: string;
}

/**
 * The admin secret: the configured one (the sample secret is accepted, loudly), else the one
 * generated on an earlier start, else a new random one, stored with mode 0600 and printed once.
 */
export function resolveAdminSecret(
  configured: string | undefined,
  stateDir: string,
  log: Logger,
): AdminSecret {
  if (configured !== undefined) {
    if (configured === "")
      throw new Error("admin_secret is empty: set a real secret or remove the setting to have one generated");
    if (configured === JANUS_SAMPLE_ADMIN_SECRET) {
      log.warn(
        "admin_secret is Janus's published sample value 'janusoverlord': anyone who can reach the admin API can issue tokens. Change it, or remove it to have a random one generated.",
      );
    }
    return { value: configured, source: "config" };
  }
  const path = join(stateDir, ADMIN_SECRET_FILE);
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077)
      log.warn(
        { path, mode: mode.toString(8) },
        "admin secret file is readable by others; it should be mode 600",
      );
    const value = readFileSync(path, "utf8").trim();
    if (value) return { value, source: "file", path };
  }
  mkdirSync(stateDir, { recursive: true });
  const value = randomBytes(24).toString("base64url");
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { value, source: "generated", path };
}
