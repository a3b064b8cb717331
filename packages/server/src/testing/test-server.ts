import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildServer, type ServerOptions } from "../server.js";
import { ConfigStore } from "../settings/config-store.js";
import type { Db } from "../store/database.js";
import type { TestDatabase } from "./databases.js";

export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

export interface TestServer {
  app: FastifyInstance;
  db: Db;
  config: ConfigStore;
  /** The first user signed up: the system admin. */
  admin(): TestUser;
  /** Creates a user (the first becomes admin; later ones are created by the admin) and logs in. */
  signUp(name: string): Promise<TestUser>;
  /** Another session of an existing user. */
  login(user: TestUser): Promise<string>;
  /** A request as `user` (or anonymous); JSON payloads. */
  call(
    user: TestUser | string | undefined,
    method: InjectOptions["method"],
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  /** Opens the same database again, as a restarted server would. */
  reopenDatabase(): Promise<Db>;
  /** Stops the server and drops the database. */
  close(): Promise<void>;
}

/** The chat server on a fresh test database, with helpers to make users and call the API as them. */
export async function startTestServer(
  backend: TestDatabase,
  options: Partial<Omit<ServerOptions, "db" | "config">> = {},
): Promise<TestServer> {
  const database = await backend.open();
  const db = database.db;
  const config = await ConfigStore.load(db);
  const app = buildServer({ db, config, ...options });
  let first: TestUser | undefined;
  const t: TestServer = {
    app,
    db,
    config,
    admin() {
      if (!first) throw new Error("no user signed up yet");
      return first;
    },
    async call(user, method, url, payload) {
      const token = typeof user === "string" ? user : user?.token;
      return app.inject({
        method,
        url,
        ...(payload !== undefined && { payload: payload as object }),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    },
    async login(user) {
      const res = await t.call(undefined, "POST", "/api/v4/users/login", {
        login_id: user.username,
        password: user.password,
      });
      if (res.statusCode !== 200) throw new Error(`login of ${user.username}: ${res.body}`);
      return res.headers.token as string;
    },
    async signUp(name) {
      const password = `${name} password`;
      const created = await t.call(first, "POST", "/api/v4/users", {
        username: name,
        email: `${name}@example.com`,
        password,
      });
      if (created.statusCode !== 201) throw new Error(`sign-up of ${name}: ${created.body}`);
      const user: TestUser = { id: created.json().id, username: name, password, token: "" };
      user.token = await t.login(user);
      first ??= user;
      return user;
    },
    reopenDatabase: () => database.reopen(),
    async close() {
      await app.close();
      await db.destroy();
      await database.drop();
    },
  };
  return t;
}
