import type { IncomingMessage, ServerResponse } from "node:http";
import { JanusErrorCode } from "@callgate/protocol";
import type { AdminApi } from "../core/admin-api.js";
import type { CorsSettings } from "./cors.js";
import { answeredBeforeBody, readRequest, sendJson, splitPath } from "./http-common.js";

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
    if (answeredBeforeBody(req, res, parts, this.options.cors)) return true;
    const encode = this.options.encode;
    const parseError = (code: JanusErrorCode, reason: string) => this.api.parseError(code, reason);
    if (req.method !== "POST" && req.method !== "GET") {
      sendJson(
        res,
        encode,
        parseError(JanusErrorCode.TRANSPORT_SPECIFIC, `Unsupported method ${req.method ?? ""}`),
      );
      return true;
    }
    const message = await readRequest(req, res, parts, this.options, parseError);
    if (message !== undefined) sendJson(res, encode, this.api.handle(message, "http"));
    return true;
  }
}
