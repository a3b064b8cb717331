import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Connection } from "werift";

// Our patch to werift (patches/werift+0.24.4.patch): its ICE agent paces connectivity checks by
// Ta (20 ms) and used to sleep out the whole 20 ms after the last check too, so DTLS, and so the
// call, started up to 20 ms after ICE had in fact succeeded. Now the wait ends with the check list.
describe("werift ICE, as patched", () => {
  const PACING_MS = 20;
  /**
   * The test stretches each pacing wait to this: a check on a loaded machine can take longer than
   * 20 ms, and then the wait ran out first and nothing was left to cut short. Stretched, a wait
   * is always running when the list completes, and werift unpatched would take seconds to connect.
   */
  const STRETCHED_MS = 5000;
  /** The 20 ms waits of Connection.connect, and how each ended. */
  const waits: Array<{ fired: boolean; cleared: boolean }> = [];
  const byHandle = new Map<unknown, { fired: boolean; cleared: boolean }>();
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;

  before(() => {
    globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (ms !== PACING_MS || !new Error().stack?.includes("Connection.connect"))
        return realSetTimeout(callback, ms, ...args);
      const wait = { fired: false, cleared: false };
      waits.push(wait);
      const handle = realSetTimeout(() => {
        wait.fired = true;
        callback(...args);
      }, STRETCHED_MS);
      byHandle.set(handle, wait);
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      const wait = byHandle.get(handle);
      if (wait) wait.cleared = true;
      realClearTimeout(handle);
    }) as typeof clearTimeout;
  });
  after(() => {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
  });

  it("stops pacing as soon as the check list is done, rather than at the end of Ta", async () => {
    // Loopback only: this file runs in a network namespace of its own (*.webrtc.test).
    const options = { additionalHostAddresses: ["127.0.0.1"], useIpv6: false };
    const controlling = new Connection(true, options);
    const controlled = new Connection(false, options);
    try {
      await Promise.all([controlling.gatherCandidates(), controlled.gatherCandidates()]);
      const link = (from: Connection, to: Connection) => {
        from.remoteUsername = to.localUsername;
        from.remotePassword = to.localPassword;
        for (const candidate of to.localCandidates) void from.addRemoteCandidate(candidate);
        void from.addRemoteCandidate(undefined);
      };
      link(controlling, controlled);
      link(controlled, controlling);
      const started = Date.now();
      await Promise.all([controlling.connect(), controlled.connect()]);
      const took = Date.now() - started;
      assert.ok(took < STRETCHED_MS / 2, `connected in ${took} ms, not at the end of a pacing wait`);
      assert.equal(controlling.state, "connected");
      assert.equal(controlled.state, "connected");
      assert.ok(waits.length >= 2, "each side paced its checks");
      // Werift alone let every wait run out; now the one running when the list completed is cut short.
      assert.ok(
        waits.some((w) => w.cleared && !w.fired),
        `a pacing wait ended with the check list (${JSON.stringify(waits)})`,
      );
    } finally {
      await controlling.close();
      await controlled.close();
    }
  });
});
