import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { Accounts } from "../accounts/accounts.js";
import { requestToken } from "../api/session-auth.js";
import { type CallSignalling, SignalError } from "../calls/call-signalling.js";
import type { Hub, HubConnection } from "./hub.js";

/** A socket that has not authenticated by then is closed. */
const AUTH_TIMEOUT_MS = 10_000;

export const SERVER_VERSION = "callgate-0.1.0";

interface ClientMessage {
  seq: number;
  action: string;
  data?: unknown;
}

/**
 * `/api/v4/websocket`, as Mattermost's: authenticated by the session cookie or bearer header at
 * the upgrade, or by a first `authentication_challenge` message with `data.token`. Then a `hello`
 * event; client actions get `{status, seq_reply}` replies. Actions: `get_statuses`,
 * `get_statuses_by_ids`, `user_update_active_status`, and `webrtc` (call signalling).
 */
export function websocketRoute(
  app: FastifyInstance,
  deps: { accounts: Accounts; hub: Hub; calls: CallSignalling },
): void {
  app.get("/api/v4/websocket", { websocket: true }, (socket: WebSocket, request: FastifyRequest) => {
    const { accounts, hub, calls } = deps;
    let connection: HubConnection | undefined;
    let seq = 0;
    let pending = Promise.resolve();
    const reply = (message: Record<string, unknown>) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const fail = (seqReply: unknown, id: string, message: string, status = 400) =>
      reply({
        status: "FAIL",
        ...(typeof seqReply === "number" && { seq_reply: seqReply }),
        error: { id, message, status_code: status },
      });

    const authenticate = async (token: string | undefined): Promise<boolean> => {
      const found = token ? await accounts.authenticate(token) : undefined;
      if (!found || socket.readyState !== socket.OPEN) return false;
      clearTimeout(authTimer);
      const c: HubConnection = {
        id: randomBytes(13).toString("hex"),
        userId: found.user.id,
        sessionId: found.session.id,
        active: true,
        sendEvent(event, data, broadcast = {}) {
          reply({
            event,
            data,
            broadcast: { omit_users: null, channel_id: "", team_id: "", ...broadcast },
            seq: seq++,
          });
        },
        close(code, reason) {
          socket.close(code, reason);
        },
      };
      connection = c;
      c.sendEvent("hello", { server_version: SERVER_VERSION, connection_id: c.id }, { user_id: c.userId });
      hub.add(c);
      return true;
    };

    const authTimer = setTimeout(() => {
      if (!connection) socket.close(4001, "authentication required");
    }, AUTH_TIMEOUT_MS);

    const handle = async (raw: string) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(raw) as ClientMessage;
      } catch {
        return fail(undefined, "api.web_socket.invalid_json", "The message is not valid JSON.");
      }
      if (
        typeof msg !== "object" ||
        msg === null ||
        typeof msg.action !== "string" ||
        typeof msg.seq !== "number"
      )
        return fail(
          msg?.seq,
          "api.web_socket.invalid_message",
          "A message needs a numeric seq and an action.",
        );
      if (!connection) {
        if (msg.action !== "authentication_challenge")
          return fail(
            msg.seq,
            "api.web_socket.no_auth",
            "Authenticate first (authentication_challenge).",
            401,
          );
        const token = (msg.data as { token?: unknown } | undefined)?.token;
        if (await authenticate(typeof token === "string" ? token : undefined))
          return reply({ status: "OK", seq_reply: msg.seq });
        fail(msg.seq, "api.web_socket.authentication_failed", "Invalid or expired session.", 401);
        socket.close(4001, "authentication failed");
        return;
      }
      const c = connection;
      switch (msg.action) {
        case "authentication_challenge":
          return reply({ status: "OK", seq_reply: msg.seq });
        case "get_statuses":
          return reply({ status: "OK", seq_reply: msg.seq, data: await statusesOfAll(accounts, hub) });
        case "get_statuses_by_ids": {
          const ids = (msg.data as { user_ids?: unknown } | undefined)?.user_ids;
          if (!Array.isArray(ids) || ids.length > 200 || !ids.every((id) => typeof id === "string"))
            return fail(
              msg.seq,
              "api.web_socket.invalid_message",
              "data.user_ids must be a list of user ids.",
            );
          const data = Object.fromEntries((ids as string[]).map((id) => [id, hub.statusOf(id)]));
          return reply({ status: "OK", seq_reply: msg.seq, data });
        }
        case "user_update_active_status": {
          const active = (msg.data as { user_is_active?: unknown } | undefined)?.user_is_active;
          if (typeof active !== "boolean")
            return fail(
              msg.seq,
              "api.web_socket.invalid_message",
              "data.user_is_active must be true or false.",
            );
          hub.setActive(c, active);
          return reply({ status: "OK", seq_reply: msg.seq });
        }
        case "webrtc":
          try {
            await calls.handle(c, msg.data);
            return reply({ status: "OK", seq_reply: msg.seq });
          } catch (err) {
            if (err instanceof SignalError) return fail(msg.seq, err.id, err.message);
            throw err;
          }
        default:
          return fail(msg.seq, "api.web_socket.unknown_action", `Unknown action '${msg.action}'.`);
      }
    };

    // One message at a time, in order: a client's answer must not overtake its notify.
    socket.on("message", (data, isBinary) => {
      const text = isBinary ? "" : data.toString();
      pending = pending
        .then(() => handle(text))
        .catch((err: unknown) => {
          request.log.error({ err }, "WebSocket message failed");
          fail(undefined, "api.web_socket.internal", "The server could not handle that message.", 500);
        });
    });
    socket.on("close", () => {
      clearTimeout(authTimer);
      if (connection) hub.remove(connection);
    });
    socket.on("error", () => socket.terminate());

    // A session cookie or bearer header at the upgrade authenticates at once.
    const token = requestToken(request);
    if (token)
      pending = pending.then(async () => {
        if (!(await authenticate(token)))
          request.log.info("WebSocket upgrade carried no live session; waiting for authentication_challenge");
      });
  });
}

async function statusesOfAll(accounts: Accounts, hub: Hub): Promise<Record<string, string>> {
  const users = await accounts.listUsers(0, 1000);
  return Object.fromEntries(users.map((u) => [u.id, hub.statusOf(u.id)]));
}
