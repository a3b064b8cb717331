import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import websocket from "@fastify/websocket";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { Accounts } from "./accounts/accounts.js";
import { Invites } from "./accounts/invites.js";
import { Preferences } from "./accounts/preferences.js";
import { channelsRoutes } from "./api/channels-routes.js";
import { configRoutes } from "./api/config-routes.js";
import { ApiError } from "./api/errors.js";
import { preferencesRoutes } from "./api/preferences-routes.js";
import { usersRoutes } from "./api/users-routes.js";
import { webrtcRoutes } from "./api/webrtc-routes.js";
import { CallSignalling } from "./calls/call-signalling.js";
import { WebrtcTokens } from "./calls/webrtc-tokens.js";
import { Channels } from "./messaging/channels.js";
import { Messenger } from "./messaging/messenger.js";
import { Posts } from "./messaging/posts.js";
import type { ConfigStore } from "./settings/config-store.js";
import type { Db } from "./store/database.js";
import { Hub } from "./ws/hub.js";
import { websocketRoute } from "./ws/websocket-route.js";

export interface ServerOptions {
  db: Db;
  /** The admin console's settings (ConfigStore.load(db)). */
  config: ConfigStore;
  /** Session lifetime after login (ms); Mattermost's default is 30 days. */
  sessionLengthMs?: number;
  /** Cookies only over HTTPS (on when the server is behind TLS). */
  secureCookies?: boolean;
  /** A folder with the built web app, served at `/` (index.html for every page path). */
  webRoot?: string;
  /** How long a call rings unanswered (ms); the original's ring sound lasted about 37 s. */
  ringTimeoutMs?: number;
  /** Lifetime of issued TURN credentials (seconds); default one day. */
  turnCredentialsLifetimeSeconds?: number;
  /** How often expired sessions are swept and ended sessions' gateway tokens removed (ms). */
  maintenanceIntervalMs?: number;
  logger?: FastifyServerOptions["logger"];
}

/** Request bodies above this are refused with 413: the API takes small JSON documents only. */
const BODY_LIMIT = 64 * 1024;

/** The chat server's HTTP API (Mattermost v4 shapes), on Fastify; errors always as `{id, message, status_code}`. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    // One line per request is noise for a chat server; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown fields and wrong types are errors to report, not something to drop or convert
    // without a word (Fastify's defaults). Query strings are declared as strings for that reason.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // Errors the router raises before any route (a bad URL encoding, an over-long id) in our shape too.
    frameworkErrors: (error, _request, frameworkReply) => {
      const status = error.statusCode ?? 400;
      // Typed for route generics this hook never has; it is a plain reply.
      return (frameworkReply as unknown as FastifyReply)
        .code(status)
        .send(new ApiError(status, `api.request.${error.code ?? "invalid"}`, error.message).toJSON());
    },
  });
  const db = options.db;
  const accounts = new Accounts(db, options.sessionLengthMs ?? 30 * 24 * 3600 * 1000);
  const preferences = new Preferences(db);
  const hub = new Hub();
  const channels = new Channels(db);
  const posts = new Posts(db);
  const messenger = new Messenger(channels, posts, hub);
  const tokens = new WebrtcTokens(db, options.config, app.log);
  const calls = new CallSignalling({
    hub,
    accounts,
    preferences,
    channels,
    messenger,
    config: options.config,
    ringTimeoutMs: options.ringTimeoutMs ?? 45_000,
    onError: (err) => app.log.error({ err }, "call signalling failed"),
  });
  const removeTokens = () =>
    void tokens.removeEnded().catch((err: unknown) => app.log.error({ err }, "gateway token removal failed"));
  const hooks = {
    sessionEnded(sessionId: string) {
      hub.closeSession(sessionId);
      removeTokens();
    },
    userDeactivated(userId: string) {
      hub.closeUser(userId);
      removeTokens();
    },
  };
  // Sessions that expire end like the others: sockets closed, gateway tokens removed (the
  // original left those tokens in the gateway); removals the gateway missed are retried here.
  const maintenance = setInterval(async () => {
    try {
      for (const id of await accounts.deleteExpiredSessions()) hub.closeSession(id);
      await tokens.removeEnded();
    } catch (err) {
      app.log.error({ err }, "session maintenance failed");
    }
  }, options.maintenanceIntervalMs ?? 60_000);
  maintenance.unref();
  app.addHook("onClose", async () => {
    clearInterval(maintenance);
    // Records being written for calls that ended just before are waited for: the database goes next.
    await calls.close();
    hub.closeAll();
  });
  app.register(cookie);
  app.register(websocket, { options: { maxPayload: BODY_LIMIT } });
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(error.toJSON());
    const e = error as { validation?: unknown; statusCode?: number; message: string; code?: string };
    if (e.validation)
      return reply
        .code(400)
        .send(
          new ApiError(
            400,
            "api.context.invalid_body_param.app_error",
            `Invalid request: ${e.message}.`,
          ).toJSON(),
        );
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
      return reply
        .code(e.statusCode)
        .send(new ApiError(e.statusCode, `api.request.${e.code ?? "invalid"}`, e.message).toJSON());
    request.log.error(error);
    return reply
      .code(500)
      .send(new ApiError(500, "api.internal.app_error", "Internal server error.").toJSON());
  });
  // PostgreSQL text cannot hold NUL characters, and no field of ours needs one: refused up front,
  // the same on both databases, rather than failing in the database.
  app.addHook("preValidation", async (request) => {
    if (containsNul(request.body))
      throw new ApiError(
        400,
        "api.context.invalid_body_param.app_error",
        "Text may not contain NUL characters.",
      );
  });
  const webRoot = options.webRoot;
  if (webRoot)
    app.register(fastifyStatic, { root: webRoot, prefix: "/", wildcard: false, index: "index.html" });
  app.setNotFoundHandler((request, reply) =>
    // The web app's own paths (/login, /messages/…) all load its page; the API keeps its 404s.
    webRoot && request.method === "GET" && !request.url.startsWith("/api/")
      ? reply.type("text/html").sendFile("index.html")
      : reply
          .code(404)
          .send(
            new ApiError(
              404,
              "api.context.404.app_error",
              `No API route ${request.method} ${request.url}.`,
            ).toJSON(),
          ),
  );
  app.register(async (api) => {
    const invites = new Invites(db);
    usersRoutes(
      api,
      { accounts, invites, preferences, config: options.config, hub, hooks },
      { secureCookies: options.secureCookies ?? false },
    );
    configRoutes(api, accounts, options.config);
    preferencesRoutes(api, accounts, preferences, hub);
    channelsRoutes(api, { accounts, channels, posts, messenger });
    webrtcRoutes(api, accounts, options.config, tokens, {
      turnCredentialsLifetimeSeconds: options.turnCredentialsLifetimeSeconds ?? 24 * 3600,
    });
    websocketRoute(api, { accounts, hub, calls });
  });
  return app;
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 64 || typeof value !== "object" || value === null) return false;
  for (const [key, item] of Object.entries(value))
    if (key.includes("\u0000") || containsNul(item, depth + 1)) return true;
  return false;
}
