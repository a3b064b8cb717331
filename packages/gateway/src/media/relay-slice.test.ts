import assert from "node:assert/strict";
import { release } from "node:os";
import { describe, it } from "node:test";
import { DEFAULT_RELAY_SLICE_US, relaySliceMicros, requestRelaySlice } from "./relay-slice.js";
import { schedBinding } from "./sched-binding.js";

type Binding = NonNullable<Parameters<typeof requestRelaySlice>[1]>;

/** A binding that records what was asked and answers like a kernel with or without per-thread slices. */
function fakeBinding(policy: number, honoursSlices: boolean) {
  const asked: number[] = [];
  const binding: Binding = {
    getSlice: () => ({ policy, sliceNs: honoursSlices ? 1_400_000 : 0 }),
    setSlice: (ns) => {
      asked.push(ns);
      return { policy, sliceNs: honoursSlices ? ns : 0 };
    },
    setIdle: () => policy,
  };
  return { binding, asked };
}

describe("relay thread's scheduler slice", () => {
  it("reads CALLGATE_RELAY_SLICE_US: 0, or 100 to 100,000 µs; unset is the default; anything else an error", () => {
    assert.equal(relaySliceMicros({}), DEFAULT_RELAY_SLICE_US);
    assert.equal(relaySliceMicros({ CALLGATE_RELAY_SLICE_US: " " }), DEFAULT_RELAY_SLICE_US);
    assert.equal(relaySliceMicros({ CALLGATE_RELAY_SLICE_US: "0" }), 0);
    assert.equal(relaySliceMicros({ CALLGATE_RELAY_SLICE_US: "250" }), 250);
    assert.equal(relaySliceMicros({ CALLGATE_RELAY_SLICE_US: "100000" }), 100_000);
    for (const bad of ["50", "100001", "1ms", "-100", "0.5"])
      assert.throws(() => relaySliceMicros({ CALLGATE_RELAY_SLICE_US: bad }), /CALLGATE_RELAY_SLICE_US/, bad);
  });

  it("asks for the slice in nanoseconds and says whether the kernel took it", () => {
    const honoured = fakeBinding(0, true);
    assert.deepEqual(requestRelaySlice(100, honoured.binding), { applied: true, sliceUs: 100 });
    assert.deepEqual(honoured.asked, [100_000]);
    const ignored = fakeBinding(0, false);
    const result = requestRelaySlice(100, ignored.binding);
    assert.equal(result.applied, false);
    assert.match((result as { reason: string }).reason, /Linux 6\.12/);
  });

  it("leaves a real-time or idle thread alone, does nothing for 0, and says why without the addon or on an error", () => {
    const fifo = fakeBinding(1, true);
    assert.match((requestRelaySlice(100, fifo.binding) as { reason: string }).reason, /real-time/);
    assert.deepEqual(fifo.asked, []);
    const idle = fakeBinding(5, true); // SCHED_IDLE: the addon would not touch it either
    assert.match((requestRelaySlice(100, idle.binding) as { reason: string }).reason, /idle policy/);
    assert.deepEqual(idle.asked, []);
    const zero = fakeBinding(0, true);
    assert.equal(requestRelaySlice(0, zero.binding).applied, false);
    assert.deepEqual(zero.asked, []);
    assert.match((requestRelaySlice(100, null) as { reason: string }).reason, /not built/);
    const failing: Binding = {
      getSlice: () => ({ policy: 0, sliceNs: 0 }),
      setSlice: () => {
        throw new Error("sched_setattr: Operation not permitted");
      },
      setIdle: () => 0,
    };
    assert.match((requestRelaySlice(100, failing) as { reason: string }).reason, /not permitted/);
  });

  it("sets this thread's slice through the addon where the kernel has them (Linux 6.12+), keeping its policy", () => {
    const binding = schedBinding();
    assert.ok(binding, "the addon is built by npm run build");
    const [major = 0, minor = 0] = release().split(".").map(Number);
    const hasSlices = major > 6 || (major === 6 && minor >= 12);
    const before = binding.getSlice();
    try {
      const result = requestRelaySlice(250, binding);
      if (hasSlices) {
        assert.deepEqual(result, { applied: true, sliceUs: 250 });
        assert.equal(binding.getSlice().sliceNs, 250_000);
        assert.equal(binding.getSlice().policy, before.policy, "the policy is kept");
      } else {
        assert.equal(result.applied, false);
      }
    } finally {
      binding.setSlice(0); // the kernel's own again
    }
    if (hasSlices) assert.equal(binding.getSlice().sliceNs, before.sliceNs);
  });
});
