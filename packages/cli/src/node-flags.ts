import { spawn } from "node:child_process";

/**
 * Node flags the gateway runs with, for `callgate gateway` and `callgate start`. V8 lets its young
 * generation grow to 16 MiB semi-spaces under a relay's packet rate, and keeps them resident:
 * about 20 MiB more at ten calls, though what a relayed packet allocates dies at once. With 4 MiB
 * the gateway's resident memory per call fell from 1,364 to 388 KiB at 10 calls and from 810 to
 * 655 KiB at 40 (docs/media.md, "Memory"). Node reads heap sizes only when it starts, hence a restart.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=4",
  // V8's memory reducer, which shrinks the heap of a process it takes for idle, ran three full
  // compacting collections in a row while one call was relayed, pausing it for 5-30 ms each
  // (docs/media.md, "Garbage collection"). The gateway collects once media has stopped instead
  // (media/idle-collection.ts), for which it needs gc().
  "--no-memory-reducer",
  "--expose-gc",
];

/** A flag's name, without its value or a `no-` negation: `--no-memory-reducer` is `--memory-reducer`. */
const flagName = (flag: string) => flag.split("=")[0]!.replace(/^--no-/, "--");

const GATEWAY_COMMANDS = new Set(["gateway", "start"]);
/** Set in the child: the `callgate` process it runs for (see stopWithParent). */
const PARENT_PID = "CALLGATE_PARENT_PID";
/** How often the child looks for its parent. */
const PARENT_CHECK_MS = 1000;

/**
 * In the child of relaunchWithGatewayFlags: stops the gateway (as SIGTERM does) once the parent
 * is gone, so that a `callgate` killed outright (SIGKILL) leaves no gateway holding its ports.
 */
export function stopWithParent(env: NodeJS.ProcessEnv = process.env): void {
  const parent = Number(env[PARENT_PID]);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, PARENT_CHECK_MS);
  timer.unref();
}

/**
 * Whether this process runs the gateway without GATEWAY_NODE_FLAGS (and so should start again
 * with them). Flags given to Node by hand win; CALLGATE_NODE_FLAGS=0 leaves Node as started.
 */
export function needsGatewayFlags(
  argv: readonly string[],
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): boolean {
  if (env.CALLGATE_NODE_FLAGS === "0" || !GATEWAY_COMMANDS.has(argv[2] ?? "")) return false;
  const given = [...execArgv, ...(env.NODE_OPTIONS?.split(/\s+/) ?? [])];
  return GATEWAY_NODE_FLAGS.some((flag) => !given.some((g) => flagName(g) === flagName(flag)));
}

/**
 * Runs this same command in a child Node with GATEWAY_NODE_FLAGS, standard streams shared, and
 * resolves to its exit code. Ctrl-C reaches both (one process group); a signal sent to this
 * process alone (a service manager's SIGTERM) is passed on, and the child's end is this one's.
 */
export function relaunchWithGatewayFlags(): Promise<number> {
  const child = spawn(
    process.execPath,
    [...GATEWAY_NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, [PARENT_PID]: String(process.pid) } },
  );
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`callgate: could not start Node with ${GATEWAY_NODE_FLAGS.join(" ")}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      if (signal) {
        // End the way the child did, so that whoever started us sees the signal too.
        process.kill(process.pid, signal);
        resolve(1);
      } else resolve(code ?? 1);
    });
  });
}
