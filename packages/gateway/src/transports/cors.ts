import type { IncomingMessage, ServerResponse } from "node:http";

export interface CorsSettings {
  allowOrigin: string | undefined;
  enforceCors: boolean;
}

/** CORS as Janus's HTTP transport does it: allow the configured origin (or *), echo what was asked. */
export function applyCors(req: IncomingMessage, res: ServerResponse, cors: CorsSettings): void {
  if (cors.allowOrigin) {
    res.setHeader("Access-Control-Allow-Origin", cors.allowOrigin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
    res.setHeader("Vary", "Origin");
  } else {
    res.setHeader("Access-Control-Allow-Origin", "*");
  }
  res.setHeader("Access-Control-Max-Age", "86400");
  const method = req.headers["access-control-request-method"];
  if (method) res.setHeader("Access-Control-Allow-Methods", method);
  const headers = req.headers["access-control-request-headers"];
  if (headers) res.setHeader("Access-Control-Allow-Headers", headers);
}

/** With enforce_cors, a request whose Origin (or Referer) does not start with allow_origin is refused. */
export function corsAllowed(req: IncomingMessage, cors: CorsSettings): boolean {
  if (!cors.enforceCors || !cors.allowOrigin) return true;
  const origin = req.headers.origin ?? req.headers.referer;
  return typeof origin === "string" && origin.startsWith(cors.allowOrigin);
}
