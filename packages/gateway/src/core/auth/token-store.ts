import { secretDigest } from "./constant-time.js";

interface StoredToken {
  token: string;
  plugins: Set<string>;
  addedAt: number;
}

/**
 * Stored tokens (Janus's stored-token mode), managed through the admin API. Tokens are looked up
 * by their SHA-256 digest, so a lookup's timing says nothing about how much of a guess was right.
 */
export class TokenStore {
  private readonly tokens = new Map<string, StoredToken>();
  private counter = 0;

  get size(): number {
    return this.tokens.size;
  }

  /** Whether the token with this secretDigest is stored (a connection may hold the digest: DigestMemo). */
  hasDigest(digest: string): boolean {
    return this.tokens.has(digest);
  }

  /** Adds the token (or extends it) with the given plugins; returns its allowed plugins. */
  add(token: string, plugins: readonly string[]): string[] {
    const key = secretDigest(token);
    let entry = this.tokens.get(key);
    if (!entry) {
      entry = { token, plugins: new Set(), addedAt: ++this.counter };
      this.tokens.set(key, entry);
    }
    for (const p of plugins) entry.plugins.add(p);
    return sorted(entry.plugins);
  }

  /** Undefined when the token is unknown. */
  allow(token: string, plugins: readonly string[]): string[] | undefined {
    const entry = this.tokens.get(secretDigest(token));
    if (!entry) return undefined;
    for (const p of plugins) entry.plugins.add(p);
    return sorted(entry.plugins);
  }

  disallow(token: string, plugins: readonly string[]): string[] | undefined {
    const entry = this.tokens.get(secretDigest(token));
    if (!entry) return undefined;
    for (const p of plugins) entry.plugins.delete(p);
    return sorted(entry.plugins);
  }

  remove(token: string): boolean {
    return this.tokens.delete(secretDigest(token));
  }

  /** Whether the token with this secretDigest may use the plugin. */
  canAccessDigest(digest: string, plugin: string): boolean {
    return this.tokens.get(digest)?.plugins.has(plugin) ?? false;
  }

  /** Newest first, as Janus lists them; tokens with no plugin left are omitted, as Janus does. */
  list(): Array<{ token: string; allowed_plugins: string[] }> {
    return [...this.tokens.values()]
      .filter((t) => t.plugins.size > 0)
      .sort((a, b) => b.addedAt - a.addedAt)
      .map((t) => ({ token: t.token, allowed_plugins: sorted(t.plugins) }));
  }
}

function sorted(set: Set<string>): string[] {
  return [...set].sort();
}
