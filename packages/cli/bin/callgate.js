#!/usr/bin/env node
import { main } from "../dist/main.js";

main(process.argv).then(
  (code) => {
    if (typeof code === "number") process.exitCode = code;
  },
  (err) => {
    console.error(`callgate: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
