import type { Selectable } from "kysely";
import { newId } from "../accounts/ids.js";
import type { Db } from "../store/database.js";
import type { ChannelsTable } from "../store/schema.js";

export type ChannelRow = Selectable<ChannelsTable>;

/** A channel as the API shows it (Mattermost's channel object, the fields we keep). */
export interface PublicChannel {
  id: string;
  type: string;
  name: string;
  display_name: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  last_post_at: number;
}

export function publicChannel(row: ChannelRow): PublicChannel {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    display_name: "",
    create_at: Number(row.create_at),
    update_at: Number(row.create_at),
    delete_at: 0,
    last_post_at: Number(row.last_post_at),
  };
}

/** Mattermost's name of a direct channel: the two user ids, sorted, joined by "__". */
export function directChannelName(a: string, b: string): string {
  return [a, b].sort().join("__");
}

/** Direct conversations between two users (or a user and themself), created on first use. */
export class Channels {
  constructor(private readonly db: Db) {}

  /** The direct channel of two existing users, made if it does not exist yet. */
  async direct(a: string, b: string): Promise<ChannelRow> {
    const name = directChannelName(a, b);
    const existing = await this.byName(name);
    if (existing) return existing;
    const now = Date.now();
    const row = { id: newId(), type: "D", name, create_at: now, last_post_at: now };
    await this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto("channels")
        .values(row)
        .onConflict((oc) => oc.column("name").doNothing())
        .executeTakeFirst();
      // Lost a race with the other user opening the same conversation: theirs stands.
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
      const members = [...new Set([a, b])].map((user_id) => ({ channel_id: row.id, user_id }));
      await tx.insertInto("channel_members").values(members).execute();
    });
    return (await this.byName(name)) ?? row;
  }

  async get(channelId: string): Promise<ChannelRow | undefined> {
    return this.db.selectFrom("channels").selectAll().where("id", "=", channelId).executeTakeFirst();
  }

  async members(channelId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("channel_members")
      .select("user_id")
      .where("channel_id", "=", channelId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async isMember(channelId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("channel_members")
      .select("user_id")
      .where("channel_id", "=", channelId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A user's conversations, most recently active first. */
  async of(userId: string): Promise<ChannelRow[]> {
    return this.db
      .selectFrom("channels")
      .innerJoin("channel_members", "channel_members.channel_id", "channels.id")
      .selectAll("channels")
      .where("channel_members.user_id", "=", userId)
      .orderBy("channels.last_post_at", "desc")
      .execute();
  }

  private byName(name: string): Promise<ChannelRow | undefined> {
    return this.db.selectFrom("channels").selectAll().where("name", "=", name).executeTakeFirst();
  }
}
