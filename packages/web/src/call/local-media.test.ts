import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeMediaError } from "./local-media.js";

describe("camera and microphone errors, in words for people", () => {
  it("tells blocked, missing and busy devices apart", () => {
    const kind = (name: string) => describeMediaError(Object.assign(new Error("x"), { name })).kind;
    assert.equal(kind("NotAllowedError"), "denied");
    assert.equal(kind("SecurityError"), "denied");
    assert.equal(kind("NotFoundError"), "no-device");
    assert.equal(kind("OverconstrainedError"), "no-device");
    assert.equal(kind("NotReadableError"), "busy");
    assert.equal(kind("TypeError"), "other");
  });
  it("says what to do", () => {
    const denied = describeMediaError(Object.assign(new Error("x"), { name: "NotAllowedError" }));
    assert.match(denied.message, /Allow them for this site/);
  });
});
