import {
  ConfigError,
  createLogger,
  helperThreadsNice,
  helperThreadsPolicy,
  ListenError,
  type Logger,
  loadConfig,
  lowerHelperThreads,
  type MediaReach,
  type RunningGateway,
  relaySliceMicros,
  requestRelaySlice,
  startGateway,
} from "@callgate/gateway";
import { gatewayFlags } from "./gateway-options.js";

export interface GatewayCommandOptions {
  configsFolder?: string;
  config?: string;
  [flag: string]: unknown;
}

/** Runs the gateway in the foreground until SIGINT/SIGTERM; SIGHUP reloads TLS certificates. */
export async function runGateway(
  opts: GatewayCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const launched = await launchGateway(opts, out);
  if (typeof launched === "number") return launched;
  const { gateway, log } = launched;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      // A second signal while closing (Ctrl-C reaches the `callgate` parent and this process alike) changes nothing.
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down");
      process.off("SIGHUP", reload);
      gateway.close().then(() => resolve(0));
    };
    const reload = () => {
      gateway
        .reloadCertificates()
        .catch((err: unknown) =>
          log.error({ err }, "could not reload TLS certificates; keeping the old ones"),
        );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGHUP", reload);
  });
}

/**
 * Loads the gateway's settings, starts it and says what an admin needs to know (listeners, media
 * ports, certificate fingerprint, a generated admin secret). An exit code when it cannot start.
 */
export async function launchGateway(
  opts: GatewayCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<{ gateway: RunningGateway; log: Logger } | number> {
  let helpersNice: number;
  let helpersPolicy: ReturnType<typeof helperThreadsPolicy>;
  let relaySliceUs: number;
  try {
    helpersNice = helperThreadsNice();
    helpersPolicy = helperThreadsPolicy();
    relaySliceUs = relaySliceMicros();
  } catch (err) {
    console.error(`callgate: configuration error: ${(err as Error).message}`);
    return 2;
  }
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig({
      configsFolder: opts.configsFolder,
      configFile: opts.config,
      flags: gatewayFlags(opts),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`callgate: configuration error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const { settings } = loaded;
  const log = createLogger(settings.general.debugLevel, settings.general.logFormat);
  for (const file of loaded.files) log.info({ file }, "read configuration");
  if (settings.usingDefaults)
    log.info(
      { folder: settings.configsFolder },
      "no janus.jcfg found: using Callgate's defaults (the seed container's ports, token auth on)",
    );
  for (const warning of loaded.warnings) log.warn(warning);

  let gateway: RunningGateway;
  try {
    gateway = await startGateway(settings, log);
  } catch (err) {
    if (err instanceof ListenError) {
      log.fatal(err.message);
      return 3;
    }
    throw err;
  }
  // Once started: by then the threads are there (V8's from the beginning).
  const helpers = lowerHelperThreads(helpersNice, helpersPolicy);
  const slice = requestRelaySlice(relaySliceUs); // here, on the main thread: the relay's
  for (const l of gateway.listeners) log.info({ url: l.url }, `listening: ${l.name}`);
  log.info(
    {
      tokenAuth: settings.general.tokenAuth,
      apiSecret: settings.general.apiSecret !== undefined,
      plugins: [...gateway.core.plugins.keys()],
    },
    "gateway ready",
  );
  logMediaReach(log, gateway.media);
  if (helpers.lowered > 0 || helpers.idle > 0)
    log.info(
      { nice: helpers.nice, threads: helpers.lowered, idlePolicy: helpers.idle },
      "helper threads (V8's compiler and garbage collector) run at a lower priority than the relay (CALLGATE_HELPER_THREADS_NICE, CALLGATE_HELPER_THREADS_POLICY)",
    );
  if (helpers.idleRefused)
    log.info(
      { reason: helpers.idleRefused },
      "helper threads keep a normal policy (nice value only): SCHED_IDLE could not be set",
    );
  if (slice.applied)
    log.info(
      { sliceUs: slice.sliceUs },
      "the relay thread runs with a short scheduler slice, so that it gets a core soon after a packet wakes it (CALLGATE_RELAY_SLICE_US)",
    );
  else log.info({ reason: slice.reason }, "the relay thread runs with the kernel's own scheduler slice");
  if (gateway.certificate) {
    log.info(
      { fingerprint: gateway.certificate.fingerprint, certificate: gateway.certificate.certPath },
      "TLS certificate (SHA-256 fingerprint, pin it in the chat server)",
    );
  }
  const secret = gateway.adminSecret;
  if (secret.source === "generated") {
    // Printed once, outside the logger (which never carries secrets), so the admin can copy it.
    out.write(
      `\n  Admin secret (generated, stored in ${secret.path} with mode 600):\n\n      ${secret.value}\n\n`,
    );
  } else if (secret.source === "file") {
    log.info({ file: secret.path }, "admin secret loaded from the state folder");
  }
  return { gateway, log };
}

/**
 * Says which UDP ports media needs: the seed guide's container published only its TCP ports, and
 * calls then connected without media. Warns where browsers elsewhere could not reach the gateway.
 */
function logMediaReach(log: Logger, media: MediaReach): void {
  const advertised = media.publicAddresses.length ? media.publicAddresses : media.hostAddresses;
  log.info({ relay: media.relay }, "media relay");
  log.info(
    { udp: media.udpPorts, addresses: advertised },
    "media: browsers send audio and video to these UDP ports and addresses; open them in firewalls and publish them from containers (the TCP ports carry signalling only)",
  );
  if (media.hostAddresses.length === 0) {
    log.warn(
      "media: no local address matches ice_enforce_list / ice_ignore_list: calls will connect without media",
    );
  } else if (
    media.publicAddresses.length === 0 &&
    !media.iceServers &&
    media.hostAddresses.every(isPrivateAddress)
  ) {
    log.warn(
      { addresses: media.hostAddresses },
      "media: only private addresses and no nat_1_1_mapping or STUN server: browsers outside this network will not reach the gateway",
    );
  }
}

function isPrivateAddress(address: string): boolean {
  return /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|f[cd])/i.test(address);
}
