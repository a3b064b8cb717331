import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JanusError } from "@callgate/protocol";
import { pino } from "pino";
import { Authenticator } from "./auth/authenticator.js";
import { type CoreSettings, GatewayCore } from "./gateway-core.js";
import type { TransportConnection } from "./transport-connection.js";

const settings = (changes: Partial<CoreSettings> = {}): CoreSettings => ({
  serverName: "test",
  sessionTimeout: 60,
  reclaimSessionTimeout: 0,
  candidatesTimeout: 45,
  debugLevel: 4,
  noMediaTimer: 1,
  slowlinkThreshold: 0,
  minNackQueue: 200,
  fullTrickle: false,
  maxSessionsPerConnection: 3,
  maxSessions: 100,
  ...changes,
});

const newCore = (changes?: Partial<CoreSettings>) =>
  new GatewayCore(
    settings(changes),
    new Map(),
    new Authenticator({
      tokenAuth: false,
      adminSecret: "admin-secret-for-tests",
      apiSecret: undefined,
      tokenAuthSecret: undefined,
    }),
    pino({ level: "silent" }),
  );

/** A connection that records what the core told it. */
function connection(label: string): TransportConnection & { over: Array<[number, string]> } {
  const over: Array<[number, string]> = [];
  return {
    transport: "janus.transport.websockets",
    label,
    shared: false,
    over,
    deliver() {},
    sessionCreated() {},
    sessionOver: (id, reason) => over.push([id, reason]),
  };
}

const refusedForConnection = (error: unknown) =>
  error instanceof JanusError && /Too many sessions on this connection/.test(error.reason);

describe("sessions and the connections that own them", () => {
  it("a closed connection takes its own sessions and no other's", () => {
    const core = newCore();
    const a = connection("a");
    const b = connection("b");
    const mine = [core.createSession(a, undefined), core.createSession(a, undefined)];
    const theirs = core.createSession(b, undefined);
    core.transportGone(a);
    for (const s of mine) {
      assert.equal(core.sessions.has(s.id), false);
      assert.equal(s.destroyed, true);
    }
    assert.equal(core.sessions.get(theirs.id), theirs);
    assert.equal(theirs.state, "live");
    assert.deepEqual(
      a.over.map(([, reason]) => reason),
      ["destroyed", "destroyed"],
    );
  });

  it("counts a connection's sessions for its limit, and counts down as they go", () => {
    const core = newCore();
    const a = connection("a");
    const sessions = [1, 2, 3].map(() => core.createSession(a, undefined));
    assert.throws(() => core.createSession(a, undefined), refusedForConnection);
    core.destroySession(sessions[0]!, "destroyed");
    const again = core.createSession(a, undefined);
    assert.ok(core.sessions.has(again.id));
    // Another connection has a limit of its own.
    assert.ok(core.createSession(connection("b"), undefined));
  });

  it("an orphaned session waits for a claim, then counts for the connection that claimed it", () => {
    const core = newCore({ reclaimSessionTimeout: 30 });
    const first = connection("first");
    const second = connection("second");
    const kept = core.createSession(first, undefined);
    core.transportGone(first);
    assert.equal(kept.state, "orphaned");
    assert.equal(kept.transportGone, true);
    assert.ok(core.sessions.has(kept.id));
    core.createSession(second, undefined);
    core.createSession(second, undefined);
    core.claim(kept, second);
    assert.equal(kept.state, "live");
    assert.equal(kept.sink, second);
    // The claimed session is the second connection's third: its limit is reached.
    assert.throws(() => core.createSession(second, undefined), refusedForConnection);
    // ...and its close orphans the claimed session with its own.
    core.transportGone(second);
    assert.deepEqual(
      [...core.sessions.values()].map((s) => s.state),
      ["orphaned", "orphaned", "orphaned"],
    );
  });

  it("an orphaned session goes after reclaim_session_timeout, with a timeout", () => {
    const core = newCore({ reclaimSessionTimeout: 5 });
    const first = connection("first");
    const kept = core.createSession(first, undefined);
    // Activity is kept to a tenth of a second: the margins are wider than that.
    const now = Date.now();
    kept.touch(now);
    core.transportGone(first);
    core.expireSessions(now + 4_800);
    assert.ok(core.sessions.has(kept.id));
    core.expireSessions(now + 5_100);
    assert.equal(core.sessions.has(kept.id), false);
    assert.deepEqual(first.over, [[kept.id, "timeout"]]);
  });

  it("keeps activity to a tenth of a second and times idle sessions out by it", () => {
    const core = newCore({ sessionTimeout: 10 });
    const a = connection("a");
    const session = core.createSession(a, undefined);
    const now = Date.now();
    session.touch(now);
    assert.ok(Math.abs(session.lastActivity - now) <= 50, "rounded to the nearest tenth");
    core.expireSessions(now + 9_800);
    assert.ok(core.sessions.has(session.id));
    core.expireSessions(now + 10_100);
    assert.equal(core.sessions.has(session.id), false);
    assert.deepEqual(a.over, [[session.id, "timeout"]]);
  });
});
