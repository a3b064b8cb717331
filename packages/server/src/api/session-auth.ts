import type { FastifyRequest } from "fastify";
import type { Accounts, Session, UserRow } from "../accounts/accounts.js";
import { forbidden, unauthorized } from "./errors.js";

export const SESSION_COOKIE = "MMAUTHTOKEN";

type Authenticated = { user: UserRow; session: Session };

/** A request's session, once looked up: a preValidation hook and the handler share one lookup. */
const sessions = new WeakMap<FastifyRequest, Authenticated>();

/** The token a request carries: `Authorization: Bearer …` (or Mattermost's `Token …`), else the session cookie. */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^(?:Bearer|Token)\s+(\S+)$/i.exec(header) : null;
  if (match) return match[1];
  return request.cookies[SESSION_COOKIE] || undefined;
}

/** The logged-in user and session of a request, or a 401 in Mattermost's shape. */
export async function requireSession(
  accounts: Accounts,
  request: FastifyRequest,
): Promise<{ user: UserRow; session: Session }> {
  const cached = sessions.get(request);
  if (cached) return cached;
  const token = requestToken(request);
  const found = token ? await accounts.authenticate(token) : undefined;
  if (!found) throw unauthorized();
  sessions.set(request, found);
  return found;
}

/**
 * Route hooks that check the session before the body is validated: an anonymous request gets
 * its 401 whatever it sent, and no one learns the body's rules without logging in.
 */
export function authHooks(accounts: Accounts) {
  return {
    user: async (request: FastifyRequest) => {
      await requireSession(accounts, request);
    },
    admin: async (request: FastifyRequest) => {
      await requireAdmin(accounts, request);
    },
  };
}

/** As requireSession, and a 403 unless the user is a system admin. */
export async function requireAdmin(
  accounts: Accounts,
  request: FastifyRequest,
): Promise<{ user: UserRow; session: Session }> {
  const found = await requireSession(accounts, request);
  if (!found.user.roles.split(" ").includes("system_admin")) throw forbidden();
  return found;
}
