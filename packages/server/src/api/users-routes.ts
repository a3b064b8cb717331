import type { FastifyInstance } from "fastify";
import { type Accounts, publicUser, type UserRow } from "../accounts/accounts.js";
import type { Invites } from "../accounts/invites.js";
import type { Preferences } from "../accounts/preferences.js";
import type { ConfigStore } from "../settings/config-store.js";
import type { Hub } from "../ws/hub.js";
import { ApiError, forbidden, notFound } from "./errors.js";
import { idParams } from "./params.js";
import { authHooks, requestToken, requireAdmin, requireSession, SESSION_COOKIE } from "./session-auth.js";

const username = { type: "string", pattern: "^[a-z][a-z0-9._-]{2,21}$" } as const;
const email = { type: "string", format: "email", maxLength: 128 } as const;
const password = { type: "string", minLength: 8, maxLength: 128 } as const;

const userIdParam = idParams("user_id", true);

/** What else must happen when sessions end: their sockets close, their gateway tokens go. */
export interface SessionEndHooks {
  sessionEnded(sessionId: string): void;
  userDeactivated(userId: string): void;
}

/**
 * Mattermost API v4 user routes: sign-up (open or by invite), login, logout, me, list, one user,
 * sessions and their revocation, (de)activation, presence, the invite id.
 */
export function usersRoutes(
  app: FastifyInstance,
  deps: {
    accounts: Accounts;
    invites: Invites;
    preferences: Preferences;
    config: ConfigStore;
    hub: Hub;
    hooks: SessionEndHooks;
  },
  options: { secureCookies: boolean },
): void {
  const { accounts, invites, preferences, config, hub, hooks } = deps;
  const auth = authHooks(accounts);
  /** Users as others see them: with presence, and whether they take calls (their opt-in). */
  const withStatus = async (rows: UserRow[]) => {
    const optedIn = await preferences.optedInAmong(rows.map((r) => r.id));
    return rows.map((row) => ({
      ...publicUser(row),
      status: hub.statusOf(row.id),
      calls_enabled: optedIn.has(row.id),
    }));
  };

  app.post<{ Body: { username: string; email: string; password: string }; Querystring: { iid?: string } }>(
    "/api/v4/users",
    {
      schema: {
        body: {
          type: "object",
          required: ["username", "email", "password"],
          additionalProperties: false,
          properties: { username, email, password },
        },
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { iid: { type: "string", maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      // Later sign-ups: open sign-up, the invite link, or an admin creating the account.
      const token = requestToken(request);
      const requester = token ? await accounts.authenticate(token) : undefined;
      const allowed =
        config.get().TeamSettings.EnableOpenServer ||
        (request.query.iid !== undefined && (await invites.matches(request.query.iid))) ||
        (requester?.user.roles.split(" ").includes("system_admin") ?? false);
      const user = await accounts.createUser(request.body, allowed);
      return reply.code(201).send(publicUser(user));
    },
  );

  app.get("/api/v4/invite_id", async (request) => {
    await requireAdmin(accounts, request);
    return { invite_id: await invites.current() };
  });

  app.post("/api/v4/invite_id/regenerate", async (request) => {
    await requireAdmin(accounts, request);
    return { invite_id: await invites.regenerate() };
  });

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
    hooks.sessionEnded(session.id);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return { status: "OK" };
  });

  // Whether the request carries a live session, answered 200 either way: the web app asks this at
  // start, where a 401 would put an error in the browser's console for every logged-out visitor.
  app.get("/api/v4/session", async (request) => {
    const token = requestToken(request);
    const found = token ? await accounts.authenticate(token) : undefined;
    return { user: found ? publicUser(found.user) : null };
  });

  /** The user themself ("me" or their id), or any user for an admin. */
  const selfOrAdmin = async (request: Parameters<typeof requireSession>[1], userId: string) => {
    const { user } = await requireSession(accounts, request);
    if (userId === "me" || userId === user.id) return user.id;
    if (!user.roles.split(" ").includes("system_admin")) throw forbidden();
    return userId;
  };

  app.get<{ Params: { user_id: string } }>(
    "/api/v4/users/:user_id",
    { preValidation: auth.user, schema: { params: userIdParam } },
    async (request) => {
      const { user } = await requireSession(accounts, request);
      const id = request.params.user_id === "me" ? user.id : request.params.user_id;
      const found = await accounts.getUser(id);
      if (!found) throw notFound("User");
      return (await withStatus([found]))[0];
    },
  );

  app.get<{ Params: { user_id: string } }>(
    "/api/v4/users/:user_id/sessions",
    { preValidation: auth.user, schema: { params: userIdParam } },
    async (request) => accounts.sessionsOf(await selfOrAdmin(request, request.params.user_id)),
  );

  app.post<{ Params: { user_id: string }; Body: { session_id: string } }>(
    "/api/v4/users/:user_id/sessions/revoke",
    {
      preValidation: auth.user,
      schema: {
        params: userIdParam,
        body: {
          type: "object",
          required: ["session_id"],
          additionalProperties: false,
          properties: { session_id: { type: "string", maxLength: 26 } },
        },
      },
    },
    async (request) => {
      const owner = await selfOrAdmin(request, request.params.user_id);
      if (!(await accounts.revokeSession(owner, request.body.session_id))) throw notFound("Session");
      hooks.sessionEnded(request.body.session_id);
      return { status: "OK" };
    },
  );

  app.put<{ Params: { user_id: string }; Body: { active: boolean } }>(
    "/api/v4/users/:user_id/active",
    {
      preValidation: auth.admin,
      schema: {
        params: userIdParam,
        body: {
          type: "object",
          required: ["active"],
          additionalProperties: false,
          properties: { active: { type: "boolean" } },
        },
      },
    },
    async (request) => {
      const { user: admin } = await requireAdmin(accounts, request);
      const id = request.params.user_id === "me" ? admin.id : request.params.user_id;
      if (id === admin.id && !request.body.active)
        throw new ApiError(
          400,
          "api.user.update_active.self.app_error",
          "You cannot deactivate your own account here: another admin must.",
        );
      const updated = await accounts.setActive(id, request.body.active);
      if (!updated) throw notFound("User");
      if (!request.body.active) hooks.userDeactivated(id);
      return { status: "OK" };
    },
  );

  app.post<{ Body: string[] }>(
    "/api/v4/users/status/ids",
    {
      preValidation: auth.user,
      schema: { body: { type: "array", maxItems: 200, items: { type: "string", maxLength: 26 } } },
    },
    async (request) => request.body.map((id) => ({ user_id: id, status: hub.statusOf(id) })),
  );

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
      return withStatus(rows);
    },
  );
}
