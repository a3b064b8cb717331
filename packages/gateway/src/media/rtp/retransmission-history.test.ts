import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RetransmissionHistory, retransmissionWindowMs } from "./retransmission-history.js";

const packet = (n: number) => Buffer.from(`packet-${n}`);

describe("retransmission history", () => {
  it("sizes its window as Janus does: RTT + 100 ms, at least min_nack_queue, at most a second", () => {
    assert.equal(retransmissionWindowMs(200, undefined), 200, "no RTT yet: the minimum");
    assert.equal(retransmissionWindowMs(200, 20), 200);
    assert.equal(retransmissionWindowMs(200, 350), 450);
    assert.equal(retransmissionWindowMs(200, 5000), 1000, "capped at a second");
    assert.equal(retransmissionWindowMs(0, 0), 100);
    assert.equal(retransmissionWindowMs(1500, 0), 1500, "a minimum above a second is kept");
  });

  it("answers for packets inside the window and lets go of older ones", () => {
    const h = new RetransmissionHistory();
    // 100 packets/s for a second, a window of 200 ms.
    for (let i = 0; i < 100; i++) h.add(1000 + i, packet(i), i * 10, 200);
    assert.equal(h.get(1099, 990)?.toString(), "packet-99");
    assert.equal(h.get(1080, 990)?.toString(), "packet-80", "190 ms old");
    assert.equal(h.get(1070, 990), undefined, "290 ms old: let go");
    assert.ok(h.size <= 21, `${h.size} packets held for a 200 ms window`);
  });

  it("ages packets out even when nothing more is sent", () => {
    const h = new RetransmissionHistory();
    h.add(7, packet(7), 0, 200);
    assert.equal(h.get(7, 150)?.toString(), "packet-7");
    assert.equal(h.get(7, 250), undefined, "the sender stopped; the packet is past the window all the same");
  });

  it("keeps a copy: the buffer the packet was sent from may be reused at once", () => {
    const h = new RetransmissionHistory();
    const sent = packet(5);
    h.add(5, sent, 0, 1000);
    sent.fill(0);
    assert.equal(h.get(5, 1)?.toString(), "packet-5");
  });

  it("grows to what the window holds, then reuses its memory", () => {
    const h = new RetransmissionHistory();
    // 1 Mbit/s of 1,200-byte video is about 100 packets a second: 200 ms is about 20 packets.
    for (let i = 0; i < 500; i++) h.add(i, Buffer.alloc(1200, i % 256), i * 10, 200);
    assert.ok(h.size <= 21, `${h.size} packets held`);
    assert.equal(h.get(499, 4990)?.[0], 499 % 256);
    assert.equal(h.get(480, 4990)?.length, 1200);
    // A longer window (a slow link's RTT) holds more.
    for (let i = 500; i < 700; i++) h.add(i, Buffer.alloc(1200, 1), i * 10, 1000);
    assert.ok(h.size >= 100, `${h.size} packets held for a second`);
    assert.ok(h.get(600, 6990), "a packet 900 ms old is still there");
  });

  it("keeps going across the 16-bit sequence wrap and past gaps", () => {
    const h = new RetransmissionHistory();
    const sequences = [65533, 65534, 65535, 0, 1, 40, 41];
    for (const [i, s] of sequences.entries()) h.add(s, packet(s), i * 10, 1000);
    for (const s of sequences) assert.equal(h.get(s, 100)?.toString(), `packet-${s}`);
    h.add(42, packet(42), 5000, 1000);
    assert.equal(h.size, 1, "everything else fell out of the window");
  });
});
