import type { Db } from "../store/database.js";

export interface Preference {
  user_id: string;
  category: string;
  name: string;
  value: string;
}

/** The per-user opt-in to calls, as the original kept it. */
export const WEBRTC_OPT_IN = {
  category: "advanced_settings",
  name: "feature_enabled_webrtc_preview",
} as const;

/** Per-user preferences (Mattermost's), saved as a batch. */
export class Preferences {
  constructor(private readonly db: Db) {}

  async list(userId: string): Promise<Preference[]> {
    return this.db
      .selectFrom("preferences")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("category")
      .orderBy("name")
      .execute();
  }

  /** Saves every preference of the batch, or none. */
  async save(batch: Preference[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const p of batch) {
        await tx
          .insertInto("preferences")
          .values(p)
          .onConflict((oc) => oc.columns(["user_id", "category", "name"]).doUpdateSet({ value: p.value }))
          .execute();
      }
    });
  }

  /** Which of these users opted in to calls. */
  async optedInAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("preferences")
      .select("user_id")
      .where("user_id", "in", userIds)
      .where("category", "=", WEBRTC_OPT_IN.category)
      .where("name", "=", WEBRTC_OPT_IN.name)
      .where("value", "=", "true")
      .execute();
    return new Set(rows.map((r) => r.user_id));
  }

  /** Whether a user opted in to calls. */
  async optedInToCalls(userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("preferences")
      .select("value")
      .where("user_id", "=", userId)
      .where("category", "=", WEBRTC_OPT_IN.category)
      .where("name", "=", WEBRTC_OPT_IN.name)
      .executeTakeFirst();
    return row?.value === "true";
  }
}
