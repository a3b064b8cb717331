import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Inodes of the UDP sockets open in this network namespace (/proc/net/udp and udp6). */
function udpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue; // no IPv6 in this namespace
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/** How many UDP sockets a process holds, read from its file descriptors (what an admin would check with ss -p). */
export function udpSocketsOf(pid: number): number {
  const udp = udpInodes();
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = "";
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed while we looked
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && udp.has(inode)) count++;
  }
  return count;
}

/** Polls until `read()` satisfies `ok`, or fails with the last value read. */
export async function waitFor<T>(
  read: () => T,
  ok: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const start = Date.now();
  let value = read();
  while (!ok(value)) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    value = read();
  }
  return value;
}
