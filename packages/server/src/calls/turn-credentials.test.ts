import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { turnCredentials } from "./turn-credentials.js";

describe("TURN REST credentials", () => {
  it("puts the expiry in the username and signs it with HMAC-SHA1 of the shared key", () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const { username, password } = turnCredentials("north", "callgate", 3600, now);
    assert.equal(username, "1795870800:callgate");
    // computed independently: printf %s 1795870800:callgate | openssl dgst -sha1 -hmac north -binary | base64
    assert.equal(password, "FT2A0N5Xjhq30p1d80/xolNoC0Y=");
    assert.notEqual(turnCredentials("south", "callgate", 3600, now).password, password, "depends on the key");
  });
});
