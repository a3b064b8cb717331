import type { Selectable } from "kysely";
import { ApiError } from "../api/errors.js";
import type { Db } from "../store/database.js";
import type { UsersTable } from "../store/schema.js";
import { newId, newToken, tokenHash } from "./ids.js";
import { hashPassword, verifyPassword } from "./passwords.js";

export type UserRow = Selectable<UsersTable>;

/** A user as the API shows it (Mattermost's user object, the fields we keep). */
export interface PublicUser {
  id: string;
  username: string;
  email: string;
  roles: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export function publicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    roles: row.roles,
    create_at: Number(row.create_at),
    update_at: Number(row.update_at),
    delete_at: Number(row.delete_at),
  };
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: number;
}

/** Users and their sessions: sign-up, login, logout, lookup by token. */
export class Accounts {
  constructor(
    private readonly db: Db,
    /** How long a session lives after login, in milliseconds. */
    private readonly sessionLengthMs: number,
  ) {}

  /**
   * Creates a user; the first one of a fresh database becomes the system admin. Later ones only
   * when `allowed` (open sign-up, a valid invite, or an admin creating the account).
   */
  async createUser(
    input: { username: string; email: string; password: string },
    allowed = true,
  ): Promise<UserRow> {
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (tx) => {
      const first = (await tx.selectFrom("users").select("id").limit(1).executeTakeFirst()) === undefined;
      if (!first && !allowed)
        throw new ApiError(
          403,
          "api.user.create_user.no_open_server.app_error",
          "This server does not allow open sign-up: ask an administrator for an invite link.",
        );
      const taken = await tx
        .selectFrom("users")
        .select(["username", "email"])
        .where((eb) => eb.or([eb("username", "=", input.username), eb("email", "=", input.email)]))
        .executeTakeFirst();
      if (taken?.username === input.username)
        throw new ApiError(
          400,
          "app.user.save.username_exists.app_error",
          "An account with that username already exists.",
        );
      if (taken)
        throw new ApiError(
          400,
          "app.user.save.email_exists.app_error",
          "An account with that email already exists.",
        );
      const now = Date.now();
      const row = {
        id: newId(),
        username: input.username,
        email: input.email,
        password_hash: passwordHash,
        roles: first ? "system_admin system_user" : "system_user",
        create_at: now,
        update_at: now,
        delete_at: 0,
      };
      await tx.insertInto("users").values(row).execute();
      return row;
    });
  }

  /** Checks a login (username or email) and opens a session; the same error for every failure. */
  async login(
    loginId: string,
    password: string,
  ): Promise<{ user: UserRow; token: string; session: Session }> {
    const user = await this.db
      .selectFrom("users")
      .selectAll()
      .where((eb) => eb.or([eb("username", "=", loginId), eb("email", "=", loginId)]))
      .executeTakeFirst();
    // Without a user a dummy hash is still checked, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || Number(user.delete_at) !== 0)
      throw new ApiError(
        401,
        "api.user.login.invalid_credentials_email_username",
        "Enter a valid email or username and/or password.",
      );
    const token = newToken();
    const now = Date.now();
    const session = { id: newId(), userId: user.id, expiresAt: now + this.sessionLengthMs };
    await this.db
      .insertInto("sessions")
      .values({
        id: session.id,
        token_hash: tokenHash(token),
        user_id: user.id,
        create_at: now,
        expires_at: session.expiresAt,
        last_activity_at: now,
      })
      .execute();
    return { user, token, session };
  }

  /** The live session and user behind a token, or undefined (unknown, expired, or user deactivated). */
  async authenticate(token: string): Promise<{ user: UserRow; session: Session } | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .selectAll("users")
      .select(["sessions.id as session_id", "sessions.expires_at"])
      .where("sessions.token_hash", "=", tokenHash(token))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= Date.now() || Number(row.delete_at) !== 0) return undefined;
    const { session_id, expires_at, ...user } = row;
    return { user, session: { id: session_id, userId: user.id, expiresAt: Number(expires_at) } };
  }

  /** Ends one session (logout, revoke). Its gateway token is unlinked with it (see WebrtcTokens). */
  async logout(sessionId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", sessionId).execute();
  }

  /** A user's live sessions, newest first. */
  async sessionsOf(userId: string): Promise<Array<{ id: string; create_at: number; expires_at: number }>> {
    const rows = await this.db
      .selectFrom("sessions")
      .select(["id", "create_at", "expires_at"])
      .where("user_id", "=", userId)
      .where("expires_at", ">", Date.now())
      .orderBy("create_at", "desc")
      .execute();
    return rows.map((r) => ({ id: r.id, create_at: Number(r.create_at), expires_at: Number(r.expires_at) }));
  }

  /** Ends one of a user's sessions; false when the user has no such session. */
  async revokeSession(userId: string, sessionId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("sessions")
      .where("id", "=", sessionId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes sessions past their expiry; returns their ids. */
  async deleteExpiredSessions(now = Date.now()): Promise<string[]> {
    const rows = await this.db
      .deleteFrom("sessions")
      .where("expires_at", "<=", now)
      .returning("id")
      .execute();
    return rows.map((r) => r.id);
  }

  /** Deactivates (every session ends) or reactivates a user; undefined when there is no such user. */
  async setActive(userId: string, active: boolean): Promise<UserRow | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const user = await tx.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
      if (!user) return undefined;
      const now = Date.now();
      const delete_at = active ? 0 : Number(user.delete_at) || now;
      await tx.updateTable("users").set({ delete_at, update_at: now }).where("id", "=", userId).execute();
      if (!active) await tx.deleteFrom("sessions").where("user_id", "=", userId).execute();
      return { ...user, delete_at, update_at: now };
    });
  }

  /** Whether any account exists (none on a fresh install). */
  async anyUser(): Promise<boolean> {
    return (await this.db.selectFrom("users").select("id").limit(1).executeTakeFirst()) !== undefined;
  }

  async getUser(userId: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
  }

  async listUsers(page: number, perPage: number): Promise<UserRow[]> {
    return this.db
      .selectFrom("users")
      .selectAll()
      .orderBy("username")
      .limit(perPage)
      .offset(page * perPage)
      .execute();
  }
}

const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
