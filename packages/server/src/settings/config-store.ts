import type { Db } from "../store/database.js";
import { defaultConfig, type ServerConfig, unmaskSecrets } from "./server-config.js";
import { validateConfig } from "./validate-config.js";

const KEY = "config";

/**
 * The admin console's config: read once at start, kept in memory, written through on change, so
 * a change applies at once without a restart.
 */
export class ConfigStore {
  private constructor(
    private readonly db: Db,
    private current: ServerConfig,
  ) {}

  static async load(db: Db): Promise<ConfigStore> {
    const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
    const stored = row ? (JSON.parse(row.value) as Partial<ServerConfig>) : {};
    const base = defaultConfig();
    // Sections and fields added by later versions get their defaults.
    const config: ServerConfig = {
      ServiceSettings: { ...base.ServiceSettings, ...stored.ServiceSettings },
      TeamSettings: { ...base.TeamSettings, ...stored.TeamSettings },
      WebrtcSettings: { ...base.WebrtcSettings, ...stored.WebrtcSettings },
    };
    return new ConfigStore(db, config);
  }

  get(): ServerConfig {
    return this.current;
  }

  /** Validates and saves a whole new config; a masked secret keeps the stored one. */
  async update(next: ServerConfig): Promise<ServerConfig> {
    const config = validateConfig(unmaskSecrets(next, this.current));
    const value = JSON.stringify(config);
    const now = Date.now();
    await this.db
      .insertInto("settings")
      .values({ key: KEY, value, update_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, update_at: now }))
      .execute();
    this.current = config;
    return config;
  }
}
