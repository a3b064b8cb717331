import { createHmac } from "node:crypto";
import { secretEquals } from "./constant-time.js";

/**
 * Janus 1.x signed tokens (token_auth_secret):
 * "<expiry unix seconds>,janus,<plugin>...:<base64(HMAC-SHA1(secret, everything before ':'))>".
 */
export function signToken(secret: string, expiresAtSeconds: number, plugins: readonly string[]): string {
  const payload = [String(Math.floor(expiresAtSeconds)), "janus", ...plugins].join(",");
  return `${payload}:${createHmac("sha1", secret).update(payload).digest("base64")}`;
}

export interface SignedTokenCheck {
  valid: boolean;
  plugins: string[];
}

export function verifySignedToken(
  secret: string,
  token: string,
  nowSeconds = Date.now() / 1000,
): SignedTokenCheck {
  const invalid = { valid: false, plugins: [] };
  const parts = token.split(":");
  if (parts.length !== 2) return invalid;
  const [payload, signature] = parts as [string, string];
  const fields = payload.split(",");
  const expiry = Number(fields[0]);
  if (!Number.isFinite(expiry) || expiry < nowSeconds || fields[1] !== "janus") return invalid;
  const expected = createHmac("sha1", secret).update(payload).digest("base64");
  if (!secretEquals(signature, expected)) return invalid;
  return { valid: true, plugins: fields.slice(2) };
}
