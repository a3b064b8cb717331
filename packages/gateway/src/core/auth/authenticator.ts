import { type CredentialDigests, secretDigest, secretMatches } from "./constant-time.js";
import { verifySignedToken } from "./signed-token.js";
import { TokenStore } from "./token-store.js";

export interface AuthSettings {
  apiSecret: string | undefined;
  tokenAuth: boolean;
  tokenAuthSecret: string | undefined;
  adminSecret: string;
}

/**
 * Janus's request checks (src/janus.c janus_auth_check): a request passes when neither
 * api_secret nor token_auth is on, or its `apisecret` matches, or its `token` is valid.
 */
export class Authenticator {
  readonly tokens = new TokenStore();
  /** The secrets hashed once: each request hashes only what it brings. */
  private readonly apiSecretDigest: string | undefined;
  private readonly adminSecretDigest: string;

  constructor(private readonly settings: AuthSettings) {
    this.apiSecretDigest = settings.apiSecret === undefined ? undefined : secretDigest(settings.apiSecret);
    this.adminSecretDigest = secretDigest(settings.adminSecret);
  }

  get tokenAuthEnabled(): boolean {
    return this.settings.tokenAuth;
  }

  get apiSecretEnabled(): boolean {
    return this.settings.apiSecret !== undefined;
  }

  /** Stored-token mode: token auth on and no signing secret; only then do the admin token verbs work. */
  get storedTokens(): boolean {
    return this.settings.tokenAuth && !this.settings.tokenAuthSecret;
  }

  /** `digests`: the connection's memos, when the request came on one that has them. */
  checkRequest(apisecret: unknown, token: unknown, digests?: CredentialDigests): boolean {
    const { tokenAuth } = this.settings;
    const apiSecret = this.apiSecretDigest;
    if (apiSecret === undefined && !tokenAuth) return true;
    if (apiSecret !== undefined && secretMatches(apisecret, apiSecret, digests?.apiSecret)) return true;
    return tokenAuth && typeof token === "string" && this.tokenValid(token, digests);
  }

  /** The plugin ACL, checked at attach when the request carried a token. */
  tokenMayUse(token: string, plugin: string, digests?: CredentialDigests): boolean {
    if (!this.settings.tokenAuth) return true;
    if (this.settings.tokenAuthSecret) {
      const check = verifySignedToken(this.settings.tokenAuthSecret, token);
      return check.valid && check.plugins.includes(plugin);
    }
    return this.tokens.canAccessDigest(tokenDigest(token, digests), plugin);
  }

  checkAdmin(secret: unknown, digests?: CredentialDigests): boolean {
    return secretMatches(secret, this.adminSecretDigest, digests?.adminSecret);
  }

  private tokenValid(token: string, digests: CredentialDigests | undefined): boolean {
    if (this.settings.tokenAuthSecret) return verifySignedToken(this.settings.tokenAuthSecret, token).valid;
    return this.tokens.hasDigest(tokenDigest(token, digests));
  }
}

function tokenDigest(token: string, digests: CredentialDigests | undefined): string {
  return digests ? digests.token.of(token) : secretDigest(token);
}
