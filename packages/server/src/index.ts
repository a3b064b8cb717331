export { buildServer, type ServerOptions } from "./server.js";
export { ConfigStore } from "./settings/config-store.js";
export { type DatabaseOptions, type Db, openDatabase, openPostgres, openSqlite } from "./store/database.js";
