import { createHmac } from "node:crypto";

export interface TurnCredentials {
  username: string;
  password: string;
}

/**
 * Time-limited TURN credentials by the TURN REST convention that coturn's `use-auth-secret`
 * checks: username `<expiry unix time>:<name>`, password base64(HMAC-SHA1(shared key, username)).
 * The original always used "the end of tomorrow"; here the lifetime is the caller's choice.
 */
export function turnCredentials(
  sharedKey: string,
  name: string,
  lifetimeSeconds: number,
  now: number = Date.now(),
): TurnCredentials {
  const expiry = Math.floor(now / 1000) + Math.max(1, Math.floor(lifetimeSeconds));
  const username = `${expiry}:${name}`;
  const password = createHmac("sha1", sharedKey).update(username).digest("base64");
  return { username, password };
}
