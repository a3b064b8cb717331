import type { Selectable } from "kysely";
import { newId } from "../accounts/ids.js";
import type { Db } from "../store/database.js";
import type { PostsTable } from "../store/schema.js";

export type PostRow = Selectable<PostsTable>;

/** A post as the API shows it (Mattermost's post object, the fields we keep). */
export interface PublicPost {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
}

export function publicPost(row: PostRow): PublicPost {
  return {
    id: row.id,
    create_at: Number(row.create_at),
    update_at: Number(row.create_at),
    edit_at: 0,
    delete_at: 0,
    user_id: row.user_id,
    channel_id: row.channel_id,
    root_id: "",
    message: row.message,
    type: row.type,
    props: JSON.parse(row.props) as Record<string, unknown>,
  };
}

/** Messages of a conversation, and the call records kept among them. */
export class Posts {
  constructor(private readonly db: Db) {}

  async create(input: {
    channelId: string;
    userId: string;
    message: string;
    type?: string;
    props?: Record<string, unknown>;
  }): Promise<PostRow> {
    const now = Date.now();
    const row: PostRow = {
      id: newId(),
      channel_id: input.channelId,
      user_id: input.userId,
      message: input.message,
      type: input.type ?? "",
      props: JSON.stringify(input.props ?? {}),
      create_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto("posts").values(row).execute();
      await tx.updateTable("channels").set({ last_post_at: now }).where("id", "=", input.channelId).execute();
    });
    return row;
  }

  /** A page of a conversation, newest first (page 0 is the latest). */
  async page(channelId: string, page: number, perPage: number): Promise<PostRow[]> {
    return this.db
      .selectFrom("posts")
      .selectAll()
      .where("channel_id", "=", channelId)
      .orderBy("create_at", "desc")
      .orderBy("id", "desc")
      .limit(perPage)
      .offset(page * perPage)
      .execute();
  }
}
