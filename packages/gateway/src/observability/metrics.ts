import { ADMIN_VERBS, JANUS_VERBS } from "@callgate/protocol";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { CoreObserver } from "../core/observer.js";

/** Verbs kept as label values; anything else a client sends is counted as "other" (bounded cardinality). */
const knownVerbs = new Set<string>([...JANUS_VERBS, ...ADMIN_VERBS, "(none)", "(unparsable)"]);

export interface GaugeSources {
  sessions(): number;
  handles(): number;
  webSocketConnections(): number;
  tokens(): number;
}

/** Prometheus metrics for the admin port's /metrics: sessions, handles, requests and errors. */
export class GatewayMetrics implements CoreObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<"api" | "transport" | "request">;
  private readonly errors: Counter<"api" | "code">;

  constructor(sources: GaugeSources) {
    collectDefaultMetrics({ register: this.registry, prefix: "callgate_gateway_" });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge("callgate_gateway_sessions", "Janus sessions alive", sources.sessions);
    gauge("callgate_gateway_handles", "Plugin handles alive", sources.handles);
    gauge(
      "callgate_gateway_websocket_connections",
      "Open WebSocket connections (API and admin)",
      sources.webSocketConnections,
    );
    gauge("callgate_gateway_stored_tokens", "Tokens in the stored-token table", sources.tokens);
    this.requests = new Counter({
      name: "callgate_gateway_requests_total",
      help: "Janus and admin API requests received, by transport and request",
      labelNames: ["api", "transport", "request"],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: "callgate_gateway_errors_total",
      help: "Janus and admin API error replies, by Janus error code",
      labelNames: ["api", "code"],
      registers: [this.registry],
    });
  }

  request(api: "janus" | "admin", transport: string, verb: string): void {
    this.requests.inc({ api, transport, request: knownVerbs.has(verb) ? verb : "other" });
  }

  error(api: "janus" | "admin", code: number): void {
    this.errors.inc({ api, code: String(code) });
  }
}
