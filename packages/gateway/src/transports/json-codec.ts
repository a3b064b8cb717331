import type { JsonStyle } from "../config/settings.js";

/** Serializes like Janus's `json` setting: indented (3 spaces, Janus's default), plain or compact. */
export function encoder(style: JsonStyle): (value: unknown) => string {
  if (style === "indented") return (value) => JSON.stringify(value, null, 3);
  return (value) => JSON.stringify(value);
}

export interface JsonParseFailure {
  line: number;
  column: number;
  text: string;
}

/** Parses JSON, reporting failures with a line and column as jansson does. */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: JsonParseFailure } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    // jansson reports the column of the last character it read, 1-based.
    const column = Math.max(1, offset - before.lastIndexOf("\n") - 1);
    const reason = message
      .replace(/ in JSON at position \d+.*$/, "")
      .replace(/^Unexpected end of JSON input$/, "unexpected end of input");
    return { ok: false, error: { line, column, text: reason } };
  }
}

/**
 * Janus's WebSocket transport accepts several JSON objects back to back in one message.
 * Splits such text at top-level object boundaries; anything it cannot split is returned whole.
 */
export function splitConcatenated(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) return [text];
      if (depth === 0) parts.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      return [text];
    }
  }
  return depth === 0 && parts.length > 0 ? parts : [text];
}
