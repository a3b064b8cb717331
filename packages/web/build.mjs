#!/usr/bin/env node
// Bundles the web app (src/main.tsx and what it imports, @callgate/client included) into
// dist/public/app.js with esbuild, and copies index.html and styles.css next to it.
// `tsc -b` type-checks the same sources; this only bundles.
import { copyFileSync, mkdirSync } from "node:fs";
import { build } from "esbuild";

const here = new URL(".", import.meta.url).pathname;
const out = `${here}dist/public`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${here}src/main.tsx`],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  jsx: "automatic",
  jsxImportSource: "preact",
  outfile: `${out}/app.js`,
  // The Janus client's Node-only WebSocket package is never used in the browser (it takes a factory).
  external: ["ws"],
  logLevel: "warning",
});
copyFileSync(`${here}src/public/index.html`, `${out}/index.html`);
copyFileSync(`${here}src/public/styles.css`, `${out}/styles.css`);
