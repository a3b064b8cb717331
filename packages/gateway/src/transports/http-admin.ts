import type { IncomingMessage, ServerResponse } from "node:http";
import { JanusErrorCode } from "@callgate/protocol";
import type { AdminApi } from "../core/admin-api.js";
import { applyCors, type CorsSettings, corsAllowed } from "./cors.js";
import { mergePathIds, readJsonBody, sendEmpty, sendJson, splitPath } from "./http-common.js";
import { parseJson } from "./json-codec.js";

export interface HttpAdminOptions {
  basePath: string;
  cors: CorsSettings;
  maxBodyBytes: number;
  encode: (value: unknown) => string;
}

/** The admin API over HTTP: POST to /admin, /admin/<session>, /admin/<session>/<handle>. */
export class HttpAdminTransport {
  constructor(
    private readonly api: AdminApi,
    private readonly options: HttpAdminOptions,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://gateway");
    const parts = splitPath(url.pathname, this.options.basePath);
    if (parts === undefined) return false;
    applyCors(req, res, this.options.cors);
    if (!corsAllowed(req, this.options.cors)) {
      sendEmpty(res, 403);
      return true;
    }
    const encode = this.options.encode;
    if (req.method === "OPTIONS") {
      sendEmpty(res, 200);
      return true;
    }
    if (parts.length > 2) {
      sendEmpty(res, 404);
      return true;
    }
    if (req.method !== "POST" && req.method !== "GET") {
      sendJson(
        res,
        encode,
        this.api.parseError(JanusErrorCode.TRANSPORT_SPECIFIC, `Unsupported method ${req.method ?? ""}`),
      );
      return true;
    }
    const body = await readJsonBody(req, res, this.options.maxBodyBytes);
    if (body === undefined) return true;
    if (body.kind === "empty") {
      sendJson(res, encode, this.api.parseError(JanusErrorCode.INVALID_JSON, "Request payload missing"));
      return true;
    }
    const parsed = parseJson(body.text);
    if (!parsed.ok) {
      const reason = `JSON error: on line ${parsed.error.line}: ${parsed.error.text}`;
      sendJson(res, encode, this.api.parseError(JanusErrorCode.INVALID_JSON, reason));
      return true;
    }
    const merged = mergePathIds(parsed.value, parts);
    if ("conflict" in merged) {
      sendJson(res, encode, this.api.parseError(JanusErrorCode.INVALID_REQUEST_PATH, merged.conflict));
      return true;
    }
    sendJson(res, encode, this.api.handle(merged.message, "http"));
    return true;
  }
}
