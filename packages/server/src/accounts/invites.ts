import { timingSafeEqual } from "node:crypto";
import type { Db } from "../store/database.js";
import { newId } from "./ids.js";

const KEY = "invite_id";

/**
 * The invite link's secret: with open sign-up off, only a sign-up carrying it (`?iid=`) is
 * accepted. Admins read it and make a new one (which invalidates links already handed out).
 */
export class Invites {
  constructor(private readonly db: Db) {}

  async current(): Promise<string> {
    const row = await this.db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", KEY)
      .executeTakeFirst();
    if (row) return row.value;
    const id = newId();
    await this.db
      .insertInto("settings")
      .values({ key: KEY, value: id, update_at: Date.now() })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    return (
      await this.db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirstOrThrow()
    ).value;
  }

  async regenerate(): Promise<string> {
    const id = newId();
    const now = Date.now();
    await this.db
      .insertInto("settings")
      .values({ key: KEY, value: id, update_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: id, update_at: now }))
      .execute();
    return id;
  }

  async matches(candidate: string): Promise<boolean> {
    const a = Buffer.from(await this.current());
    const b = Buffer.from(candidate);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
