import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runScenario } from "./support/conformance-scenario.js";
import { janusInstalled, type RunningTarget, startCallgate, startJanus } from "./support/processes.js";
import type { Recorder } from "./support/recorder.js";

/**
 * Conformance: the same request sequences go to Debian's Janus 1.1.2 and to Callgate, both
 * started from the same Janus config files, and every answer must match (ids normalized).
 */
describe("conformance with Janus 1.1.2", {
  skip: janusInstalled() ? false : "Debian's janus is not installed (npm test installs it as root)",
}, () => {
  let janus: RunningTarget;
  let callgate: RunningTarget;
  let expected: Recorder;
  let actual: Recorder;

  before(async () => {
    janus = await startJanus();
    callgate = await startCallgate();
    expected = await runScenario(janus);
    actual = await runScenario(callgate);
  });
  after(async () => {
    await Promise.all([janus?.stop(), callgate?.stop()]);
  });

  it("answers every step as Janus does", () => {
    assert.deepEqual(
      actual.steps.map((s) => s.step),
      expected.steps.map((s) => s.step),
    );
    const differences: string[] = [];
    expected.steps.forEach((want, i) => {
      const got = actual.steps[i]!;
      try {
        assert.deepEqual(got.value, want.value);
      } catch {
        differences.push(
          `${want.step} (${want.compare}):\n  janus:    ${JSON.stringify(want.value)}\n  callgate: ${JSON.stringify(got.value)}`,
        );
      }
    });
    assert.equal(
      differences.length,
      0,
      `${differences.length} of ${expected.steps.length} steps differ:\n${differences.join("\n")}`,
    );
  });
});
