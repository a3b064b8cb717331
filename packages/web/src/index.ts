// The built app lives in dist/public (index.html, app.js, styles.css); servers serve that folder.
import { fileURLToPath } from "node:url";

/** The folder with the built web app, for the chat server to serve. */
export const WEB_ROOT = fileURLToPath(new URL("../public", import.meta.url));
