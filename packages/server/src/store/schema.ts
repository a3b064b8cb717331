import type { Generated } from "kysely";

/** The tables, as Kysely sees them. Times are milliseconds since the epoch, as Mattermost's API. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  preferences: PreferencesTable;
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
