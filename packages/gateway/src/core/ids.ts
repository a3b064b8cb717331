import { randomFillSync } from "node:crypto";

const MASK = (1n << 53n) - 1n;

/**
 * Random 64-bit values from the CSPRNG, drawn 64 at a time: a `randomBytes(8)` per id cost
 * 15-17 µs in the gateway (a crypto job and a Buffer each), two of every create-attach cycle.
 */
const pool = new BigUint64Array(64);
let next = pool.length;

function random64(): bigint {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]!;
}

/** A random, non-zero id below 2^53 (Janus's janus_random_uint64), unique within `taken`. */
export function randomId(taken: { has(id: number): boolean }): number {
  for (;;) {
    const id = Number(random64() & MASK);
    if (id !== 0 && !taken.has(id)) return id;
  }
}
