import {
  envelope,
  errorMessage,
  isJsonObject,
  JanusError,
  JanusErrorCode,
  type Jsep,
  type JsonObject,
  readEnvelope,
  readId,
  validateEnvelope,
  validateFields,
} from "@callgate/protocol";
import type { CredentialDigests } from "./auth/constant-time.js";
import type { GatewayCore } from "./gateway-core.js";
import type { Handle } from "./handle.js";
import type { ServerInfo } from "./server-info.js";
import type { Session } from "./session.js";
import type { TransportConnection } from "./transport-connection.js";

/**
 * The Janus API request dispatcher, in the exact order of Janus's
 * janus_process_incoming_request: envelope checks, root verbs, auth, session and handle lookup,
 * then the verb. Returns the direct reply; events travel through the session's connection.
 */
export class JanusApi {
  constructor(
    private readonly core: GatewayCore,
    private readonly serverInfo: ServerInfo,
  ) {}

  /**
   * `digests`: memos of the secrets the client sent before, its connection's by default (the
   * HTTP transport's queues are shared; it passes its TCP connection's).
   */
  handle(
    message: unknown,
    conn: TransportConnection,
    digests: CredentialDigests | undefined = conn.digests,
  ): JsonObject {
    if (!isJsonObject(message)) {
      return this.fail(
        conn,
        new JanusError(JanusErrorCode.INVALID_JSON_OBJECT, "JSON error: not an object"),
        0,
        undefined,
      );
    }
    const { sessionId, handleId, transaction, verb } = readEnvelope(message);
    this.core.observer.request("janus", conn.transport, verb || "(none)");
    try {
      validateEnvelope(message, [{ name: "id", kind: "positive integer" }]);
      return this.dispatch(message, verb, sessionId, handleId, transaction!, conn, digests);
    } catch (err) {
      if (err instanceof JanusError) return this.fail(conn, err, sessionId, transaction);
      this.core.log.error({ err, verb }, "unexpected error while handling a Janus API request");
      return this.fail(
        conn,
        new JanusError(JanusErrorCode.UNKNOWN, "Unexpected error"),
        sessionId,
        transaction,
      );
    }
  }

  /** A reply for a request that could not even be parsed (the transport words the reason). */
  parseError(conn: TransportConnection, code: JanusErrorCode, reason: string): JsonObject {
    this.core.observer.request("janus", conn.transport, "(unparsable)");
    return this.fail(conn, new JanusError(code, reason), 0, undefined);
  }

  private fail(
    _conn: TransportConnection,
    err: JanusError,
    sessionId: number,
    transaction: string | undefined,
  ) {
    this.core.observer.error("janus", err.code);
    return errorMessage(
      err.code,
      err.reason,
      sessionId,
      err.withTransaction ? transaction : undefined,
    ) as unknown as JsonObject;
  }

  private dispatch(
    msg: JsonObject,
    verb: string,
    sessionId: number,
    handleId: number,
    transaction: string,
    conn: TransportConnection,
    digests: CredentialDigests | undefined,
  ): JsonObject {
    const core = this.core;
    if (sessionId === 0 && handleId === 0) {
      if (verb === "info") return this.serverInfo.build(transaction);
      if (verb === "ping") return { janus: "pong", transaction };
      if (verb !== "create")
        throw new JanusError(JanusErrorCode.INVALID_REQUEST_PATH, `Unhandled request '${verb}' at this path`);
      if (!core.acceptingNewSessions) throw new JanusError(JanusErrorCode.NOT_ACCEPTING_SESSIONS);
      this.authorize(msg, digests);
      const chosen = readId(msg.id);
      try {
        const session = core.createSession(conn, chosen > 0 ? chosen : undefined);
        return envelope("success", undefined, transaction, { data: { id: session.id } });
      } catch (err) {
        // A conflicting id is echoed as the session_id, as Janus does.
        if (err instanceof JanusError && err.code === JanusErrorCode.SESSION_CONFLICT) {
          return this.fail(conn, err, chosen, transaction);
        }
        throw err;
      }
    }
    if (sessionId < 1) throw new JanusError(JanusErrorCode.SESSION_NOT_FOUND);
    if (msg.handle_id !== undefined && msg.handle_id !== null && handleId < 1) {
      throw new JanusError(JanusErrorCode.HANDLE_NOT_FOUND);
    }
    this.authorize(msg, digests);
    const session = core.sessions.get(sessionId);
    if (!session || session.destroyed)
      throw new JanusError(JanusErrorCode.SESSION_NOT_FOUND, `No such session ${sessionId}`);
    session.touch();
    let handle: Handle | undefined;
    if (handleId > 0) {
      handle = session.handles.get(handleId);
      if (!handle) {
        throw new JanusError(
          JanusErrorCode.HANDLE_NOT_FOUND,
          `No such handle ${handleId} in session ${sessionId}`,
        );
      }
    }
    const ok = (rest?: JsonObject) => envelope("success", session.id, transaction, rest);
    const ack = () => envelope("ack", session.id, transaction);
    const wrongPath = () =>
      new JanusError(JanusErrorCode.INVALID_REQUEST_PATH, `Unhandled request '${verb}' at this path`);

    switch (verb) {
      case "keepalive":
        return ack();
      case "claim":
        core.claim(session, conn);
        return ok();
      case "attach": {
        if (handle) throw wrongPath();
        validateFields(msg, [
          { name: "plugin", kind: "string", required: true },
          { name: "opaque_id", kind: "string" },
          { name: "loop_index", kind: "positive integer" },
        ]);
        const name = msg.plugin as string;
        const plugin = core.plugins.get(name);
        if (!plugin) throw new JanusError(JanusErrorCode.PLUGIN_NOT_FOUND, `No such plugin '${name}'`);
        const token = typeof msg.token === "string" ? msg.token : undefined;
        if (
          token !== undefined &&
          core.auth.tokenAuthEnabled &&
          !core.auth.tokenMayUse(token, name, digests)
        ) {
          throw new JanusError(
            JanusErrorCode.UNAUTHORIZED_PLUGIN,
            `Provided token can't access plugin '${name}'`,
          );
        }
        const created = core.attach(session, plugin, msg.opaque_id as string | undefined, token);
        return ok({ data: { id: created.id } });
      }
      case "destroy":
        if (handle) throw wrongPath();
        core.destroySession(session, "destroyed");
        return ok();
      case "detach":
        if (!handle) throw wrongPath();
        core.detach(session, handle);
        return ok();
      case "hangup":
        if (!handle) throw wrongPath();
        core.hangupMedia(handle, "Janus API");
        return ok();
      case "message":
        if (!handle) throw wrongPath();
        return this.message(session, handle, msg, transaction);
      case "trickle":
        if (!handle) throw wrongPath();
        this.trickle(handle, msg);
        return ack();
      default:
        throw new JanusError(JanusErrorCode.UNKNOWN_REQUEST, `Unknown request '${verb}'`);
    }
  }

  private authorize(msg: JsonObject, digests: CredentialDigests | undefined): void {
    if (!this.core.auth.checkRequest(msg.apisecret, msg.token, digests))
      throw new JanusError(JanusErrorCode.UNAUTHORIZED);
  }

  private message(session: Session, handle: Handle, msg: JsonObject, transaction: string): JsonObject {
    validateFields(msg, [{ name: "body", kind: "object", required: true }]);
    const jsep = msg.jsep === undefined || msg.jsep === null ? undefined : checkJsep(msg.jsep);
    const result = this.core.message(session, handle, transaction, msg.body as JsonObject, jsep);
    if (result.kind === "ack") {
      const reply = envelope("ack", session.id, transaction);
      if (result.hint) reply.hint = result.hint;
      return reply;
    }
    return envelope("success", session.id, transaction, {
      sender: handle.id,
      plugindata: { plugin: handle.plugin.name, data: result.data },
    });
  }

  /**
   * Without a PeerConnection Janus queues candidates as they come and acks them, checking them
   * only once the PeerConnection can use them; so does Callgate.
   */
  private trickle(handle: Handle, msg: JsonObject): void {
    const hasOne = Object.hasOwn(msg, "candidate");
    const hasMany = msg.candidates !== undefined && msg.candidates !== null;
    if (!hasOne && !hasMany) {
      throw new JanusError(
        JanusErrorCode.MISSING_MANDATORY_ELEMENT,
        "Missing mandatory element (candidate|candidates)",
      );
    }
    if (hasOne && hasMany)
      throw new JanusError(JanusErrorCode.INVALID_JSON, "Can't have both candidate and candidates");
    const list = hasMany ? (Array.isArray(msg.candidates) ? msg.candidates : []) : [msg.candidate];
    for (const value of list) this.core.trickle(handle, value);
  }
}

/** Janus's jsep checks (src/janus.c): object, type and sdp strings, trickle boolean, offer or answer. */
function checkJsep(value: unknown): Jsep {
  if (!isJsonObject(value)) throw new JanusError(JanusErrorCode.INVALID_JSON_OBJECT, "Invalid jsep object");
  for (const field of ["type", "sdp"] as const) {
    if (value[field] === undefined || value[field] === null) {
      throw new JanusError(
        JanusErrorCode.MISSING_MANDATORY_ELEMENT,
        `JSEP error: missing mandatory element (${field})`,
      );
    }
    if (typeof value[field] !== "string") {
      throw new JanusError(
        JanusErrorCode.INVALID_ELEMENT_TYPE,
        `JSEP error: invalid element type (${field} should be a string)`,
      );
    }
  }
  if (value.trickle !== undefined && typeof value.trickle !== "boolean") {
    throw new JanusError(
      JanusErrorCode.INVALID_ELEMENT_TYPE,
      "JSEP error: invalid element type (trickle should be a boolean)",
    );
  }
  const type = (value.type as string).toLowerCase();
  if (type !== "offer" && type !== "answer") {
    throw new JanusError(
      JanusErrorCode.JSEP_UNKNOWN_TYPE,
      `JSEP error: unknown message type '${value.type as string}'`,
    );
  }
  return { ...value, type, sdp: value.sdp as string } as Jsep;
}
