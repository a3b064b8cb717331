/** A DTLS record's header: type, version, epoch, sequence number, then the 2-byte length. */
const RECORD_HEADER = 13;

/**
 * Splits records written back to back (what OpenSSL leaves in a memory BIO) and packs them into
 * as few datagrams as fit in `mtu` bytes (RFC 6347 §4.1.1 allows several records a datagram): a
 * flight is then one or two sends, not one per handshake message. A record longer than `mtu`
 * goes alone; a truncated tail (never written by OpenSSL) is sent as it is rather than dropped.
 */
export function packRecords(bytes: Buffer, mtu: number): Buffer[] {
  const datagrams: Buffer[] = [];
  let start = 0;
  let at = 0;
  while (at < bytes.length) {
    const length =
      at + RECORD_HEADER <= bytes.length ? RECORD_HEADER + bytes.readUInt16BE(at + 11) : bytes.length - at;
    const end = Math.min(at + length, bytes.length);
    if (end - start > mtu && at > start) {
      datagrams.push(bytes.subarray(start, at));
      start = at;
    }
    at = end;
  }
  if (at > start) datagrams.push(bytes.subarray(start, at));
  return datagrams;
}
