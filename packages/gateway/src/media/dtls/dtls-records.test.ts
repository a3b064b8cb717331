import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { packRecords } from "./dtls-records.js";

function record(type: number, bodyLength: number): Buffer {
  const r = Buffer.alloc(13 + bodyLength, type);
  r.writeUInt16BE(0xfefd, 1);
  r.writeUInt16BE(bodyLength, 11);
  return r;
}

describe("DTLS records into datagrams", () => {
  it("packs whole records into datagrams of at most the MTU, in order", () => {
    const records = [record(22, 100), record(22, 500), record(22, 600), record(20, 1), record(22, 40)];
    const datagrams = packRecords(Buffer.concat(records), 1200);
    assert.deepEqual(
      datagrams.map((d) => d.length),
      [113 + 513, 613 + 14 + 53],
    );
    assert.deepEqual(Buffer.concat(datagrams), Buffer.concat(records));
  });

  it("sends a record longer than the MTU alone", () => {
    const datagrams = packRecords(Buffer.concat([record(22, 10), record(22, 1500), record(22, 10)]), 1200);
    assert.deepEqual(
      datagrams.map((d) => d.length),
      [23, 1513, 23],
    );
  });

  it("keeps a truncated tail rather than dropping bytes", () => {
    const bytes = Buffer.concat([record(22, 10), Buffer.from([22, 0xfe, 0xfd])]);
    assert.deepEqual(Buffer.concat(packRecords(bytes, 1200)), bytes);
    assert.deepEqual(packRecords(Buffer.alloc(0), 1200), []);
  });
});
