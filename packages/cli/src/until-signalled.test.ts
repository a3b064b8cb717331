import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { untilSignalled } from "./chat-server-launch.js";

describe("untilSignalled", () => {
  it("stops once on SIGTERM and exits 0; a stop that fails rejects (for bin/callgate.js to say why and exit 1)", async () => {
    let stops = 0;
    const clean = untilSignalled(async () => {
      stops++;
    });
    process.emit("SIGTERM");
    process.emit("SIGTERM"); // a second signal while stopping is ignored
    assert.equal(await clean, 0);
    assert.equal(stops, 1);

    // bin/callgate.js prints a rejection ("callgate: Error: ...") and exits 1.
    const failing = untilSignalled(async () => {
      throw new Error("the database would not close");
    });
    process.emit("SIGINT");
    await assert.rejects(failing, /the database would not close/);
  });
});
