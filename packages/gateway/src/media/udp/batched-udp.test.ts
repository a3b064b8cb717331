import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { after, describe, it } from "node:test";
import { arrivalTimeMs, BatchedUdpReader, realtimeMs, stampArrivalTimes } from "./batched-udp.js";

async function bound(): Promise<Socket> {
  const socket = createSocket("udp4");
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return socket;
}

const until = async (done: () => boolean, what: string) => {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 2000) assert.fail(`not within 2 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("batched UDP reader (native addon)", () => {
  const sockets: Socket[] = [];
  after(() => {
    for (const s of sockets) s.close();
  });

  it("takes over receiving on an open socket: every datagram, with its sender, none through dgram", async () => {
    const [socket, peer] = [await bound(), await bound()];
    sockets.push(socket, peer);
    let throughDgram = 0;
    socket.on("message", () => throughDgram++);
    const got: Array<{ text: string; capacity: number; from: [string, number] }> = [];
    const reader = BatchedUdpReader.open(socket, (datagram, capacity, slot) => {
      got.push({ text: datagram.toString(), capacity, from: reader?.from(slot) ?? ["", 0] });
    });
    assert.ok(reader, "the addon (packages/gateway/native/build/Release/callgate_udp.node) did not load");
    // More than one batch's worth at once: recvmmsg takes them 32 at a time.
    for (let i = 0; i < 100; i++) peer.send(`datagram ${i}`, socket.address().port, "127.0.0.1");
    await until(() => got.length === 100, `100 datagrams (got ${got.length})`);
    assert.deepEqual(
      got.map((g) => g.text),
      Array.from({ length: 100 }, (_, i) => `datagram ${i}`),
    );
    assert.deepEqual(got[0]?.from, ["127.0.0.1", peer.address().port]);
    assert.ok((got[0]?.capacity ?? 0) >= 1500, "room to grow a packet where it lies");
    assert.equal(throughDgram, 0);
    reader.close();
  });

  it("stamps each datagram with the kernel's arrival time when asked, on the realtime clock", async () => {
    const [stamped, plain, peer] = [await bound(), await bound(), await bound()];
    sockets.push(stamped, plain, peer);
    const arrivals: number[] = [];
    const unstamped: number[] = [];
    stampArrivalTimes(true);
    const reader = BatchedUdpReader.open(stamped, () => arrivals.push(arrivalTimeMs()));
    stampArrivalTimes(false);
    const other = BatchedUdpReader.open(plain, () => unstamped.push(arrivalTimeMs()));
    assert.ok(reader && other);
    const before = realtimeMs();
    // The sender's event loop is then held for 30 ms, so the readers see the datagrams late:
    // the arrival times are still when they came, not when they were read.
    peer.send("one", stamped.address().port, "127.0.0.1");
    peer.send("two", plain.address().port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 5));
    const busyUntil = Date.now() + 30;
    while (Date.now() < busyUntil) {}
    const read = realtimeMs();
    await until(() => arrivals.length === 1 && unstamped.length === 1, "both datagrams");
    const at = arrivals[0] ?? 0;
    assert.ok(
      at >= before - 1 && at < read - 20,
      `arrived at ${at - before} ms, read after ${read - before} ms`,
    );
    assert.deepEqual(unstamped, [0], "a reader that did not ask gets no time");
    assert.equal(arrivalTimeMs(), 0, "no datagram is being handled");
    assert.ok(Math.abs(realtimeMs() - Date.now()) < 50, "the realtime clock");
    reader.close();
    other.close();
  });

  it("sends with sendto on the same socket, so the peer sees the socket's own address", async () => {
    const [socket, peer] = [await bound(), await bound()];
    sockets.push(socket, peer);
    const reader = BatchedUdpReader.open(socket, () => {});
    assert.ok(reader);
    const received = once(peer, "message");
    assert.equal(reader.send(Buffer.from("hello"), "127.0.0.1", peer.address().port), true);
    const [message, from] = (await received) as [Buffer, { port: number }];
    assert.equal(message.toString(), "hello");
    assert.equal(from.port, socket.address().port);
    // A new address (the nominated pair changed) is taken at once, and the old one again after.
    const other = await bound();
    sockets.push(other);
    const toOther = once(other, "message");
    reader.send(Buffer.from("to other"), "127.0.0.1", other.address().port);
    assert.equal(((await toOther) as [Buffer])[0].toString(), "to other");
    const back = once(peer, "message");
    reader.send(Buffer.from("back"), "127.0.0.1", peer.address().port);
    assert.equal(((await back) as [Buffer])[0].toString(), "back");
    reader.close();
    assert.equal(reader.send(Buffer.from("late"), "127.0.0.1", peer.address().port), false, "closed");
  });

  it("gives receiving back to dgram when closed, and the socket's close is not held up", async () => {
    const [socket, peer] = [await bound(), await bound()];
    sockets.push(peer);
    let batched = 0;
    const reader = BatchedUdpReader.open(socket, () => batched++);
    assert.ok(reader);
    reader.close();
    const message = once(socket, "message");
    peer.send("after", socket.address().port, "127.0.0.1");
    assert.equal(((await message) as [Buffer])[0].toString(), "after");
    assert.equal(batched, 0);
    const port = socket.address().port;
    socket.close();
    await once(socket, "close");
    // The reader's duplicate descriptor is closed too: the port is free again.
    const again = createSocket("udp4");
    again.bind(port, "127.0.0.1");
    await once(again, "listening");
    again.close();
  });

  it("goes on after a handler throws, and the datagram after it still arrives", async () => {
    const [socket, peer] = [await bound(), await bound()];
    sockets.push(socket, peer);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    const got: string[] = [];
    const reader = BatchedUdpReader.open(socket, (datagram) => {
      if (datagram.toString() === "bad") throw new Error("handler failed");
      got.push(datagram.toString());
    });
    assert.ok(reader);
    peer.send("bad", socket.address().port, "127.0.0.1");
    peer.send("good", socket.address().port, "127.0.0.1");
    await until(() => got.length === 1 && warnings.length === 1, "the good datagram and a warning");
    process.off("warning", onWarning);
    assert.deepEqual(warnings, ["handler failed"]);
    reader.close();
  });
});
