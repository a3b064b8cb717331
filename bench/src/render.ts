// `node bench/dist/render.js [docs/performance.json]`: writes docs/performance.md again from a
// results file, without measuring (after a change to the report's wording).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../e2e/dist/support/processes.js";
import { renderReport } from "./report.js";

const file = process.argv[2] ?? join(REPO_ROOT, "docs", "performance.json");
writeFileSync(
  join(REPO_ROOT, "docs", "performance.md"),
  renderReport(JSON.parse(readFileSync(file, "utf8"))),
);
