import type { FastifyInstance } from "fastify";
import { type Accounts, publicUser } from "../accounts/accounts.js";
import { requireSession, SESSION_COOKIE } from "./session-auth.js";

const username = { type: "string", pattern: "^[a-z][a-z0-9._-]{2,21}$" } as const;
const email = { type: "string", format: "email", maxLength: 128 } as const;
const password = { type: "string", minLength: 8, maxLength: 128 } as const;

/** Mattermost API v4 user routes: sign-up, login, logout, me, list. */
export function usersRoutes(
  app: FastifyInstance,
  accounts: Accounts,
  options: { secureCookies: boolean },
): void {
  app.post<{ Body: { username: string; email: string; password: string } }>(
    "/api/v4/users",
    {
      schema: {
        body: {
          type: "object",
          required: ["username", "email", "password"],
          properties: { username, email, password },
        },
      },
    },
    async (request, reply) => {
      const user = await accounts.createUser(request.body);
      return reply.code(201).send(publicUser(user));
    },
  );

  app.post<{ Body: { login_id: string; password: string } }>(
    "/api/v4/users/login",
    {
      schema: {
        body: {
          type: "object",
          required: ["login_id", "password"],
          properties: {
            login_id: { type: "string", minLength: 1, maxLength: 128 },
            password: { type: "string", maxLength: 128 },
          },
        },
      },
    },
    async (request, reply) => {
      const { user, token, session } = await accounts.login(request.body.login_id, request.body.password);
      reply.header("Token", token);
      reply.setCookie(SESSION_COOKIE, token, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: options.secureCookies,
        expires: new Date(session.expiresAt),
      });
      return publicUser(user);
    },
  );

  app.post("/api/v4/users/logout", async (request, reply) => {
    const { session } = await requireSession(accounts, request);
    await accounts.logout(session.id);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return { status: "OK" };
  });

  app.get("/api/v4/users/me", async (request) => publicUser((await requireSession(accounts, request)).user));

  app.get<{ Querystring: { page?: string; per_page?: string } }>(
    "/api/v4/users",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            page: { type: "string", pattern: "^[0-9]{1,6}$" },
            per_page: { type: "string", pattern: "^([1-9][0-9]?|1[0-9][0-9]|200)$" },
          },
        },
      },
    },
    async (request) => {
      await requireSession(accounts, request);
      const page = Number(request.query.page ?? 0);
      const perPage = Number(request.query.per_page ?? 60);
      const rows = await accounts.listUsers(page, perPage);
      return rows.map(publicUser);
    },
  );
}
