import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { Accounts } from "./accounts/accounts.js";
import { Preferences } from "./accounts/preferences.js";
import { configRoutes } from "./api/config-routes.js";
import { ApiError } from "./api/errors.js";
import { preferencesRoutes } from "./api/preferences-routes.js";
import { usersRoutes } from "./api/users-routes.js";
import type { ConfigStore } from "./settings/config-store.js";
import type { Db } from "./store/database.js";

export interface ServerOptions {
  db: Db;
  /** The admin console's settings (ConfigStore.load(db)). */
  config: ConfigStore;
  /** Session lifetime after login (ms); Mattermost's default is 30 days. */
  sessionLengthMs?: number;
  /** Cookies only over HTTPS (on when the server is behind TLS). */
  secureCookies?: boolean;
  logger?: FastifyServerOptions["logger"];
}

/** Request bodies above this are refused with 413: the API takes small JSON documents only. */
const BODY_LIMIT = 64 * 1024;

/** The chat server's HTTP API (Mattermost v4 shapes), on Fastify; errors always as `{id, message, status_code}`. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    // Unknown fields and wrong types are errors to report, not something to drop or convert
    // without a word (Fastify's defaults). Query strings are declared as strings for that reason.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  const accounts = new Accounts(options.db, options.sessionLengthMs ?? 30 * 24 * 3600 * 1000);
  app.register(cookie);
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
  app.setNotFoundHandler((request, reply) =>
    reply
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
    usersRoutes(api, accounts, { secureCookies: options.secureCookies ?? false });
    configRoutes(api, accounts, options.config);
    preferencesRoutes(api, accounts, new Preferences(options.db));
  });
  return app;
}
