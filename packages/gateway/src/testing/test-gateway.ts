import { JanusWebSocketConnection, type WebSocketFactory } from "@callgate/client";
import type { JsonObject } from "@callgate/protocol";
import pino from "pino";
import { WebSocket } from "ws";
import { type GatewaySettings, seedDefaults } from "../config/settings.js";
import { type RunningGateway, startGateway } from "../gateway.js";

/** A WebSocket factory for Node, on the `ws` package. */
export const nodeWebSocket: WebSocketFactory = (url, protocols) => new WebSocket(url, protocols) as never;

export const TEST_ADMIN_SECRET = "test-admin-secret-not-a-default";

export interface TestGateway {
  gateway: RunningGateway;
  settings: GatewaySettings;
  http: string;
  admin: string;
  ws: string;
  wss: string;
  adminWs: string;
  close(): Promise<void>;
  /** POSTs JSON (or raw text) and returns the parsed JSON answer. */
  post(url: string, body: unknown): Promise<JsonObject>;
  adminRequest(body: JsonObject): Promise<JsonObject>;
  connect(credentials?: { token?: string; apisecret?: string }): Promise<JanusWebSocketConnection>;
}

/** Starts a real gateway on loopback with ephemeral ports; `tweak` adjusts the settings first. */
export async function startTestGateway(
  stateDir: string,
  tweak?: (s: GatewaySettings) => void,
): Promise<TestGateway> {
  const settings = seedDefaults(stateDir);
  settings.general.adminSecret = TEST_ADMIN_SECRET;
  settings.websockets.adminWs.enabled = true;
  for (const l of [
    settings.http.http,
    settings.http.https,
    settings.http.admin,
    settings.http.adminSecure,
    settings.websockets.ws,
    settings.websockets.wss,
    settings.websockets.adminWs,
    settings.websockets.adminWss,
  ]) {
    l.port = 0;
    l.ip = "127.0.0.1";
  }
  tweak?.(settings);
  const log = pino({ level: process.env.CALLGATE_TEST_LOG ?? "silent" });
  const gateway = await startGateway(settings, log);
  const url = (name: string) => gateway.listeners.find((l) => l.name === name)?.url ?? "";
  const t: TestGateway = {
    gateway,
    settings,
    http: url("Janus API (HTTP)"),
    admin: url("admin API (HTTP)"),
    ws: url("Janus API (WebSocket)"),
    wss: url("Janus API (secure WebSocket)"),
    adminWs: url("admin API (WebSocket)"),
    close: () => gateway.close(),
    async post(target, body) {
      const res = await fetch(target, {
        method: "POST",
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return (await res.json()) as JsonObject;
    },
    adminRequest(body) {
      return t.post(t.admin, { transaction: "adm", admin_secret: TEST_ADMIN_SECRET, ...body });
    },
    connect(credentials = {}) {
      return JanusWebSocketConnection.open(t.ws, nodeWebSocket, credentials);
    },
  };
  return t;
}

type Waiter = { predicate: (m: JsonObject) => boolean; resolve: (m: JsonObject) => void };
const waiters = new WeakMap<JanusWebSocketConnection, Waiter[]>();

/**
 * Waits for the next event on a connection that matches `predicate`. Several waits may be
 * pending at once; each event goes to the first pending wait it matches, else to `onEvent`.
 */
export function nextEvent(
  conn: JanusWebSocketConnection,
  predicate: (m: JsonObject) => boolean = () => true,
  timeoutMs = 5000,
): Promise<JsonObject> {
  let list = waiters.get(conn);
  if (!list) {
    const pending: Waiter[] = [];
    list = pending;
    waiters.set(conn, pending);
    const fallback = conn.onEvent;
    conn.onEvent = (m) => {
      const i = pending.findIndex((w) => w.predicate(m));
      if (i >= 0) pending.splice(i, 1)[0]!.resolve(m);
      else fallback(m);
    };
  }
  const pending = list;
  return new Promise((resolve, reject) => {
    const waiter: Waiter = {
      predicate,
      resolve: (m) => {
        clearTimeout(timer);
        resolve(m);
      },
    };
    const timer = setTimeout(() => {
      pending.splice(pending.indexOf(waiter), 1);
      reject(new Error(`no matching event within ${timeoutMs} ms: ${predicate.toString().slice(0, 160)}`));
    }, timeoutMs);
    pending.push(waiter);
  });
}
