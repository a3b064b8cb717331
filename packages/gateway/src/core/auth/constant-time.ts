import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a secret in constant time. Both sides are hashed first so that neither the
 * content nor the length of the configured secret leaks through timing.
 */
export function secretEquals(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A lookup key for a secret-like value: tables keyed by it take the same time whatever the prefix. */
export function secretDigest(value: string): string {
  return createHash("sha256").update(value).digest("base64");
}
