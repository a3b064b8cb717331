import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JanusError } from "@callgate/protocol";
import { checkCandidate } from "./trickle-candidate.js";

describe("trickled candidate checks", () => {
  it("accepts a candidate and end-of-candidates in both forms", () => {
    assert.deepEqual(
      checkCandidate(
        { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 },
        true,
      ),
      {
        candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host",
        sdpMid: "0",
        sdpMLineIndex: 0,
      },
    );
    assert.deepEqual(checkCandidate({ completed: true }, true), { completed: true });
    assert.deepEqual(checkCandidate(null, true), { completed: true });
  });
  it("throws Janus's errors in strict form and skips in list form", () => {
    const cases: Array<[unknown, number, string]> = [
      [{ candidate: "c", sdpMid: 0 }, 467, "Trickle error: invalid element type (sdpMid should be a string)"],
      [
        { candidate: "c", sdpMLineIndex: -1 },
        467,
        "Trickle error: invalid element type (sdpMLineIndex should be a positive integer)",
      ],
      [{ candidate: "c" }, 456, "Trickle error: missing mandatory element (sdpMid or sdpMLineIndex)"],
      [{ sdpMid: "0" }, 456, "Trickle error: missing mandatory element (candidate)"],
      [
        { sdpMid: "0", candidate: 5 },
        467,
        "Trickle error: invalid element type (candidate should be a string)",
      ],
    ];
    for (const [value, code, reason] of cases) {
      assert.throws(
        () => checkCandidate(value, true),
        (e: unknown) => e instanceof JanusError && e.code === code && e.reason === reason,
      );
      assert.equal(checkCandidate(value, false), undefined);
    }
  });
});
