import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GATEWAY_NODE_FLAGS, needsGatewayFlags } from "./node-flags.js";

const argv = (command: string) => ["/usr/bin/node", "/x/bin/callgate.js", command];

describe("gateway Node flags", () => {
  it("are wanted by the commands that run the gateway, and only by them", () => {
    assert.equal(needsGatewayFlags(argv("gateway"), [], {}), true);
    assert.equal(needsGatewayFlags(argv("start"), [], {}), true);
    assert.equal(needsGatewayFlags(argv("server"), [], {}), false);
    assert.equal(needsGatewayFlags(["/usr/bin/node", "/x/bin/callgate.js"], [], {}), false);
  });

  it("are not added again when Node already has them, by flag or NODE_OPTIONS, whatever the value", () => {
    assert.equal(needsGatewayFlags(argv("gateway"), [...GATEWAY_NODE_FLAGS], {}), false);
    const others = ["--memory-reducer", "--expose-gc"];
    assert.equal(needsGatewayFlags(argv("gateway"), ["--max-semi-space-size=16", ...others], {}), false);
    assert.equal(
      needsGatewayFlags(argv("gateway"), others, { NODE_OPTIONS: "--inspect --max-semi-space-size=8" }),
      false,
    );
    // One missing: Node starts again with all of them, the ones given by hand last (they win).
    assert.equal(needsGatewayFlags(argv("gateway"), ["--max-semi-space-size=16"], {}), true);
  });

  it("can be turned off: CALLGATE_NODE_FLAGS=0", () => {
    assert.equal(needsGatewayFlags(argv("gateway"), [], { CALLGATE_NODE_FLAGS: "0" }), false);
  });
});
