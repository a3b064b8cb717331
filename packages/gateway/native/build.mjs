#!/usr/bin/env node
// Builds the media addons, SRTP (srtp_cipher.c), DTLS (dtls_engine.c), batched UDP (udp_batch.c) and the relay thread's scheduler slice (sched_slice.c), with node-gyp against the headers of the Node that runs
// this script, OpenSSL's included: nothing is downloaded and no system library is linked. Where it
// cannot be built (no C compiler, no Node headers) the gateway runs on node:crypto and dgram,
// so this warns and succeeds, unless CALLGATE_NATIVE_REQUIRED=1 (CI) makes that an error.
// CALLGATE_NATIVE=0 skips it.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

const here = dirname(new URL(import.meta.url).pathname);
const addons = ["callgate_srtp.node", "callgate_dtls.node", "callgate_udp.node", "callgate_sched.node"].map(
  (f) => join(here, "build", "Release", f),
);
const sources = ["srtp_cipher.c", "dtls_engine.c", "udp_batch.c", "sched_slice.c", "binding.gyp"].map((f) =>
  join(here, f),
);
const required = process.env.CALLGATE_NATIVE_REQUIRED === "1";

function giveUp(reason) {
  const message = `native media addons not built (${reason}): the gateway encrypts media with node:crypto (about three times the SRTP cost), runs DTLS handshakes in werift (JavaScript, several ms a step) and receives media through dgram`;
  if (required) {
    console.error(`error: ${message}`);
    process.exit(1);
  }
  console.warn(`warning: ${message}`);
  process.exit(0);
}

if (process.env.CALLGATE_NATIVE === "0") giveUp("CALLGATE_NATIVE=0");
const upToDate = addons.every(
  (addon) => existsSync(addon) && sources.every((s) => statSync(s).mtimeMs <= statSync(addon).mtimeMs),
);
if (upToDate) process.exit(0);

// The running Node's install prefix holds include/node (node_api.h and openssl/).
const nodeDir = join(dirname(process.execPath), "..");
if (!existsSync(join(nodeDir, "include", "node", "node_api.h")))
  giveUp(`no Node headers under ${nodeDir}/include/node`);
const gyp =
  process.env.npm_config_node_gyp ??
  [
    join(nodeDir, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ].find((p) => existsSync(p));
if (!gyp || !existsSync(gyp)) giveUp("node-gyp not found beside npm");

const result = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodeDir}`, "--loglevel=warn"], {
  cwd: here,
  stdio: ["ignore", "pipe", "pipe"],
  encoding: "utf8",
});
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  giveUp(`node-gyp failed (exit ${result.status}); is a C compiler (gcc, make) installed?`);
}
console.log(
  "native media addons built: packages/gateway/native/build/Release/{callgate_srtp,callgate_dtls,callgate_udp,callgate_sched}.node",
);
