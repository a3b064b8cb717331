import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { isJsonObject, JanusErrorCode, type JsonObject } from "@callgate/protocol";
import { CredentialDigests } from "../core/auth/constant-time.js";
import { type CorsSettings, corsAllowed } from "./cors.js";
import { HttpReply } from "./http-reply.js";
import { parseJson } from "./json-codec.js";
import { BodyTooLargeError, readBody } from "./read-body.js";

const digestsBySocket = new WeakMap<Socket, CredentialDigests>();

/**
 * The memos of the secrets sent over one TCP connection: a kept-alive client sends the same
 * token or admin secret with every request, and each is hashed once per connection.
 */
export function connectionDigests(req: IncomingMessage): CredentialDigests {
  let digests = digestsBySocket.get(req.socket);
  if (!digests) {
    digests = new CredentialDigests();
    digestsBySocket.set(req.socket, digests);
  }
  return digests;
}

/** What a plain request path holds: no escapes, dot segments, backslashes or fragment, not `//`. */
const PLAIN_PATH = /^\/(?!\/)[^%.\\#]*$/;

/**
 * A request target's path and query string. The targets clients send (`/admin`, `/janus/12/34`,
 * `/janus/12?maxev=5`) are split by hand; anything else goes through WHATWG URL, which resolves
 * escapes and dot segments. (A URL object per request was 5 µs of an add_token's ~150.)
 */
export function requestTarget(raw: string | undefined): { pathname: string; query: string } {
  const target = raw ?? "/";
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? "" : target.slice(q + 1);
  if (PLAIN_PATH.test(pathname) && !query.includes("#")) return { pathname, query };
  const url = new URL(target, "http://gateway");
  return { pathname: url.pathname, query: url.search.slice(1) };
}

/** A base path without its trailing slashes, as splitPath takes it. */
export function trimBasePath(base: string): string {
  return base.replace(/\/+$/, "");
}

/**
 * Components of `pathname` below `base` (`/janus/1/2` → ["1","2"]), or undefined when not under it.
 * `base` is trimmed by trimBasePath.
 */
export function splitPath(pathname: string, base: string): string[] | undefined {
  if (pathname !== base && !pathname.startsWith(`${base}/`)) return undefined;
  return pathname
    .slice(base.length)
    .split("/")
    .filter((p) => p !== "");
}

/** Path ids fill in missing body ids; a body id that disagrees with the path is a conflict (as Janus). */
export function mergePathIds(value: unknown, parts: string[]): { message: unknown } | { conflict: string } {
  if (!isJsonObject(value) || parts.length === 0) return { message: value };
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

/** An empty response with no other header: for requests no transport took (404) or failed (500). */
export function sendEmpty(res: ServerResponse, status: number): void {
  new HttpReply(res).empty(status);
}

/**
 * What /janus and /admin do first, on a reply that carries the CORS headers: enforce_cors,
 * preflights, and paths deeper than <session>/<handle>. Returns true when it has answered.
 */
export function answeredBeforeBody(
  req: IncomingMessage,
  reply: HttpReply,
  parts: string[],
  cors: CorsSettings,
): boolean {
  if (!corsAllowed(req, cors)) {
    reply.empty(403);
    return true;
  }
  if (req.method === "OPTIONS") {
    reply.empty(200);
    return true;
  }
  if (parts.length > 2) {
    reply.empty(404);
    return true;
  }
  return false;
}

export type ParseErrorReply = (code: JanusErrorCode, reason: string) => JsonObject;

/**
 * Reads a request body as a Janus request with the path's ids merged in. Problems (too large: 413,
 * empty, not JSON, conflicting ids) are answered here in Janus's words; then it returns undefined.
 */
export async function readRequest(
  req: IncomingMessage,
  reply: HttpReply,
  parts: string[],
  options: { maxBodyBytes: number; encode: (value: unknown) => string },
  parseError: ParseErrorReply,
): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readBody(req, options.maxBodyBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    reply.header("Connection", "close");
    reply.empty(413);
    return undefined;
  }
  if (text.trim() === "") {
    reply.json(options.encode, parseError(JanusErrorCode.INVALID_JSON, "Request payload missing"));
    return undefined;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    reply.json(
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
    reply.json(options.encode, parseError(JanusErrorCode.INVALID_REQUEST_PATH, merged.conflict));
    return undefined;
  }
  return merged.message;
}
