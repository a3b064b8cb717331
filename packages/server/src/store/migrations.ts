import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";

/**
 * Schema changes, in order; each runs once per database (Kysely records them in its own table).
 * Written to run unchanged on SQLite and PostgreSQL.
 */
const migrations: Record<string, Migration> = {
  "0001-users-and-sessions": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", "varchar(26)", (c) => c.primaryKey())
        .addColumn("username", "varchar(64)", (c) => c.notNull().unique())
        .addColumn("email", "varchar(128)", (c) => c.notNull().unique())
        .addColumn("password_hash", "varchar(256)", (c) => c.notNull())
        .addColumn("roles", "varchar(256)", (c) => c.notNull())
        .addColumn("create_at", "bigint", (c) => c.notNull())
        .addColumn("update_at", "bigint", (c) => c.notNull())
        .addColumn("delete_at", "bigint", (c) => c.notNull().defaultTo(sql`0`))
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id", "varchar(26)", (c) => c.primaryKey())
        .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
        .addColumn("user_id", "varchar(26)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("create_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("last_activity_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();
    },
  },
  "0002-settings": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("settings")
        .addColumn("key", "varchar(64)", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("update_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0003-preferences": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("preferences")
        .addColumn("user_id", "varchar(26)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("category", "varchar(32)", (c) => c.notNull())
        .addColumn("name", "varchar(64)", (c) => c.notNull())
        .addColumn("value", "varchar(2000)", (c) => c.notNull())
        .addPrimaryKeyConstraint("preferences_pk", ["user_id", "category", "name"])
        .execute();
    },
  },
  "0004-direct-messages-and-gateway-tokens": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("channels")
        .addColumn("id", "varchar(26)", (c) => c.primaryKey())
        .addColumn("type", "varchar(1)", (c) => c.notNull())
        .addColumn("name", "varchar(64)", (c) => c.notNull().unique())
        .addColumn("create_at", "bigint", (c) => c.notNull())
        .addColumn("last_post_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("channel_members")
        .addColumn("channel_id", "varchar(26)", (c) =>
          c.notNull().references("channels.id").onDelete("cascade"),
        )
        .addColumn("user_id", "varchar(26)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addPrimaryKeyConstraint("channel_members_pk", ["channel_id", "user_id"])
        .execute();
      await db.schema.createIndex("channel_members_user").on("channel_members").column("user_id").execute();
      await db.schema
        .createTable("posts")
        .addColumn("id", "varchar(26)", (c) => c.primaryKey())
        .addColumn("channel_id", "varchar(26)", (c) =>
          c.notNull().references("channels.id").onDelete("cascade"),
        )
        .addColumn("user_id", "varchar(26)", (c) => c.notNull().references("users.id"))
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("type", "varchar(32)", (c) => c.notNull())
        .addColumn("props", "text", (c) => c.notNull())
        .addColumn("create_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("posts_channel_time")
        .on("posts")
        .columns(["channel_id", "create_at"])
        .execute();
      await db.schema
        .createTable("webrtc_tokens")
        .addColumn("token", "varchar(64)", (c) => c.primaryKey())
        .addColumn("session_id", "varchar(26)", (c) =>
          c.unique().references("sessions.id").onDelete("set null"),
        )
        .addColumn("create_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the database to the newest schema; throws with the failing migration's name. With a
 * PostgreSQL `schema`, Kysely's own bookkeeping tables live there too: its table lookup spans
 * every schema and would otherwise find another schema's tables.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`);
  }
}
