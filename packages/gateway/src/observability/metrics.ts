import { ADMIN_VERBS, JANUS_VERBS } from "@callgate/protocol";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { CoreObserver } from "../core/observer.js";
import type { RelayCounters } from "../media/media-peer.js";

/** Verbs kept as label values; anything else a client sends is counted as "other" (bounded cardinality). */
const knownVerbs = new Set<string>([...JANUS_VERBS, ...ADMIN_VERBS, "(none)", "(unparsable)"]);

export interface GaugeSources {
  sessions(): number;
  handles(): number;
  webSocketConnections(): number;
  tokens(): number;
  relay(): Readonly<RelayCounters>;
}

/** How often the event-loop delay metric samples the loop. */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Prometheus metrics for the admin port's /metrics: sessions, handles, requests and errors. */
export class GatewayMetrics implements CoreObserver {
  readonly registry = new Registry();
  /**
   * Requests counted in plain numbers, by API, then transport, then request (a known verb or
   * "other"), and copied into the counter at scrape time: prom-client checks and hashes the
   * labels of every `inc({...})`, 5-6 µs a request in the gateway.
   */
  private readonly requestCounts = {
    janus: new Map<string, Map<string, number>>(),
    admin: new Map<string, Map<string, number>>(),
  };
  private readonly errors: Counter<"api" | "code">;

  constructor(sources: GaugeSources) {
    collectDefaultMetrics({
      register: this.registry,
      prefix: "callgate_gateway_",
      // prom-client samples event-loop delay with a 10 ms timer by default: 100 wake-ups a second
      // of an idle gateway, about 6 ms of CPU a second here (a third of what one call's relay
      // costs). Every 100 ms still shows a loop that stalls.
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
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
    // The relay counts in plain numbers (no registry work per packet); these copy them at scrape time.
    new Counter({
      name: "callgate_gateway_rtp_packets_total",
      help: "RTP packets relayed, by direction and path (fast: SRTP fast path; engine: the WebRTC engine's own, for a stream's first packet, TURN relays and the fallback)",
      labelNames: ["direction", "path"],
      registers: [this.registry],
      collect() {
        const c = sources.relay();
        this.reset();
        this.inc({ direction: "in", path: "fast" }, c.fastIn);
        this.inc({ direction: "out", path: "fast" }, c.fastOut);
        this.inc({ direction: "in", path: "engine" }, c.engineIn);
        this.inc({ direction: "out", path: "engine" }, c.engineOut);
      },
    });
    new Counter({
      name: "callgate_gateway_rtcp_packets_total",
      help: "RTCP packets (compound) the relay's SRTCP encrypted (out) and decrypted (in)",
      labelNames: ["direction"],
      registers: [this.registry],
      collect() {
        const c = sources.relay();
        this.reset();
        this.inc({ direction: "in" }, c.rtcpIn);
        this.inc({ direction: "out" }, c.rtcpOut);
      },
    });
    new Counter({
      name: "callgate_gateway_srtp_rejected_total",
      help: "Inbound SRTP and SRTCP packets refused: failed authentication, or replays",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(sources.relay().srtpRejected);
      },
    });
    const requestCounts = this.requestCounts;
    new Counter({
      name: "callgate_gateway_requests_total",
      help: "Janus and admin API requests received, by transport and request",
      labelNames: ["api", "transport", "request"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const api of ["janus", "admin"] as const)
          for (const [transport, byRequest] of requestCounts[api])
            for (const [request, count] of byRequest) this.inc({ api, transport, request }, count);
      },
    });
    this.errors = new Counter({
      name: "callgate_gateway_errors_total",
      help: "Janus and admin API error replies, by Janus error code",
      labelNames: ["api", "code"],
      registers: [this.registry],
    });
  }

  request(api: "janus" | "admin", transport: string, verb: string): void {
    const request = knownVerbs.has(verb) ? verb : "other";
    const byTransport = this.requestCounts[api];
    let byRequest = byTransport.get(transport);
    if (!byRequest) {
      byRequest = new Map();
      byTransport.set(transport, byRequest);
    }
    byRequest.set(request, (byRequest.get(request) ?? 0) + 1);
  }

  error(api: "janus" | "admin", code: number): void {
    this.errors.inc({ api, code: String(code) });
  }
}
