import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { untilSignalled } from "./chat-server-launch.js";

describe("untilSignalled", () => {
  it("stops once on SIGTERM and exits 0; a stop that fails exits 1 and says why", async () => {
    let stops = 0;
    const clean = untilSignalled(async () => {
      stops++;
    });
    process.emit("SIGTERM");
    process.emit("SIGTERM"); // a second signal while stopping is ignored
    assert.equal(await clean, 0);
    assert.equal(stops, 1);

    const said = mock.method(console, "error", () => {});
    try {
      const failing = untilSignalled(async () => {
        throw new Error("the database would not close");
      });
      process.emit("SIGINT");
      assert.equal(await failing, 1);
      assert.match(
        String(said.mock.calls[0]?.arguments[0]),
        /stopping failed: Error: the database would not close/,
      );
    } finally {
      said.mock.restore();
    }
  });
});
