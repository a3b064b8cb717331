import * as crypto from "node:crypto";

/**
 * A lookup key for a secret-like value, and what secrets are compared by: tables keyed by it
 * take the same time whatever the prefix, and neither the content nor the length of a configured
 * secret leaks through a comparison of digests. SHA-256, base64-encoded by the hash itself (a
 * Buffer made and then encoded cost 2 µs where base64 straight from the hash costs 0.55); Node's
 * one-shot `crypto.hash` (20.12+, 21.7+) where there is one: no Hash object (a stream) per call.
 */
export function secretDigest(value: string): string {
  if (typeof crypto.hash === "function") return crypto.hash("sha256", value, "base64");
  return crypto.createHash("sha256").update(value).digest("base64");
}

/**
 * Whether two strings are equal, every character compared: the time depends on `given`'s length
 * and on whether the two lengths are equal, never on where they differ. (Digests have one length;
 * a memo's `known` is what was sent before on the same connection.)
 */
export function sameInConstantTime(given: string, known: string): boolean {
  const sameLength = given.length === known.length;
  const other = sameLength ? known : given;
  let diff = sameLength ? 0 : 1;
  for (let i = 0; i < given.length; i++) diff |= given.charCodeAt(i) ^ other.charCodeAt(i);
  return diff === 0;
}

/** Compares a secret in constant time against a digest from secretDigest. */
export function secretMatches(given: unknown, expectedDigest: string, memo?: DigestMemo): boolean {
  if (typeof given !== "string") return false;
  return sameInConstantTime(memo ? memo.of(given) : secretDigest(given), expectedDigest);
}

/** As secretMatches, for an expected value that is not fixed (a signature computed per request). */
export function secretEquals(given: unknown, expected: string): boolean {
  return secretMatches(given, secretDigest(expected));
}

/**
 * One client's last secret and its digest. Janus clients repeat their token (or api or admin
 * secret) on every request, and the digest of a short string cost the gateway 3-4 µs a request
 * with its caches cold between requests (0.3 µs in a loop): with the memo, once a connection.
 * The value is only ever compared, in constant time, with what was sent before on the same
 * connection (a proxy's kept-alive connection may carry several clients: the memo then misses).
 */
export class DigestMemo {
  private value: string | undefined;
  private digest = "";

  constructor(private readonly digestOf: (value: string) => string = secretDigest) {}

  of(value: string): string {
    if (this.value === undefined || !sameInConstantTime(value, this.value)) {
      this.digest = this.digestOf(value);
      this.value = value;
    }
    return this.digest;
  }
}

/** A connection's memos, one per kind of secret its requests carry. */
export class CredentialDigests {
  readonly token = new DigestMemo();
  readonly apiSecret = new DigestMemo();
  readonly adminSecret = new DigestMemo();
}
