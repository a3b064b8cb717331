import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requestTarget, splitPath, trimBasePath } from "./http-common.js";

describe("request targets", () => {
  it("split plain paths and queries by hand, as WHATWG URL would", () => {
    for (const raw of ["/admin", "/janus/12/34", "/janus/12?maxev=5&token=a%20b", "/", "/janus/?x"]) {
      const url = new URL(raw, "http://gateway");
      assert.deepEqual(requestTarget(raw), { pathname: url.pathname, query: url.search.slice(1) }, raw);
    }
    assert.deepEqual(requestTarget(undefined), { pathname: "/", query: "" });
  });

  it("leave escapes, dot segments, backslashes and fragments to WHATWG URL", () => {
    assert.equal(requestTarget("/janus/../admin").pathname, "/admin");
    assert.equal(requestTarget("/admin/./1").pathname, "/admin/1");
    assert.equal(requestTarget("/janus\\1").pathname, "/janus/1");
    assert.equal(requestTarget("/adm%69n").pathname, "/adm%69n");
    assert.deepEqual(requestTarget("/janus/1?maxev=2#frag"), { pathname: "/janus/1", query: "maxev=2" });
    // `//host/path` is a network-path reference: its path is /path, never under a base of /host.
    assert.equal(requestTarget("//admin/1").pathname, "/1");
  });

  it("are placed below a base path, or not under it at all", () => {
    const base = trimBasePath("/janus//");
    assert.equal(base, "/janus");
    assert.deepEqual(splitPath("/janus", base), []);
    assert.deepEqual(splitPath("/janus/1//2/", base), ["1", "2"]);
    assert.equal(splitPath("/janusx/1", base), undefined);
    assert.equal(splitPath("/admin", base), undefined);
  });
});
