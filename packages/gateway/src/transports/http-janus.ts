import type { IncomingMessage, ServerResponse } from "node:http";
import { JanusErrorCode, type JsonObject } from "@callgate/protocol";
import type { Logger } from "pino";
import type { CredentialDigests } from "../core/auth/constant-time.js";
import type { JanusApi } from "../core/janus-api.js";
import { ServerInfo } from "../core/server-info.js";
import { type CorsSettings, corsHeaders } from "./cors.js";
import {
  answeredBeforeBody,
  connectionDigests,
  readRequest,
  requestTarget,
  splitPath,
  trimBasePath,
} from "./http-common.js";
import type { HttpEventQueues } from "./http-event-queues.js";
import { HttpReply } from "./http-reply.js";

export interface HttpJanusOptions {
  basePath: string;
  cors: CorsSettings;
  maxBodyBytes: number;
  /** An idle long poll is answered with a keepalive after this long (Janus: 30 s). */
  longPollMs: number;
  encode: (value: unknown) => string;
}

/**
 * The Janus API over HTTP: POST to /janus, /janus/<session>, /janus/<session>/<handle>;
 * GET /janus/<session> long-polls for events; GET /janus/info. Every Janus-level answer,
 * errors included, is HTTP 200 with JSON, as Janus answers.
 */
export class HttpJanusTransport {
  private readonly basePath: string;

  constructor(
    private readonly api: JanusApi,
    private readonly queues: HttpEventQueues,
    private readonly options: HttpJanusOptions,
    private readonly log: Logger,
  ) {
    this.basePath = trimBasePath(options.basePath);
  }

  /** Returns false when the path is not under the base path, so the caller can 404 it. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const target = requestTarget(req.url);
    const parts = splitPath(target.pathname, this.basePath);
    if (parts === undefined) return false;
    const reply = new HttpReply(res, corsHeaders(req, this.options.cors));
    if (answeredBeforeBody(req, reply, parts, this.options.cors)) return true;
    const encode = this.options.encode;
    const parseError = (code: JanusErrorCode, reason: string) =>
      this.api.parseError(this.queues, code, reason);
    if (parts[0] === "info" && parts.length === 1) {
      if (req.method === "GET")
        reply.json(
          encode,
          this.api.handle({ janus: "info", transaction: ServerInfo.randomTransaction() }, this.queues),
        );
      else reply.empty(400);
      return true;
    }
    if (req.method === "GET") {
      this.longPoll(reply, new URLSearchParams(target.query), parts, connectionDigests(req));
      return true;
    }
    if (req.method !== "POST") {
      reply.json(
        encode,
        parseError(JanusErrorCode.TRANSPORT_SPECIFIC, `Unsupported method ${req.method ?? ""}`),
      );
      return true;
    }
    const message = await readRequest(req, reply, parts, this.options, parseError);
    if (message !== undefined)
      reply.json(encode, this.api.handle(message, this.queues, connectionDigests(req)));
    return true;
  }

  private longPoll(
    reply: HttpReply,
    query: URLSearchParams,
    parts: string[],
    digests: CredentialDigests,
  ): void {
    const sessionId = Number(parts[0]);
    if (parts.length === 0 || !Number.isSafeInteger(sessionId) || sessionId < 1) {
      reply.empty(404);
      return;
    }
    const token = query.get("token") ?? undefined;
    const apisecret = query.get("apisecret") ?? undefined;
    // Janus feeds a keepalive to the core for every poll: it refreshes the session and checks auth.
    const keepalive: JsonObject = {
      janus: "keepalive",
      session_id: sessionId,
      transaction: ServerInfo.randomTransaction(),
    };
    if (token !== undefined) keepalive.token = token;
    if (apisecret !== undefined) keepalive.apisecret = apisecret;
    const answer = this.api.handle(keepalive, this.queues, digests);
    const error = answer.error as { code: number } | undefined;
    if (error?.code === JanusErrorCode.UNAUTHORIZED) {
      reply.empty(403);
      return;
    }
    if (parts.length === 2) {
      reply.header("Location", `${this.options.basePath}/${sessionId}`);
      reply.empty(302);
      return;
    }
    const maxev = Math.max(1, Number.parseInt(query.get("maxev") ?? "1", 10) || 1);
    const encode = this.options.encode;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const respond = (events: JsonObject[]) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      const list = events.length > 0 ? events : [{ janus: "keepalive" }];
      reply.json(encode, maxev === 1 ? list[0] : list);
    };
    const cancel = this.queues.poll(sessionId, { maxev, respond });
    if (!cancel) {
      reply.empty(404);
      return;
    }
    if (done) return;
    timer = setTimeout(() => {
      cancel();
      respond([]);
    }, this.options.longPollMs);
    reply.res.on("close", () => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        cancel();
        this.log.trace({ session: sessionId }, "long poll closed by the client");
      }
    });
  }
}
