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

/** One server's request-rate windows, in the order they ran, with its CPU in each. */
export interface RequestWindows {
  /** Signalling cycles per second, and the server's CPU (user + system, all threads) per cycle, µs. */
  cycles: number[];
  cycleCpuUs: number[];
  /** add_token requests per second, and the server's CPU per request, µs. */
  tokens: number[];
  tokenCpuUs: number[];
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Signalling cycles and add_token requests per second of every server, running side by side,
 * measured in alternating windows of `seconds` (one server's, then the next's, five rounds): this
 * machine's speed drifts by tens of percent over minutes, and alternating lays the drift on all
 * alike. A warm-up window of each comes first, not counted: the generator and Callgate are
 * JIT-compiled and start cold.
 */
export async function requestWindows(
  servers: RequestServer[],
  secret: string,
  seconds: number,
): Promise<RequestWindows[]> {
  const windows = servers.map(
    (): RequestWindows => ({ cycles: [], cycleCpuUs: [], tokens: [], tokenCpuUs: [] }),
  );
  for (const server of servers) {
    await signallingCycles(server, 2);
    await addTokensPerSecond(server, secret, 2);
  }
  for (let round = 0; round < 5; round++) {
    for (const [i, server] of servers.entries()) {
      const w = windows[i]!;
      let cpu = cpuSeconds(server.pid);
      const cycles = await signallingCycles(server, seconds);
      w.cycles.push(cycles);
      w.cycleCpuUs.push(((cpuSeconds(server.pid) - cpu) / (cycles * seconds)) * 1e6);
      cpu = cpuSeconds(server.pid);
      let cpuSpent = 0;
      // The CPU is read when the timed requests end, before the window removes the tokens it added.
      const tokens = await addTokensPerSecond(server, secret, seconds, () => {
        cpuSpent = cpuSeconds(server.pid) - cpu;
      });
      w.tokens.push(tokens);
      w.tokenCpuUs.push((cpuSpent / (tokens * seconds)) * 1e6);
    }
  }
  return windows;
}

/**
 * The servers' medians as a Markdown table, each rate also as a share of the floor's (the last
 * server), for `npm run bench -- --floor`.
 */
export function renderFloor(servers: RequestServer[], windows: RequestWindows[]): string {
  const floor = windows[windows.length - 1]!;
  const share = (value: number[], of: number[]) => `${Math.round((median(value) / median(of)) * 100)}%`;
  const m = (values: number[]) => Math.round(median(values));
  const lines = [
    "| server | signalling cycles/s | of the floor | CPU µs a cycle | add_token requests/s | of the floor | CPU µs a request |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...windows.map(
      (w, i) =>
        `| ${servers[i]!.name} | ${m(w.cycles)} | ${share(w.cycles, floor.cycles)} | ${m(w.cycleCpuUs)} | ${m(w.tokens)} | ${share(w.tokens, floor.tokens)} | ${m(w.tokenCpuUs)} |`,
    ),
  ];
  return lines.join("\n");
}
