import { randomBytes } from "node:crypto";

const MASK = (1n << 53n) - 1n;

/** A random, non-zero id below 2^53 (Janus's janus_random_uint64), unique within `taken`. */
export function randomId(taken: { has(id: number): boolean }): number {
  for (;;) {
    const id = Number(randomBytes(8).readBigUInt64BE() & MASK);
    if (id !== 0 && !taken.has(id)) return id;
  }
}
