import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForHttp } from "../../e2e/dist/support/ports.js";
import { type RunningTarget, spawnLogged } from "../../e2e/dist/support/processes.js";
import { cpuSeconds } from "./proc-stats.js";
import { addTokensPerSecond, signallingCycles } from "./scenarios.js";

/** What the request loops need of a server: where to send, and whose CPU to read. */
export type RequestServer = Pick<RunningTarget, "name" | "ws" | "admin" | "pid">;

export interface FloorServers extends RequestServer {
  stop(): Promise<void>;
}

/** Starts floor-servers.js (see there) on free ports, ended with this process if not before. */
export async function startFloorServers(): Promise<FloorServers> {
  const [wsPort, httpPort] = [await freePort(), await freePort()];
  const script = new URL("./floor-servers.js", import.meta.url).pathname;
  const log = join(mkdtempSync(join(tmpdir(), "cg-floor-")), "floor.log");
  const child = spawnLogged(process.execPath, [script, String(wsPort), String(httpPort)], log);
  await waitForHttp(`http://127.0.0.1:${httpPort}/`, 10000, child.isAlive);
  return {
    name: "floor (Node alone)",
    ws: `ws://127.0.0.1:${wsPort}`,
    admin: `http://127.0.0.1:${httpPort}/admin`,
    pid: child.pid,
    stop: () => child.stop(),
  };
}

export interface FloorRow {
  name: string;
  cyclesPerSecond: number;
  /** The server's CPU (user + system, all threads) per cycle, µs. */
  cpuUsPerCycle: number;
  requestsPerSecond: number;
  cpuUsPerRequest: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The benchmark's two request loops against each server, in alternating windows of `seconds`
 * (five rounds after a warm-up of each, as the main benchmark takes its rates), with each server's
 * CPU per cycle and per request: the medians of the windows.
 */
export async function requestFloor(
  servers: RequestServer[],
  secret: string,
  seconds: number,
): Promise<FloorRow[]> {
  const windows = servers.map(() => ({
    cycles: [] as number[],
    cycleCpu: [] as number[],
    tokens: [] as number[],
    tokenCpu: [] as number[],
  }));
  for (const server of servers) {
    await signallingCycles(server, 1);
    await addTokensPerSecond(server, secret, 1);
  }
  for (let round = 0; round < 5; round++) {
    for (const [i, server] of servers.entries()) {
      const w = windows[i]!;
      let cpu = cpuSeconds(server.pid);
      const cycles = await signallingCycles(server, seconds);
      w.cycles.push(cycles);
      w.cycleCpu.push(((cpuSeconds(server.pid) - cpu) / (cycles * seconds)) * 1e6);
      cpu = cpuSeconds(server.pid);
      let cpuSpent = 0;
      // The CPU is read when the timed requests end, before the window removes the tokens it added.
      const tokens = await addTokensPerSecond(server, secret, seconds, () => {
        cpuSpent = cpuSeconds(server.pid) - cpu;
      });
      w.tokens.push(tokens);
      w.tokenCpu.push((cpuSpent / (tokens * seconds)) * 1e6);
    }
  }
  return servers.map((server, i) => {
    const w = windows[i]!;
    return {
      name: server.name,
      cyclesPerSecond: median(w.cycles),
      cpuUsPerCycle: median(w.cycleCpu),
      requestsPerSecond: median(w.tokens),
      cpuUsPerRequest: median(w.tokenCpu),
    };
  });
}

/** The rows as a Markdown table, each rate also as a share of the floor's (the last row). */
export function renderFloor(rows: FloorRow[]): string {
  const floor = rows[rows.length - 1]!;
  const share = (value: number, of: number) => `${Math.round((value / of) * 100)}%`;
  const lines = [
    "| server | signalling cycles/s | of the floor | CPU µs a cycle | add_token requests/s | of the floor | CPU µs a request |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.cyclesPerSecond)} | ${share(r.cyclesPerSecond, floor.cyclesPerSecond)} | ${Math.round(r.cpuUsPerCycle)} | ${Math.round(r.requestsPerSecond)} | ${share(r.requestsPerSecond, floor.requestsPerSecond)} | ${Math.round(r.cpuUsPerRequest)} |`,
    ),
  ];
  return lines.join("\n");
}
