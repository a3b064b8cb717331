import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Db, openPostgres, openSqlite } from "../store/database.js";

/** Where the server tests find PostgreSQL: `.ci/run` (scripts/test-deps.sh) sets this database up. */
export const TEST_POSTGRES_URL =
  process.env.CALLGATE_TEST_DATABASE_URL ??
  `postgres://${userInfo().username}@/callgate_test?host=/var/run/postgresql`;

export interface TestDatabase {
  name: "SQLite" | "PostgreSQL";
  /** Why this backend is skipped here, or false. */
  skip: string | false;
  /** A fresh, migrated database; `reopen` opens the same one again (a restart). */
  open(): Promise<{ db: Db; reopen(): Promise<Db>; drop(): Promise<void> }>;
}

async function postgresReachable(): Promise<string | false> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch (err) {
    return `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${(err as Error).message}); npm test sets it up as root`;
  }
}

/** Every backend the server suite runs against: SQLite always, PostgreSQL where it runs. */
export async function testDatabases(): Promise<TestDatabase[]> {
  return [
    {
      name: "SQLite",
      skip: false,
      async open() {
        const dir = mkdtempSync(join(tmpdir(), "cg-server-db-"));
        return { db: await openSqlite(dir), reopen: () => openSqlite(dir), drop: async () => {} };
      },
    },
    {
      name: "PostgreSQL",
      skip: await postgresReachable(),
      async open() {
        const schema = `test_${randomBytes(6).toString("hex")}`;
        return {
          db: await openPostgres(TEST_POSTGRES_URL, schema),
          reopen: () => openPostgres(TEST_POSTGRES_URL, schema),
          async drop() {
            const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
            await client.connect();
            await client.query(`DROP SCHEMA ${schema} CASCADE`);
            await client.end();
          },
        };
      },
    },
  ];
}
