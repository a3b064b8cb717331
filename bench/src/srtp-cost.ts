// `node bench/dist/srtp-cost.js`: what one relayed packet's SRTP costs (unprotect + protect of a
// 1,150-byte video packet), with the native addon and with the node:crypto fallback, per profile.
// A figure for docs/performance.md; not a test.
import { randomBytes } from "node:crypto";
import { createSrtpSession } from "@callgate/gateway/testing";

const PACKETS = 200_000;

function cost(implementation: "native" | "node:crypto", profile: 1 | 7): number {
  process.env.CALLGATE_SRTP = implementation === "native" ? "" : "node:crypto";
  const saltLength = profile === 7 ? 12 : 14;
  const a = { profile, masterKey: randomBytes(16), masterSalt: randomBytes(saltLength) } as const;
  const b = { profile, masterKey: randomBytes(16), masterSalt: randomBytes(saltLength) } as const;
  const sender = createSrtpSession({ local: a, remote: b });
  const relay = createSrtpSession({ local: b, remote: a });
  const plain = Buffer.alloc(12 + 1150);
  plain[0] = 0x80;
  plain[1] = 96;
  plain.writeUInt32BE(0x1234, 8);
  const wire: Buffer[] = [];
  for (let i = 0; i < PACKETS; i++) {
    plain.writeUInt16BE(i & 0xffff, 2);
    wire.push(sender.protect(plain, 0x1234, 96));
  }
  const start = process.hrtime.bigint();
  for (const packet of wire) {
    const opened = relay.unprotect(packet);
    if (!opened) throw new Error("unprotect failed");
    relay.protect(opened, 0x5678, 100, undefined, true); // in place, as the relay does
  }
  return Number(process.hrtime.bigint() - start) / 1000 / PACKETS;
}

for (const profile of [7, 1] as const) {
  const name = profile === 7 ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
  const native = cost("native", profile);
  const fallback = cost("node:crypto", profile);
  console.log(
    `${name}: unprotect + protect per relayed packet: native ${native.toFixed(2)} µs, node:crypto ${fallback.toFixed(2)} µs (${(fallback / native).toFixed(1)}x)`,
  );
}
