import type { IncomingMessage } from "node:http";

export interface CorsSettings {
  allowOrigin: string | undefined;
  enforceCors: boolean;
}

/**
 * CORS headers as Janus's HTTP transport sends them: allow the configured origin (or *), echo what
 * was asked. A flat [name, value, ...] list, for HttpReply.
 */
export function corsHeaders(req: IncomingMessage, cors: CorsSettings): string[] {
  const headers = cors.allowOrigin
    ? [
        "Access-Control-Allow-Origin",
        cors.allowOrigin,
        "Access-Control-Allow-Credentials",
        "true",
        "Vary",
        "Origin",
      ]
    : ["Access-Control-Allow-Origin", "*"];
  headers.push("Access-Control-Max-Age", "86400");
  const method = req.headers["access-control-request-method"];
  if (method) headers.push("Access-Control-Allow-Methods", method);
  const asked = req.headers["access-control-request-headers"];
  if (asked) headers.push("Access-Control-Allow-Headers", asked);
  return headers;
}

/** With enforce_cors, a request whose Origin (or Referer) does not start with allow_origin is refused. */
export function corsAllowed(req: IncomingMessage, cors: CorsSettings): boolean {
  if (!cors.enforceCors || !cors.allowOrigin) return true;
  const origin = req.headers.origin ?? req.headers.referer;
  return typeof origin === "string" && origin.startsWith(cors.allowOrigin);
}
