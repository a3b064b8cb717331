import type { ActiveCallMemory, CallsResult, RoundFigures } from "./scenarios.js";

export interface TargetResults {
  name: string;
  cyclesPerSecond: number;
  addTokensPerSecond: number;
  /** Each measuring window's rate, in order: window i of one target ran beside window i of the other. */
  cyclesByWindow?: number[];
  addTokensByWindow?: number[];
  idleSessionBytes: number;
  /** Not measured in `--profile` runs. */
  activeCallMemory?: ActiveCallMemory;
  calls: CallsResult[];
  capacity: number | undefined;
  /** The capacity search stopped because the load generator, not the gateway, was saturated. */
  capacityGeneratorBound?: boolean;
}

export interface Results {
  date: string;
  machine: string;
  command: string;
  mode: string;
  callgate: TargetResults;
  janus: TargetResults;
  /**
   * The two request rates of a server that only parses each request and answers it
   * (floor-servers.ts), measured in the same alternating windows as the gateways'.
   */
  floor?: { cyclesPerSecond: number; addTokensPerSecond: number };
}

/**
 * Where the request rates stand against what Node allows one thread: the share of the floor's
 * rate each gateway reached (empty when no floor was measured).
 */
function floorParagraph(r: Results): string {
  const f = r.floor;
  if (!f) return "";
  const share = (value: number, of: number) => `${Math.round((value / of) * 100)}%`;
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  return `
The floor under the two request rates: a server that does nothing but parse each request and
answer it with an indented success (\`bench/src/floor-servers.ts\`: ws and node:http, as the
gateway uses; no sessions, auth or validation), measured in the same alternating windows: ${n(f.cyclesPerSecond)}
cycles/s and ${n(f.addTokensPerSecond)} add_token requests/s. Callgate reached ${share(r.callgate.cyclesPerSecond, f.cyclesPerSecond)} and ${share(r.callgate.addTokensPerSecond, f.addTokensPerSecond)} of
it, Janus ${share(r.janus.cyclesPerSecond, f.cyclesPerSecond)} and ${share(r.janus.addTokensPerSecond, f.addTokensPerSecond)}. The loops send one request after another, so each rate is
a round trip's, most of which is the client's, Node's and the kernel's alike for both; what
either gateway adds is the rest. \`npm run bench -- --floor\` measures these alone, with each
server's CPU per request.
`;
}

/** Event-loop utilisation past which the load generator, not the gateway, sets the pace. */
export const GENERATOR_SATURATED = 0.9;

const f = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? "n/a" : n.toLocaleString("en", { maximumFractionDigits: digits });

/**
 * The ratio Callgate / Janus of each round (or window) that a median was taken over, paired by
 * position (the two gateways' round i ran side by side); empty where the figure had no rounds.
 */
function ratiosByRound(cg: readonly number[] | undefined, janus: readonly number[] | undefined): string {
  if (!cg || !janus || cg.length !== janus.length || cg.length < 2) return "";
  return cg.map((c, i) => f(c / (janus[i] as number), 2)).join(", ");
}

/**
 * One table row: the figure, both values, the ratio Callgate / Janus, the ratio in each round the
 * values are medians of, and whether Callgate is at least as good.
 */
function row(
  figure: string,
  cg: number | undefined,
  janus: number | undefined,
  higherIsBetter: boolean,
  digits = 1,
  byRound = "",
) {
  const ratio = cg !== undefined && janus !== undefined && janus !== 0 ? cg / janus : undefined;
  // Compared on the values themselves, so that 0 against 0 (no loss) or 13 against 0 still reads right.
  const ok =
    cg === undefined || janus === undefined || Number.isNaN(cg) || Number.isNaN(janus)
      ? ""
      : (higherIsBetter ? cg >= janus : cg <= janus)
        ? "yes"
        : "**no**";
  return `| ${figure} | ${f(cg, digits)} | ${f(janus, digits)} | ${f(ratio, 2)} | ${byRound} | ${ok} |`;
}

/**
 * A memory row. RSS growth of a garbage-collected process moves by megabytes as its heap is
 * collected: where either reading fell during the measurement, the pair is shown, not compared.
 */
function memoryRow(figure: string, cg: number, janus: number | undefined, digits = 1) {
  if (cg >= 0 && (janus === undefined || janus >= 0)) return row(figure, cg, janus, false, digits);
  return `| ${figure} | ${f(cg, digits)} | ${f(janus, digits)} | n/a | | not comparable (RSS fell: the heap was collected meanwhile) |`;
}

/** What a quick run is for, said at the top of its report. */
const quickNote = (levels: number[]) => `
A quick run, a smoke test for CI: one round at ${levels.join(" and ")} calls, where single rounds
move by tens of percent on this machine. The targets are judged on the full run
(\`npm run bench -- --full\`, docs/performance.md).`;

/** docs/performance.md: the side-by-side table and how it was made. */
export function renderReport(r: Results): string {
  const { callgate: c, janus: j } = r;
  const rows: string[] = [
    row(
      "signalling: create > attach > detach > destroy cycles/s (one WebSocket)",
      c.cyclesPerSecond,
      j.cyclesPerSecond,
      true,
      0,
      ratiosByRound(c.cyclesByWindow, j.cyclesByWindow),
    ),
    row(
      "admin add_token requests/s (HTTP)",
      c.addTokensPerSecond,
      j.addTokensPerSecond,
      true,
      0,
      ratiosByRound(c.addTokensByWindow, j.addTokensByWindow),
    ),
    memoryRow("resident memory per idle session (bytes)", c.idleSessionBytes, j.idleSessionBytes, 0),
  ];
  const active = c.activeCallMemory;
  if (active)
    rows.push(
      memoryRow(
        `resident memory per active call, ${active.from} to ${active.to} calls (KiB)`,
        active.perCallBytes / 1024,
        j.activeCallMemory && j.activeCallMemory.perCallBytes / 1024,
        0,
      ),
    );
  const saturated = (x: CallsResult | undefined) => (x?.generatorBusy ?? 0) >= GENERATOR_SATURATED;
  c.calls.forEach((cc, i) => {
    const jc = j.calls[i];
    // † marks a level where the load generator was saturated for either gateway (see below).
    const n = `${cc.calls}${saturated(cc) || saturated(jc) ? " †" : ""}`;
    // A figure taken in rounds: the medians (a CallsResult has each round's figures too) and each round's ratio.
    const inRounds = (figure: string, pick: (x: RoundFigures) => number, digits: number) =>
      row(
        `${n} call(s): ${figure}`,
        pick(cc),
        jc && pick(jc),
        false,
        digits,
        ratiosByRound(cc.byRound?.map(pick), jc?.byRound?.map(pick)),
      );
    rows.push(
      inRounds("gateway CPU per relayed packet (µs)", (x) => x.cpuUsPerPacket, 1),
      inRounds("relay latency p50 (ms)", (x) => x.latencyMs.p50, 2),
      inRounds("relay latency p99 (ms)", (x) => x.latencyMs.p99, 2),
      inRounds("relay latency max (ms)", (x) => x.latencyMs.max, 1),
      row(`${n} call(s): packet loss (%)`, cc.lossPercent, jc?.lossPercent, false, 2),
      row(`${n} call(s): set-up, call to both webrtcup, p50 (ms)`, cc.setupMs.p50, jc?.setupMs.p50, false, 0),
      row(`${n} call(s): set-up p99 (ms)`, cc.setupMs.p99, jc?.setupMs.p99, false, 0),
    );
  });
  if (r.mode === "full") {
    const figure = "most concurrent calls under 1% loss (searched in steps of 10 up to 200)";
    if (c.capacityGeneratorBound || j.capacityGeneratorBound) {
      // A lower bound cannot be compared as a ratio: say so rather than print a verdict.
      const v = (t: TargetResults) => `${t.capacityGeneratorBound ? "≥ " : ""}${f(t.capacity, 0)}`;
      rows.push(`| ${figure} | ${v(c)} | ${v(j)} | n/a | | not comparable (generator-bound) |`);
    } else {
      rows.push(row(figure, c.capacity, j.capacity, true, 0));
    }
  }
  const load = (t: TargetResults) =>
    `${t.name}: ${t.calls
      .map(
        (x) =>
          `${x.calls} call(s) ${f(x.generatorCores, 2)} cores` +
          (x.generatorBusy === undefined ? "" : `, event loop ${f(x.generatorBusy * 100, 0)}% busy`),
      )
      .join("; ")}`;
  const generator = `${load(c)}. ${load(j)}`;
  const activeFrom = c.activeCallMemory?.from ?? "n/a";
  const activeTo = c.activeCallMemory?.to ?? "n/a";
  const firstCalls = (t: TargetResults) =>
    f(t.activeCallMemory && t.activeCallMemory.firstCallsPerCallBytes / 1024, 0);
  const bound = [c, j]
    .filter((t) => t.capacityGeneratorBound)
    .map(
      (t) =>
        `\n\nThe capacity search for ${t.name} stopped at ${t.capacity} calls with no loss because the load generator's event loop was at least 90% busy: past that the generator, not the gateway, sets the pace, so ${t.capacity} is a lower bound.`,
    )
    .join("");
  return `# Performance: Callgate against Janus

Measured ${r.date.slice(0, 10)} on ${r.machine}, with \`${r.command}\` (${r.mode} mode).${r.mode === "quick" ? quickNote(c.calls.map((x) => x.calls)) : ""} Both gateways
ran the same Janus config files (token auth, VideoCall), taking turns in the same run,
inside a network namespace with loopback only. Ratios are Callgate / Janus: for costs and
latencies lower is better (at most 1.0 meets the target), for throughput and capacity higher.
Where a figure is the median over rounds (or, for the two request rates, over windows), "by
round" gives the ratio in each of them, in the order they ran, both gateways' round i side by
side: ratios either side of 1.0 mean the gap is within this machine's drift from minute to
minute, ratios all on one side that it is not.

| figure | Callgate | Janus | Callgate / Janus | by round | at least as good |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
${floorParagraph(r)}
How: a load generator of our own (\`bench/\`) speaks the Janus API over WebSocket with our typed
client and drives VideoCall calls between werift peers (real ICE, DTLS-SRTP, RTP/RTCP) that send
audio (50 packets/s, about 100 bytes) and video (about 1 Mbit/s in 1,100-1,200 byte packets) both
ways, each payload stamped with its send time. The generator stands for browsers on other
machines, which take no CPU from a gateway: its main thread runs SCHED_BATCH (it does not
preempt a gateway's thread when a packet wakes it) and its helper threads (V8's compiler and
collector) SCHED_IDLE (only on a core nothing else wants), and it collects its own garbage
between windows, while no media flows, and none during them (young semi-spaces of 128 MiB).
Signalling and add_token rates are the median of five windows per gateway, taken with both
gateways running and their windows alternating (this
machine's speed drifts by tens of percent over minutes; alternating lays the drift on both
alike), after a warm-up window of each that is not counted (the generator and Callgate are
JIT-compiled and start cold). Both rates are of requests one after another on one connection,
so they measure a request's round trip, of which the client's own work is a part alike for both:
the signalling cycles go over a bare \`ws\` socket sending ready-made request strings (our typed
client cost the generator about 300 µs a cycle, as much as either gateway, this one about 180),
add_token over a kept-alive node:http connection (fetch() cost the generator 360-420 µs a
request, 3-4 times either gateway's work, and the rate it gave was mostly the client's). Every
reply is parsed and checked. The call levels follow a warm-up of 5 calls with media on each
gateway, not counted (Callgate's relay is JIT-compiled and starts cold). Each call count ran in
rounds (three in full mode). In a round, each
gateway's calls are placed (one gateway after the other, the first changing from round to round)
and all stay up; then only one gateway's calls carry media at a time, in windows that alternate
between the gateways (five windows of 2 s each in full mode, two in quick, each after 1 s of
media not counted): this machine's speed drifts over tens of seconds (a latency p99 of 2 ms for
a minute, then 8 ms, for either gateway), and windows a few seconds apart lay that drift on both
alike. Each call figure is its median over the rounds, except set-up
times, whose percentiles are taken over every call of every round pooled (at 1 call with 17 more
calls placed alone in full mode, 4 in quick, the gateways taking turns: three samples are too few
for a median where Janus has half-second outliers). CPU is the
gateway process's user + system time from /proc over the measuring windows, divided by the
packets the peers received through it. Memory per active call is the VmRSS growth from
${activeFrom} calls to ${activeTo}, all with media both ways (each the median of five samples over 2 s),
over the calls added, measured on a gateway of each started for it and stopped after: one that
has held calls before reuses what they freed (malloc's free lists, a collected heap) and grows
by less than its calls take. The growth to the first ${activeFrom} calls, over them, which adds what is
paid once when media first flows (for Callgate the young generation's pages, code compiled,
receive buffers), was ${firstCalls(c)} KiB a call for Callgate and ${firstCalls(j)} for Janus. In a
garbage-collected process RSS moves by megabytes as the heap is collected, so a growth below
zero (collected meanwhile) is shown and
not compared. Memory per idle session is the RSS growth from 8,000 sessions to 16,000, over the
8,000, the first thing measured on both gateways (each in
turn): the first sessions also pay for code compiled and pages touched once; the count doubles so
that each gateway's session table grows once within it, as it does at any scale; and a gateway
that has run anything else reuses memory it freed (malloc's free lists, a heap collected
meanwhile) and grows by less than its sessions take. The peers send open loop (one clock; every packet due is sent, late if
the generator lags, never skipped), each peer in its own phase of the 5 ms pacing interval (the
clock ticks every millisecond) as independent browsers are. A latency runs from the send time
stamped in the packet, just before it is encrypted and sent, to the kernel's arrival time of the
datagram at the receiving peer's socket (SO_TIMESTAMPNS, both on the realtime clock): the
generator's own pauses (a collection, another peer's turn) are not counted against a gateway.
The generator makes its packets in buffers it reuses and keeps latencies in fixed blocks, so
that its own collections stay small. The peers' RTP goes through the gateway's SRTP fast path
(Janus, with libsrtp, would refuse any packet it got wrong). The load generator's own CPU use
was: ${generator}. On this 2-core machine it shares the cores with the gateway, so at
higher call counts it, not the gateway, limits the figures: † marks call counts where its event
loop was at least 90% busy for either gateway, where latency and loss are partly the generator's.${bound}

\`npm run bench -- --profile\` runs Callgate alone with \`node --cpu-prof\` and leaves the profile in
the temp folder (\`callgate-profile/\`), to see where the time per packet goes.
`;
}
