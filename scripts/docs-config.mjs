#!/usr/bin/env node
// Rewrites the settings table in docs/configuration.md from the gateway's settings table.
import { readFileSync, writeFileSync } from "node:fs";
import { configurationReference } from "../packages/gateway/dist/config/reference.js";

const path = new URL("../docs/configuration.md", import.meta.url);
const doc = readFileSync(path, "utf8");
const begin = "<!-- settings:begin -->";
const end = "<!-- settings:end -->";
const updated = `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${configurationReference()}\n${doc.slice(doc.indexOf(end))}`;
writeFileSync(path, updated);
console.log("docs/configuration.md updated");
