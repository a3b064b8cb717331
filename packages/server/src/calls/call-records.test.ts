import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callRecordText, formatDuration } from "./call-records.js";

describe("call records", () => {
  it("formats durations as m:ss or h:mm:ss", () => {
    assert.equal(formatDuration(0), "0:00");
    assert.equal(formatDuration(65_400), "1:05");
    assert.equal(formatDuration(3_723_000), "1:02:03");
  });
  it("says how the call went", () => {
    assert.equal(callRecordText("ended", 185_000), "Call ended after 3:05.");
    assert.equal(callRecordText("missed", 0), "Missed call.");
    assert.equal(callRecordText("declined", 0), "Call declined.");
  });
});
