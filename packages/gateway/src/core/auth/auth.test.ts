import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authenticator } from "./authenticator.js";
import {
  CredentialDigests,
  DigestMemo,
  sameInConstantTime,
  secretDigest,
  secretEquals,
} from "./constant-time.js";
import { signToken, verifySignedToken } from "./signed-token.js";
import { TokenStore } from "./token-store.js";

describe("stored tokens", () => {
  it("adds, lists newest first, allows, disallows and removes", () => {
    const store = new TokenStore();
    assert.deepEqual(store.add("a", ["p2", "p1"]), ["p1", "p2"]);
    assert.deepEqual(store.add("b", ["p1"]), ["p1"]);
    assert.deepEqual(store.add("a", ["p3"]), ["p1", "p2", "p3"]);
    assert.deepEqual(
      store.list().map((t) => t.token),
      ["b", "a"],
    );
    assert.deepEqual(store.disallow("b", ["p1"]), []);
    assert.deepEqual(
      store.list().map((t) => t.token),
      ["a"],
      "tokens without plugins are not listed",
    );
    assert.equal(store.allow("zzz", ["p1"]), undefined);
    assert.equal(store.canAccessDigest(secretDigest("a"), "p2"), true);
    assert.equal(store.canAccessDigest(secretDigest("a"), "p9"), false);
    assert.equal(store.remove("a"), true);
    assert.equal(store.remove("a"), false);
    assert.equal(store.hasDigest(secretDigest("a")), false);
  });
});

describe("signed tokens (token_auth_secret)", () => {
  it("accepts Janus-format tokens until they expire, and checks the signature and realm", () => {
    const now = 1_800_000_000;
    const token = signToken("secret", now + 60, ["janus.plugin.videocall"]);
    assert.match(token, /^1800000060,janus,janus\.plugin\.videocall:[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(verifySignedToken("secret", token, now), {
      valid: true,
      plugins: ["janus.plugin.videocall"],
    });
    assert.equal(verifySignedToken("secret", token, now + 61).valid, false);
    assert.equal(verifySignedToken("other", token, now).valid, false);
    assert.equal(verifySignedToken("secret", token.replace(",janus,", ",other,"), now).valid, false);
    assert.equal(verifySignedToken("secret", `${token}:x`, now).valid, false);
  });
});

describe("request checks", () => {
  it("passes everything when neither api_secret nor token_auth is on", () => {
    const auth = new Authenticator({
      apiSecret: undefined,
      tokenAuth: false,
      tokenAuthSecret: undefined,
      adminSecret: "adm",
    });
    assert.equal(auth.checkRequest(undefined, undefined), true);
  });
  it("accepts either a matching apisecret or a valid token when both are on", () => {
    const auth = new Authenticator({
      apiSecret: "api",
      tokenAuth: true,
      tokenAuthSecret: undefined,
      adminSecret: "adm",
    });
    auth.tokens.add("tok", ["p"]);
    assert.equal(auth.checkRequest("api", undefined), true);
    assert.equal(auth.checkRequest(undefined, "tok"), true);
    assert.equal(auth.checkRequest("wrong", "bad"), false);
    assert.equal(auth.checkRequest(42, undefined), false);
    assert.equal(auth.checkAdmin("adm"), true);
    assert.equal(auth.checkAdmin("ad"), false);
    assert.equal(auth.checkAdmin(undefined), false);
    assert.equal(auth.storedTokens, true);
  });
  it("checks plugin permissions of signed tokens", () => {
    const auth = new Authenticator({
      apiSecret: undefined,
      tokenAuth: true,
      tokenAuthSecret: "s",
      adminSecret: "adm",
    });
    const token = signToken("s", Date.now() / 1000 + 60, ["janus.plugin.videocall"]);
    assert.equal(auth.checkRequest(undefined, token), true);
    assert.equal(auth.tokenMayUse(token, "janus.plugin.videocall"), true);
    assert.equal(auth.tokenMayUse(token, "janus.plugin.echotest"), false);
    assert.equal(auth.storedTokens, false);
  });
  it("compares secrets of any length without throwing", () => {
    assert.equal(secretEquals("a", "a"), true);
    assert.equal(secretEquals("a", "aa"), false);
    assert.equal(secretEquals("", "x"), false);
  });
});

describe("digest memos (a connection's secrets hashed once)", () => {
  it("compares strings whatever their lengths, without a wrap-around making unequal ones equal", () => {
    assert.equal(sameInConstantTime("abc", "abc"), true);
    assert.equal(sameInConstantTime("abc", "abd"), false);
    assert.equal(sameInConstantTime("ab", "abc"), false);
    assert.equal(sameInConstantTime("abc", "ab"), false);
    assert.equal(sameInConstantTime("abcabc", "abc"), false);
    assert.equal(sameInConstantTime("", ""), true);
    assert.equal(sameInConstantTime("", "x"), false);
    assert.equal(sameInConstantTime("x", ""), false);
  });

  it("hashes a value only when it differs from the one before", () => {
    const hashed: string[] = [];
    const memo = new DigestMemo((value) => {
      hashed.push(value);
      return secretDigest(value);
    });
    for (const value of ["a", "a", "a", "b", "a", "a"]) assert.equal(memo.of(value), secretDigest(value));
    assert.deepEqual(hashed, ["a", "b", "a"]);
  });

  it("never remembers a verdict: a token removed, a wrong secret after a right one, are refused", () => {
    const auth = new Authenticator({
      apiSecret: "api",
      tokenAuth: true,
      tokenAuthSecret: undefined,
      adminSecret: "adm",
    });
    const digests = new CredentialDigests();
    auth.tokens.add("t1", ["janus.plugin.videocall"]);
    assert.equal(auth.checkRequest(undefined, "t1", digests), true);
    assert.equal(auth.tokenMayUse("t1", "janus.plugin.videocall", digests), true);
    assert.equal(auth.tokenMayUse("t1", "janus.plugin.echotest", digests), false);
    assert.equal(auth.checkRequest(undefined, "t2", digests), false);
    auth.tokens.remove("t1");
    assert.equal(auth.checkRequest(undefined, "t1", digests), false);
    assert.equal(auth.checkRequest("api", undefined, digests), true);
    assert.equal(auth.checkRequest("apI", undefined, digests), false);
    assert.equal(auth.checkAdmin("adm", digests), true);
    assert.equal(auth.checkAdmin("adm2", digests), false);
    assert.equal(auth.checkAdmin(undefined, digests), false);
    assert.equal(auth.checkAdmin("adm", digests), true);
  });
});
