// Our typed Janus client (@callgate/client, the one the web app uses) against the real gateway:
// the VideoCall API with the plugin's errors as typed errors, handle events, and a session that
// survives its WebSocket dropping by claiming itself on a new one.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { JanusSession, JanusWebSocketConnection, VideoCallError, VideoCallHandle } from "@callgate/client";
import { WebSocket } from "ws";
import { type RunningTarget, startCallgateMedia } from "./support/processes.js";

const SECRET = "client-test-admin-secret";
const TOKEN = "client-test-token";
const factory = (url: string, protocols: string[]) => new WebSocket(url, protocols) as never;

async function addToken(gateway: RunningTarget) {
  await fetch(gateway.admin, {
    method: "POST",
    body: JSON.stringify({ janus: "add_token", token: TOKEN, transaction: "t", admin_secret: SECRET }),
  });
}

describe("the typed Janus client against the gateway", () => {
  let keeping: RunningTarget;
  let forgetting: RunningTarget;
  const open = (gateway: RunningTarget) =>
    JanusWebSocketConnection.open(gateway.ws, factory, { token: TOKEN });

  before(async () => {
    keeping = await startCallgateMedia(SECRET, ["--reclaim-session-timeout", "10"]);
    forgetting = await startCallgateMedia(SECRET);
    await addToken(keeping);
    await addToken(forgetting);
  });
  after(async () => {
    await keeping?.stop();
    await forgetting?.stop();
  });

  it("registers with VideoCall, lists, and reports the plugin's errors with their codes", async () => {
    const a = await JanusSession.create(await open(keeping));
    const b = await JanusSession.create(await open(keeping));
    const alice = await VideoCallHandle.attach(a);
    await alice.register("alice");
    assert.deepEqual(await alice.list(), ["alice"]);
    const other = await VideoCallHandle.attach(b);
    await assert.rejects(
      other.register("alice"),
      (err: unknown) => err instanceof VideoCallError && err.code === 476,
    );
    await assert.rejects(
      alice.register("alice2"),
      (err: unknown) => err instanceof VideoCallError && err.code === 477,
    );
    await a.destroy();
    await b.destroy();
    a.connection.close();
    b.connection.close();
  });

  it("reclaims its session on a new connection when the WebSocket drops, handles and registration intact", async () => {
    const first = await open(keeping);
    const session = await JanusSession.create(first, 25000, { open: () => open(keeping) });
    const handle = await VideoCallHandle.attach(session);
    await handle.register("carol");
    const reconnected = new Promise<void>((resolve) => session.onReconnected(resolve));
    first.close();
    await reconnected;
    assert.notEqual(session.connection, first);
    assert.deepEqual(await handle.list(), ["carol"], "the same handle works over the new connection");
    await session.destroy();
    session.connection.close();
  });

  it("ends the session, saying why, when the gateway did not keep it", async () => {
    const first = await open(forgetting);
    const session = await JanusSession.create(first, 25000, { open: () => open(forgetting), attempts: 2 });
    await VideoCallHandle.attach(session);
    const ended = new Promise<string>((resolve) => session.onEnded(resolve));
    first.close();
    assert.match(await ended, /connection to the gateway lost .*No such session/);
  });
});
