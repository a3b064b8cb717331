export { buildServer, type ServerOptions } from "./server.js";
export { type Db, openSqlite } from "./store/database.js";
