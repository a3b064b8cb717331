#!/usr/bin/env node
import { main } from "../dist/main.js";
import { needsGatewayFlags, relaunchWithGatewayFlags, stopWithParent } from "../dist/node-flags.js";

stopWithParent();
const run = needsGatewayFlags(process.argv, process.execArgv, process.env)
  ? relaunchWithGatewayFlags()
  : main(process.argv);

run.then(
  (code) => {
    if (typeof code === "number") process.exitCode = code;
  },
  (err) => {
    console.error(`callgate: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
