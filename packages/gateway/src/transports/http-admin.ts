import type { IncomingMessage, ServerResponse } from "node:http";
import { JanusErrorCode } from "@callgate/protocol";
import type { AdminApi } from "../core/admin-api.js";
import { type CorsSettings, corsHeaders } from "./cors.js";
import {
  answeredBeforeBody,
  connectionDigests,
  readRequest,
  requestTarget,
  splitPath,
  trimBasePath,
} from "./http-common.js";
import { HttpReply } from "./http-reply.js";

export interface HttpAdminOptions {
  basePath: string;
  cors: CorsSettings;
  maxBodyBytes: number;
  encode: (value: unknown) => string;
}

/** The admin API over HTTP: POST to /admin, /admin/<session>, /admin/<session>/<handle>. */
export class HttpAdminTransport {
  private readonly basePath: string;

  constructor(
    private readonly api: AdminApi,
    private readonly options: HttpAdminOptions,
  ) {
    this.basePath = trimBasePath(options.basePath);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const target = requestTarget(req.url);
    const parts = splitPath(target.pathname, this.basePath);
    if (parts === undefined) return false;
    const reply = new HttpReply(res, corsHeaders(req, this.options.cors));
    if (answeredBeforeBody(req, reply, parts, this.options.cors)) return true;
    const encode = this.options.encode;
    const parseError = (code: JanusErrorCode, reason: string) => this.api.parseError(code, reason);
    if (req.method !== "POST" && req.method !== "GET") {
      reply.json(
        encode,
        parseError(JanusErrorCode.TRANSPORT_SPECIFIC, `Unsupported method ${req.method ?? ""}`),
      );
      return true;
    }
    const message = await readRequest(req, reply, parts, this.options, parseError);
    if (message !== undefined) reply.json(encode, this.api.handle(message, "http", connectionDigests(req)));
    return true;
  }
}
