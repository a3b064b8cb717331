import type { IncomingMessage, ServerResponse } from "node:http";
import { isJsonObject, type JsonObject } from "@callgate/protocol";
import { BodyTooLargeError, readBody } from "./read-body.js";

/** Components of `pathname` below `base` (`/janus/1/2` → ["1","2"]), or undefined when not under it. */
export function splitPath(pathname: string, base: string): string[] | undefined {
  const trimmed = base.replace(/\/+$/, "");
  if (pathname !== trimmed && !pathname.startsWith(`${trimmed}/`)) return undefined;
  return pathname
    .slice(trimmed.length)
    .split("/")
    .filter((p) => p !== "");
}

/** Path ids fill in missing body ids; a body id that disagrees with the path is a conflict (as Janus). */
export function mergePathIds(value: unknown, parts: string[]): { message: unknown } | { conflict: string } {
  if (!isJsonObject(value)) return { message: value };
  const message: JsonObject = { ...value };
  const names = [
    ["session_id", "session"],
    ["handle_id", "handle"],
  ] as const;
  for (let i = 0; i < parts.length && i < 2; i++) {
    const [field, what] = names[i]!;
    const fromPath = Number(parts[i]);
    if (message[field] === undefined || message[field] === null) {
      message[field] = Number.isSafeInteger(fromPath) ? fromPath : 0;
    } else if (message[field] !== fromPath) {
      return { conflict: `Conflicting ${what} ID (payload and path)` };
    }
  }
  return { message };
}

export function sendJson(res: ServerResponse, encode: (v: unknown) => string, value: unknown): void {
  if (res.writableEnded) return;
  const body = encode(value);
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  if (res.writableEnded) return;
  res.writeHead(status, { "Content-Length": 0 });
  res.end();
}

/** Reads a POST body; answers 413 itself when it is too large (and returns undefined). */
export async function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<{ kind: "empty" } | { kind: "text"; text: string } | undefined> {
  try {
    const text = await readBody(req, limit);
    return text.trim() === "" ? { kind: "empty" } : { kind: "text", text };
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      res.setHeader("Connection", "close");
      sendEmpty(res, 413);
      return undefined;
    }
    throw err;
  }
}
