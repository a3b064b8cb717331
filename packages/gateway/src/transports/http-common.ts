import type { IncomingMessage, ServerResponse } from "node:http";
import { isJsonObject, JanusErrorCode, type JsonObject } from "@callgate/protocol";
import { applyCors, type CorsSettings, corsAllowed } from "./cors.js";
import { parseJson } from "./json-codec.js";
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

/**
 * What /janus and /admin do first: CORS headers, enforce_cors, preflights, and paths deeper than
 * <session>/<handle>. Returns true when it has answered the request.
 */
export function answeredBeforeBody(
  req: IncomingMessage,
  res: ServerResponse,
  parts: string[],
  cors: CorsSettings,
): boolean {
  applyCors(req, res, cors);
  if (!corsAllowed(req, cors)) {
    sendEmpty(res, 403);
    return true;
  }
  if (req.method === "OPTIONS") {
    sendEmpty(res, 200);
    return true;
  }
  if (parts.length > 2) {
    sendEmpty(res, 404);
    return true;
  }
  return false;
}

export type ParseErrorReply = (code: JanusErrorCode, reason: string) => JsonObject;

/**
 * Reads a request body as a Janus request with the path's ids merged in. Problems (too large,
 * empty, not JSON, conflicting ids) are answered here in Janus's words; then it returns undefined.
 */
export async function readRequest(
  req: IncomingMessage,
  res: ServerResponse,
  parts: string[],
  options: { maxBodyBytes: number; encode: (value: unknown) => string },
  parseError: ParseErrorReply,
): Promise<unknown | undefined> {
  const body = await readJsonBody(req, res, options.maxBodyBytes);
  if (body === undefined) return undefined;
  if (body.kind === "empty") {
    sendJson(res, options.encode, parseError(JanusErrorCode.INVALID_JSON, "Request payload missing"));
    return undefined;
  }
  const parsed = parseJson(body.text);
  if (!parsed.ok) {
    sendJson(
      res,
      options.encode,
      parseError(
        JanusErrorCode.INVALID_JSON,
        `JSON error: on line ${parsed.error.line}: ${parsed.error.text}`,
      ),
    );
    return undefined;
  }
  const merged = mergePathIds(parsed.value, parts);
  if ("conflict" in merged) {
    sendJson(res, options.encode, parseError(JanusErrorCode.INVALID_REQUEST_PATH, merged.conflict));
    return undefined;
  }
  return merged.message;
}
