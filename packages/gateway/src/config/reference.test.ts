import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { configurationReference } from "./reference.js";

const DOC = new URL("../../../../docs/configuration.md", import.meta.url);
const BEGIN = "<!-- settings:begin -->";
const END = "<!-- settings:end -->";

describe("docs/configuration.md", () => {
  it("lists every setting as the code knows it (regenerate with `npm run docs:config`)", () => {
    const doc = readFileSync(DOC, "utf8");
    const table = doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)).trim();
    // The formatter may pad the table's columns; compare cell by cell.
    const cells = (text: string) =>
      text
        .split("\n")
        .map((line) => line.split("|").map((c) => c.trim().replace(/^-+$/, "---")))
        .map((row) => row.join("|"));
    assert.deepEqual(cells(table), cells(configurationReference()));
  });
});
