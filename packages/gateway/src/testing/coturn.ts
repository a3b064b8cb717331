import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";

export interface RunningTurn {
  port: number;
  stop(): Promise<void>;
}

export function coturnInstalled(): boolean {
  return spawnSync("turnserver", ["--version"], { stdio: "ignore" }).status !== null;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * Debian's coturn on loopback, for tests: long-term credentials (`users`) or the TURN REST
 * shared secret (`authSecret`), relaying between loopback addresses only.
 */
export async function startCoturn(auth: {
  users?: Record<string, string>;
  authSecret?: string;
}): Promise<RunningTurn> {
  const port = await freeUdpPort();
  const relayMin = 49160 + Math.floor(Math.random() * 1000) * 10;
  const args = [
    "-n",
    "--listening-ip=127.0.0.1",
    `--listening-port=${port}`,
    "--relay-ip=127.0.0.1",
    `--min-port=${relayMin}`,
    `--max-port=${relayMin + 9}`,
    "--realm=callgate.test",
    "--allow-loopback-peers",
    "--no-cli",
    "--no-tls",
    "--no-dtls",
    "--no-tcp-relay",
    "--log-file=stdout",
    "--simple-log",
    "--fingerprint",
  ];
  if (auth.authSecret) args.push("--use-auth-secret", `--static-auth-secret=${auth.authSecret}`);
  else args.push("--lt-cred-mech", ...Object.entries(auth.users ?? {}).map(([u, p]) => `--user=${u}:${p}`));
  const child: ChildProcess = spawn("turnserver", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const start = Date.now();
  while (!/listener opened on|Total General servers/i.test(output)) {
    if (child.exitCode !== null || Date.now() - start > 10000)
      throw new Error(`coturn did not start: ${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
