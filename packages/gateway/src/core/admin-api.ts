import {
  envelope,
  errorMessage,
  isJsonObject,
  JanusError,
  JanusErrorCode,
  type JsonObject,
  readEnvelope,
  validateEnvelope,
  validateFields,
} from "@callgate/protocol";
import { pinoLevels } from "../observability/log-levels.js";
import type { CredentialDigests } from "./auth/constant-time.js";
import type { GatewayCore } from "./gateway-core.js";
import type { ServerInfo } from "./server-info.js";

/**
 * The admin API (Janus's janus_process_incoming_admin_request): status, tunables, sessions,
 * handles and stored tokens. Every request but info and ping must carry admin_secret.
 */
export class AdminApi {
  constructor(
    private readonly core: GatewayCore,
    private readonly serverInfo: ServerInfo,
  ) {}

  /** `digests`: memos of the secrets the client sent before, where its transport keeps them. */
  handle(message: unknown, transport: string, digests?: CredentialDigests): JsonObject {
    if (!isJsonObject(message))
      return this.fail(new JanusError(JanusErrorCode.INVALID_JSON_OBJECT, "JSON error: not an object"), 0);
    const { sessionId, handleId, transaction, verb } = readEnvelope(message);
    this.core.observer.request("admin", transport, verb || "(none)");
    try {
      validateEnvelope(message);
      return this.dispatch(message, verb, sessionId, handleId, transaction!, digests);
    } catch (err) {
      if (err instanceof JanusError) return this.fail(err, sessionId, transaction);
      this.core.log.error({ err, verb }, "unexpected error while handling an admin request");
      return this.fail(new JanusError(JanusErrorCode.UNKNOWN, "Unexpected error"), sessionId, transaction);
    }
  }

  parseError(code: JanusErrorCode, reason: string): JsonObject {
    this.core.observer.request("admin", "http", "(unparsable)");
    return this.fail(new JanusError(code, reason), 0);
  }

  private fail(err: JanusError, sessionId: number, transaction?: string): JsonObject {
    this.core.observer.error("admin", err.code);
    const level = err.code === JanusErrorCode.UNAUTHORIZED ? "warn" : "debug";
    this.core.log[level](
      { code: err.code, reason: err.reason },
      level === "warn" ? "admin API request refused: wrong or missing admin_secret" : "admin API error",
    );
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
    digests: CredentialDigests | undefined,
  ): JsonObject {
    const core = this.core;
    if (sessionId === 0 && handleId === 0) {
      if (verb === "info") return this.serverInfo.build(transaction);
      if (verb === "ping") return { janus: "pong", transaction };
    }
    if (!core.auth.checkAdmin(msg.admin_secret, digests)) throw new JanusError(JanusErrorCode.UNAUTHORIZED);
    const ok = (rest?: JsonObject) => envelope("success", undefined, transaction, rest);
    const unhandled = () =>
      new JanusError(JanusErrorCode.INVALID_REQUEST_PATH, `Unhandled request '${verb}' at this path`);

    if (sessionId === 0 && handleId === 0) {
      switch (verb) {
        case "get_status":
          return ok({ status: this.status() });
        case "set_session_timeout": {
          validateFields(msg, [{ name: "timeout", kind: "positive integer", required: true }]);
          core.settings.sessionTimeout = msg.timeout as number;
          return ok({ timeout: core.settings.sessionTimeout });
        }
        case "set_log_level": {
          validateFields(msg, [{ name: "level", kind: "positive integer", required: true }]);
          const level = msg.level as number;
          if (level > 7)
            throw new JanusError(
              JanusErrorCode.INVALID_ELEMENT_TYPE,
              "Invalid element type (level should be between 0 and 7)",
            );
          core.settings.debugLevel = level;
          core.log.level = pinoLevels[level]!;
          return ok({ level });
        }
        case "set_no_media_timer":
          validateFields(msg, [{ name: "no_media_timer", kind: "positive integer", required: true }]);
          core.settings.noMediaTimer = msg.no_media_timer as number;
          return ok({ no_media_timer: core.settings.noMediaTimer });
        case "set_slowlink_threshold":
          validateFields(msg, [{ name: "slowlink_threshold", kind: "positive integer", required: true }]);
          core.settings.slowlinkThreshold = msg.slowlink_threshold as number;
          return ok({ slowlink_threshold: core.settings.slowlinkThreshold });
        case "set_min_nack_queue":
          validateFields(msg, [{ name: "min_nack_queue", kind: "positive integer", required: true }]);
          core.settings.minNackQueue = msg.min_nack_queue as number;
          return ok({ min_nack_queue: core.settings.minNackQueue });
        case "accept_new_sessions":
          validateFields(msg, [{ name: "accept", kind: "boolean", required: true }]);
          core.acceptingNewSessions = msg.accept as boolean;
          return ok({ accept: core.acceptingNewSessions });
        case "list_sessions":
          return ok({ sessions: [...core.sessions.keys()] });
        case "add_token":
        case "allow_token":
        case "disallow_token":
        case "list_tokens":
        case "remove_token":
          return this.tokens(verb, msg, ok);
        default:
          throw unhandled();
      }
    }

    if (sessionId < 1) throw new JanusError(JanusErrorCode.SESSION_NOT_FOUND);
    const session = core.sessions.get(sessionId);
    if (!session) throw new JanusError(JanusErrorCode.SESSION_NOT_FOUND, `No such session ${sessionId}`);
    const okSession = (rest?: JsonObject) => envelope("success", sessionId, transaction, rest);

    if (msg.handle_id === undefined || msg.handle_id === null) {
      switch (verb) {
        case "list_handles":
          return okSession({ handles: [...session.handles.keys()] });
        case "destroy_session":
          core.destroySession(session, "destroyed");
          return okSession();
        case "set_session_timeout": {
          validateFields(msg, [{ name: "timeout", kind: "integer", required: true }]);
          const timeout = msg.timeout as number;
          if (timeout < -1)
            throw new JanusError(
              JanusErrorCode.INVALID_ELEMENT_TYPE,
              "Invalid element type (timeout should be a positive integer)",
            );
          session.timeoutOverride = timeout === -1 ? undefined : timeout;
          return envelope("success", undefined, transaction, { timeout, session_id: sessionId });
        }
        default:
          throw unhandled();
      }
    }

    // Janus answers a non-positive handle_id with "Session not found" here (a bug it keeps).
    if (handleId < 1) throw new JanusError(JanusErrorCode.SESSION_NOT_FOUND);
    const handle = session.handles.get(handleId);
    if (!handle)
      throw new JanusError(
        JanusErrorCode.HANDLE_NOT_FOUND,
        `No such handle ${handleId} in session ${sessionId}`,
      );
    switch (verb) {
      case "handle_info": {
        const now = Date.now();
        const info: JsonObject = {
          session_id: sessionId,
          session_last_activity: session.lastActivity * 1000,
          session_timeout: core.sessionTimeoutOf(session),
          session_transport: session.sink.transport,
          handle_id: handle.id,
        };
        if (handle.opaqueId !== undefined) info.opaque_id = handle.opaqueId;
        if (handle.token !== undefined) info.token = handle.token;
        Object.assign(info, {
          "loop-running": true,
          created: handle.created * 1000,
          current_time: now * 1000,
          plugin: handle.plugin.name,
          plugin_specific: handle.pluginSession.describe(),
          flags: {
            "got-offer": false,
            "got-answer": false,
            negotiated: false,
            ready: false,
            stopped: false,
            trickle: handle.pendingCandidates.length > 0,
            "all-trickles": handle.remoteTrickleDone,
          },
          "agent-created": false,
          "ice-mode": "full",
          "ice-role": "controlled",
          sdps: {},
        });
        if (handle.pendingCandidates.length > 0)
          info["pending-trickles"] = handle.pendingCandidates.map((c) => c.candidate);
        return envelope("success", sessionId, transaction, { handle_id: handle.id, info });
      }
      case "detach_handle":
        core.detach(session, handle);
        return okSession();
      case "hangup_webrtc":
        core.hangupMedia(handle, "Admin API");
        return okSession();
      default:
        throw unhandled();
    }
  }

  private status(): JsonObject {
    const s = this.core.settings;
    return {
      token_auth: this.core.auth.tokenAuthEnabled,
      session_timeout: s.sessionTimeout,
      reclaim_session_timeout: s.reclaimSessionTimeout,
      candidates_timeout: s.candidatesTimeout,
      log_level: s.debugLevel,
      log_timestamps: true,
      log_colors: false,
      locking_debug: false,
      refcount_debug: false,
      libnice_debug: false,
      min_nack_queue: s.minNackQueue,
      "nack-optimizations": false,
      no_media_timer: s.noMediaTimer,
      slowlink_threshold: s.slowlinkThreshold,
    };
  }

  private tokens(verb: string, msg: JsonObject, ok: (rest?: JsonObject) => JsonObject): JsonObject {
    const auth = this.core.auth;
    if (!auth.storedTokens)
      throw new JanusError(JanusErrorCode.UNKNOWN, "Stored-Token based authentication disabled");
    if (verb === "list_tokens") return ok({ data: { tokens: auth.tokens.list() } });
    validateFields(msg, [{ name: "token", kind: "string", required: true }]);
    const token = msg.token as string;
    if (verb === "remove_token") {
      if (!auth.tokens.remove(token)) throw new JanusError(JanusErrorCode.UNKNOWN, "Error removing token");
      return ok();
    }
    if (verb === "add_token") {
      validateFields(msg, [{ name: "plugins", kind: "array" }]);
      const requested = msg.plugins as unknown[] | undefined;
      // Unknown plugin names are skipped, as Janus skips them.
      const plugins = requested
        ? requested.filter((p): p is string => typeof p === "string" && this.core.plugins.has(p))
        : [...this.core.plugins.keys()];
      return ok({ data: { plugins: auth.tokens.add(token, plugins) } });
    }
    const requested = msg.plugins;
    if (!Array.isArray(requested) || requested.length === 0) {
      throw new JanusError(
        JanusErrorCode.INVALID_ELEMENT_TYPE,
        "Invalid element type (plugins should be a non-empty array)",
      );
    }
    if (!requested.every((p) => typeof p === "string" && this.core.plugins.has(p))) {
      throw new JanusError(
        JanusErrorCode.INVALID_ELEMENT_TYPE,
        "Invalid element type (some of the provided plugins are invalid)",
      );
    }
    const result =
      verb === "allow_token" ? auth.tokens.allow(token, requested) : auth.tokens.disallow(token, requested);
    if (!result) throw new JanusError(JanusErrorCode.TOKEN_NOT_FOUND, `Token ${token} not found`);
    return ok({ data: { plugins: result } });
  }
}
