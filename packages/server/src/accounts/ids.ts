import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijkmnopqrstuwxyz13456789";

/** A 26-character id in Mattermost's style: 26 random base32 characters (130 bits). */
export function newId(): string {
  let id = "";
  for (const byte of randomBytes(26)) id += ALPHABET[byte & 31];
  return id;
}

/** A session token: 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a token. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
