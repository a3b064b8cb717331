import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

/**
 * Opens the embedded SQLite database in the data folder (created on first start) and migrates it.
 * WAL mode: readers do not wait for the writer.
 */
export async function openSqlite(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = new SQLite(join(dataDir, "callgate.sqlite"));
  file.pragma("journal_mode = WAL");
  file.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}

/**
 * Opens a PostgreSQL database (for installations that outgrow one machine) and migrates it.
 * `schema` puts every table in a schema of its own (created if missing): tests use it to stay apart.
 */
export async function openPostgres(url: string, schema?: string): Promise<Db> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`invalid schema name '${schema}'`);
  const pool = new pg.Pool({
    connectionString: url,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db as Kysely<unknown>, schema);
  return db;
}

export interface DatabaseOptions {
  /** The data folder, for the embedded SQLite file. */
  dataDir: string;
  /** A postgres:// URL (DATABASE_URL): PostgreSQL instead of SQLite. */
  databaseUrl?: string | undefined;
}

/**
 * SQLite in the data folder by default; PostgreSQL when a URL is given. A `schema=NAME` query
 * parameter in the URL keeps Callgate's tables in a schema of their own (a shared database).
 */
export function openDatabase(options: DatabaseOptions): Promise<Db> {
  if (!options.databaseUrl) return openSqlite(options.dataDir);
  // Not `new URL()`: socket-folder URLs such as postgres://user@/db?host=/run/postgresql have no host.
  const [base = "", query] = options.databaseUrl.split(/\?(.*)/s, 2);
  const params = new URLSearchParams(query ?? "");
  const schema = params.get("schema") ?? undefined;
  params.delete("schema");
  const rest = params.toString();
  return openPostgres(rest ? `${base}?${rest}` : base, schema);
}
