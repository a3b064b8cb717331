import type { RtcpPacket } from "werift";

/** RTCP packet types (RFC 3550 §6.4-6.5) the relay sends every second on each stream. */
const SR = 200;
const RR = 201;
const SDES = 202;

const HEADER_BYTES = 4;
const SENDER_INFO_BYTES = 20;
const REPORT_BYTES = 24;

/** The fields of werift's RtcpReceiverInfo we write. */
interface ReceptionReport {
  ssrc: number;
  fractionLost: number;
  packetsLost: number;
  highestSequence: number;
  jitter: number;
  lsr: number;
  dlsr: number;
}

interface SenderReport {
  type: typeof SR;
  ssrc: number;
  senderInfo: { ntpTimestamp: bigint; rtpTimestamp: number; packetCount: number; octetCount: number };
  reports: ReceptionReport[];
}

interface ReceiverReport {
  type: typeof RR;
  ssrc: number;
  reports: ReceptionReport[];
}

interface SourceDescription {
  type: typeof SDES;
  chunks: Array<{ source: number; items: Array<{ type: number; text: string }> }>;
}

type Known = SenderReport | ReceiverReport | SourceDescription;

function known(packet: RtcpPacket): Known | undefined {
  const type = (packet as { type?: number }).type;
  return type === SR || type === RR || type === SDES ? (packet as unknown as Known) : undefined;
}

/** Bytes of one SDES chunk: SSRC, items, at least one null octet ending the list, padded to 32 bits. */
function chunkBytes(chunk: SourceDescription["chunks"][number]): number {
  let bytes = 4;
  for (const item of chunk.items) bytes += 2 + Buffer.byteLength(item.text);
  return (bytes + 1 + 3) & ~3;
}

function packetBytes(packet: Known): number {
  switch (packet.type) {
    case SR:
      return HEADER_BYTES + 4 + SENDER_INFO_BYTES + packet.reports.length * REPORT_BYTES;
    case RR:
      return HEADER_BYTES + 4 + packet.reports.length * REPORT_BYTES;
    case SDES: {
      let bytes = HEADER_BYTES;
      for (const chunk of packet.chunks) bytes += chunkBytes(chunk);
      return bytes;
    }
  }
}

function writeHeader(out: Buffer, at: number, count: number, type: number, bytes: number): void {
  out[at] = 0x80 | (count & 0x1f); // version 2, no padding
  out[at + 1] = type;
  out.writeUInt16BE(bytes / 4 - 1, at + 2);
}

function writeReport(out: Buffer, at: number, report: ReceptionReport): void {
  out.writeUInt32BE(report.ssrc >>> 0, at);
  out[at + 4] = report.fractionLost & 0xff;
  // Cumulative loss is a signed 24-bit count (duplicates can make it negative).
  out.writeIntBE(Math.max(-0x800000, Math.min(0x7fffff, report.packetsLost)), at + 5, 3);
  out.writeUInt32BE(report.highestSequence >>> 0, at + 8);
  out.writeUInt32BE(report.jitter >>> 0, at + 12);
  out.writeUInt32BE(report.lsr >>> 0, at + 16);
  out.writeUInt32BE(report.dlsr >>> 0, at + 20);
}

function writeReports(out: Buffer, at: number, reports: readonly ReceptionReport[]): void {
  for (const [i, report] of reports.entries()) writeReport(out, at + i * REPORT_BYTES, report);
}

function writePacket(out: Buffer, at: number, packet: Known, bytes: number): void {
  switch (packet.type) {
    case SR: {
      writeHeader(out, at, packet.reports.length, SR, bytes);
      out.writeUInt32BE(packet.ssrc >>> 0, at + 4);
      const info = packet.senderInfo;
      out.writeUInt32BE(Number(info.ntpTimestamp >> 32n) >>> 0, at + 8);
      out.writeUInt32BE(Number(info.ntpTimestamp & 0xffffffffn), at + 12);
      out.writeUInt32BE(info.rtpTimestamp >>> 0, at + 16);
      out.writeUInt32BE(info.packetCount >>> 0, at + 20);
      out.writeUInt32BE(info.octetCount >>> 0, at + 24);
      writeReports(out, at + 28, packet.reports);
      return;
    }
    case RR: {
      writeHeader(out, at, packet.reports.length, RR, bytes);
      out.writeUInt32BE(packet.ssrc >>> 0, at + 4);
      writeReports(out, at + 8, packet.reports);
      return;
    }
    case SDES: {
      writeHeader(out, at, packet.chunks.length, SDES, bytes);
      let pos = at + HEADER_BYTES;
      for (const chunk of packet.chunks) {
        const end = pos + chunkBytes(chunk);
        out.writeUInt32BE(chunk.source >>> 0, pos);
        pos += 4;
        for (const item of chunk.items) {
          out[pos] = item.type;
          const length = out.write(item.text, pos + 2);
          out[pos + 1] = length;
          pos += 2 + length;
        }
        out.fill(0, pos, end); // the null octet(s) ending the items, and the padding
        pos = end;
      }
      return;
    }
  }
}

/**
 * A compound RTCP packet in one buffer. werift's serializers made each field's buffer, each
 * packet's and the compound's with Buffer.concat, about 4 KB of garbage for a sender report with
 * its source description: the largest part of the relay's garbage after its RTP (an allocation
 * profile at 10 calls), sent for each stream every second. Sender and receiver reports and source
 * descriptions are written here, other packets (feedback) by werift. One difference from werift:
 * an SDES chunk always ends with a null octet (RFC 3550 §6.5), which werift left out when the
 * items ended on a 32-bit boundary.
 */
export function serializeRtcp(packets: readonly RtcpPacket[]): Buffer {
  let total = 0;
  const sizes: number[] = [];
  const others: Array<Buffer | undefined> = [];
  for (const packet of packets) {
    const k = known(packet);
    const other = k ? undefined : packet.serialize();
    const bytes = k ? packetBytes(k) : (other as Buffer).length;
    sizes.push(bytes);
    others.push(other);
    total += bytes;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  packets.forEach((packet, i) => {
    const other = others[i];
    if (other) other.copy(out, at);
    else writePacket(out, at, known(packet) as Known, sizes[i] as number);
    at += sizes[i] as number;
  });
  return out;
}
