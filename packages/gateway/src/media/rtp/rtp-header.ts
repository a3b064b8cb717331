/**
 * Reading an RTP header (RFC 3550 §5.1) in place, without making a packet object: the relay's hot
 * path touches a few fields of every packet and copies nothing it does not have to.
 */

export const RTP_FIXED_HEADER_LENGTH = 12;

/** Whether a datagram on a bundled socket is RTP (not RTCP, STUN or DTLS): RFC 7983 and RFC 5761. */
export function isRtp(datagram: Buffer): boolean {
  if (datagram.length < RTP_FIXED_HEADER_LENGTH) return false;
  const first = datagram[0]!;
  if (first < 128 || first > 191) return false;
  const payloadType = datagram[1]! & 0x7f;
  // RTCP packet types 192-223 land on payload types 64-95 once the marker bit is masked off.
  return payloadType < 64 || payloadType > 95;
}

/** Where the payload starts (after CSRCs and the extension), or -1 when the header does not fit. */
export function rtpPayloadOffset(packet: Buffer, length = packet.length): number {
  if (length < RTP_FIXED_HEADER_LENGTH) return -1;
  let offset = RTP_FIXED_HEADER_LENGTH + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (offset + 4 > length) return -1;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  return offset <= length ? offset : -1;
}

export function rtpPayloadType(packet: Buffer): number {
  return packet[1]! & 0x7f;
}

export function rtpSequenceNumber(packet: Buffer): number {
  return packet.readUInt16BE(2);
}

export function rtpTimestamp(packet: Buffer): number {
  return packet.readUInt32BE(4);
}

export function rtpSsrc(packet: Buffer): number {
  return packet.readUInt32BE(8);
}

/**
 * The SSRC as a signed 32-bit integer, for keys of per-stream maps: V8 keeps every int32 as a
 * small integer, where half of all SSRCs as unsigned (those above 2^31) are boxed numbers, 16
 * bytes of garbage per lookup. `key >>> 0` gives the SSRC back.
 */
export function rtpSsrcKey(packet: Buffer): number {
  return packet.readInt32BE(8);
}

/** Gives the packet another SSRC and payload type, keeping the marker bit: what a relay's sender does. */
export function rewriteRtpSource(packet: Buffer, ssrc: number, payloadType: number): void {
  packet[1] = (packet[1]! & 0x80) | (payloadType & 0x7f);
  packet.writeUInt32BE(ssrc >>> 0, 8);
}
