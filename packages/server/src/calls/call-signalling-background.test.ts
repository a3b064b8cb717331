import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { HubConnection } from "../ws/hub.js";
import { CallSignalling, type CallSignallingOptions } from "./call-signalling.js";

const ALICE = "a".repeat(26);
const BOB = "b".repeat(26);

/**
 * Call signalling with stand-ins for the hub and the stores: a ring that times out writes its
 * record with nobody waiting on it, through `direct` (which the test controls).
 */
function signalling(direct: () => Promise<{ id: string }>, onError: (err: unknown) => void) {
  const hub = Object.assign(new EventEmitter(), { isOnline: () => true, sendToUser: () => {} });
  const options = {
    hub,
    accounts: { getUser: async (id: string) => ({ id, username: id.slice(0, 1), delete_at: 0 }) },
    preferences: { optedInToCalls: async () => true },
    channels: { direct },
    messenger: { send: async () => {} },
    config: { get: () => ({ WebrtcSettings: { Enable: true } }) },
    ringTimeoutMs: 10,
    onError,
  } as unknown as CallSignallingOptions;
  const alice: HubConnection = {
    id: "c1",
    userId: ALICE,
    sessionId: "s1",
    active: true,
    sendEvent: () => {},
    close: () => {},
  };
  return { calls: new CallSignalling(options), alice };
}

describe("call signalling's background work (records of rings that time out, of sockets that close)", () => {
  it("reports a record that fails, rather than leaving an unhandled rejection (which ends a Node process)", async () => {
    const errors: unknown[] = [];
    const { calls, alice } = signalling(
      async () => {
        throw new Error("driver has already been destroyed");
      },
      (err) => errors.push(err),
    );
    await calls.handle(alice, { action: "notify", to_user_id: BOB });
    await new Promise((r) => setTimeout(r, 50)); // the ring times out; its record fails
    await calls.close();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /driver has already been destroyed/);
  });

  it("close() waits for a record being written, so that the database can go after it", async () => {
    let release!: () => void;
    let written = false;
    const { calls, alice } = signalling(
      () =>
        new Promise((resolve) => {
          release = () => {
            written = true;
            resolve({ id: "dm" });
          };
        }),
      () => {},
    );
    await calls.handle(alice, { action: "notify", to_user_id: BOB });
    await new Promise((r) => setTimeout(r, 50)); // the ring timed out: its record waits on `direct`
    const closed = calls.close();
    setTimeout(() => release(), 20);
    await closed;
    assert.equal(written, true, "the record finished before close() resolved");
  });
});
