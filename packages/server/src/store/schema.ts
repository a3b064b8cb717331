import type { Generated } from "kysely";

/** The tables, as Kysely sees them. Times are milliseconds since the epoch, as Mattermost's API. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  preferences: PreferencesTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  posts: PostsTable;
  webrtc_tokens: WebrtcTokensTable;
}

/** Conversations. Only direct ones ("D") for now: `name` is the two user ids, sorted, joined by "__". */
export interface ChannelsTable {
  id: string;
  type: string;
  name: string;
  create_at: number;
  last_post_at: number;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
}

/** Messages, and call records (`type` "custom_call", details in `props`, JSON text). */
export interface PostsTable {
  id: string;
  channel_id: string;
  user_id: string;
  message: string;
  type: string;
  props: string;
  create_at: number;
}

/**
 * Tokens registered with the gateway's admin API, one per chat session. `session_id` becomes NULL
 * when the session ends; such rows are the tokens still to remove from the gateway (retried until
 * the gateway confirms, so a gateway that was down at logout does not keep a live token).
 */
export interface WebrtcTokensTable {
  token: string;
  session_id: string | null;
  create_at: number;
}

/** Mattermost's user preferences: (user, category, name) → value; e.g. the WebRTC opt-in. */
export interface PreferencesTable {
  user_id: string;
  category: string;
  name: string;
  value: string;
}

/** Documents of settings by key (the admin console's config is the key "config"), as JSON text. */
export interface SettingsTable {
  key: string;
  value: string;
  update_at: number;
}

export interface UsersTable {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  /** Space-separated, as Mattermost: "system_user" or "system_admin system_user". */
  roles: string;
  create_at: number;
  update_at: number;
  /** 0 while active; the deactivation time otherwise. */
  delete_at: Generated<number>;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the bearer token: a stolen database does not hand out live sessions. */
  token_hash: string;
  user_id: string;
  create_at: number;
  expires_at: number;
  last_activity_at: number;
}
