import { rtpPayloadOffset, rtpSequenceNumber, rtpSsrcKey } from "../rtp/rtp-header.js";
import { PacketIndexTracker } from "./packet-index.js";
import type { SrtpMasterKeys } from "./srtp-profile.js";

/**
 * SRTP and SRTCP for the relay's hot path: one per PeerConnection, holding the keys of both
 * directions and the per-SSRC packet indexes. RTCP itself (what reports say) is the WebRTC
 * engine's; its encryption is done here, as node:crypto made a cipher object for each packet.
 */
export interface SrtpSession {
  /**
   * Gives the plain RTP packet this SSRC and payload type (what our sender announced) and
   * encrypts it into a new buffer, the input left as it was; or, with `inPlace`, where it lies,
   * the tag written into the `tagLength` bytes behind it (which the caller must own). `inPlace`
   * may also be that memory as a buffer already (packet length + tag, from the packet's first
   * byte): the relay has one, the datagram the packet was decrypted in, and need not make another.
   * A caller that has already found the payload offset passes it, so that the header is not walked twice.
   */
  protect(
    packet: Buffer,
    ssrc: number,
    payloadType: number,
    payloadOffset?: number,
    inPlace?: boolean | Buffer,
  ): Buffer;
  /**
   * Authenticates and decrypts in place: the plain packet is a view of the input's first bytes
   * (no second buffer per received packet). Null when forged, corrupt, or a replay; a packet that
   * fails is no longer what arrived either.
   */
  unprotect(packet: Buffer): Buffer | null;
  /**
   * unprotect without making the view: the plain packet's length (it is the input's first bytes),
   * or -1. For a caller that has a view of that length already (the relay's receive slots).
   */
  unprotectedLength(packet: Buffer): number;
  /** Bytes protection appends to a packet. */
  readonly tagLength: number;
  /** Encrypts a plain compound RTCP packet into a new buffer: SRTCP with the next index. */
  protectRtcp(packet: Buffer): Buffer;
  /** Authenticates and decrypts SRTCP in place: a view of the plain compound packet, or null. */
  unprotectRtcp(packet: Buffer): Buffer | null;
}

export interface SrtpSessionKeys {
  /** What we send with. */
  local: SrtpMasterKeys;
  /** What the remote peer sends with. */
  remote: SrtpMasterKeys;
}

/**
 * The per-packet cryptography of a session, with the keys of both directions: what the native
 * addon and the node:crypto fallback each implement. Packet indexes are the session's business.
 */
export interface SrtpPacketCipher {
  /** Bytes the protection appends. */
  readonly tagLength: number;
  /**
   * Header (given this SSRC and payload type) + encrypted payload + tag, written into `out`
   * (packet length + tag; it may be the packet's own memory), which it returns.
   */
  seal(
    packet: Buffer,
    payloadOffset: number,
    ssrc: number,
    payloadType: number,
    roc: number,
    out: Buffer,
  ): Buffer;
  /** Decrypts the payload in place (`payloadEnd` is where the tag starts); false when the tag does not match. */
  open(packet: Buffer, payloadOffset: number, payloadEnd: number, roc: number): boolean;
  /** SRTCP (a cipher made with the SRTCP keys): header, encrypted rest, E flag + index, tag, into `out`. */
  sealRtcp(packet: Buffer, index: number, out: Buffer): Buffer;
  /** Checks and decrypts SRTCP in place: the plain packet's length, or -1. */
  openRtcp(packet: Buffer): number;
}

/** SRTCP's index is 31 bits (RFC 3711 §3.4); past it, keys would have to change. */
const SRTCP_INDEX_LIMIT = 0x80000000;
/** The E flag and index SRTCP appends. */
const SRTCP_INDEX_BYTES = 4;

/**
 * An SrtpSession over packet ciphers (one keyed for SRTP, one for SRTCP): rollover counters and
 * replay protection per SSRC, and SRTCP's own index.
 */
export class IndexedSrtpSession implements SrtpSession {
  private readonly sending = new Map<number, PacketIndexTracker>();
  private readonly receiving = new Map<number, PacketIndexTracker>();
  private readonly receivingRtcp = new Map<number, PacketIndexTracker>();
  private rtcpIndex = 0;

  constructor(
    private readonly cipher: SrtpPacketCipher,
    private readonly rtcpCipher: SrtpPacketCipher,
  ) {}

  get tagLength(): number {
    return this.cipher.tagLength;
  }

  protect(
    packet: Buffer,
    ssrc: number,
    payloadType: number,
    offset = rtpPayloadOffset(packet),
    inPlace: boolean | Buffer = false,
  ): Buffer {
    if (offset < 0) throw new RangeError("not an RTP packet");
    const length = packet.length + this.cipher.tagLength;
    // A new buffer comes from Node's pool (allocUnsafe below 4 KiB): cheaper than one made in C.
    const out =
      typeof inPlace === "object"
        ? inPlace
        : inPlace
          ? Buffer.from(packet.buffer, packet.byteOffset, length)
          : Buffer.allocUnsafe(length);
    if (
      out.length !== length ||
      (inPlace && (out.buffer !== packet.buffer || out.byteOffset !== packet.byteOffset))
    )
      throw new RangeError("protect: in place needs the packet's own memory, packet length + tag");
    const tracker = tracked(this.sending, ssrc | 0);
    const index = tracker.estimate(rtpSequenceNumber(packet));
    tracker.accept(index);
    return this.cipher.seal(packet, offset, ssrc, payloadType, Math.floor(Math.max(index, 0) / 65536), out);
  }

  unprotect(packet: Buffer): Buffer | null {
    const end = this.unprotectedLength(packet);
    return end < 0 ? null : packet.subarray(0, end);
  }

  unprotectedLength(packet: Buffer): number {
    const end = packet.length - this.cipher.tagLength;
    const offset = rtpPayloadOffset(packet, end);
    if (offset < 0) return -1;
    const tracker = tracked(this.receiving, rtpSsrcKey(packet));
    const index = tracker.estimate(rtpSequenceNumber(packet));
    if (tracker.isReplay(index)) return -1;
    if (!this.cipher.open(packet, offset, end, Math.floor(index / 65536))) return -1;
    tracker.accept(index);
    return end;
  }

  protectRtcp(packet: Buffer): Buffer {
    if (packet.length < 8) throw new RangeError("not an RTCP packet");
    const index = this.rtcpIndex;
    this.rtcpIndex = (index + 1) % SRTCP_INDEX_LIMIT;
    const out = Buffer.allocUnsafe(packet.length + SRTCP_INDEX_BYTES + this.rtcpCipher.tagLength);
    return this.rtcpCipher.sealRtcp(packet, index, out);
  }

  unprotectRtcp(packet: Buffer): Buffer | null {
    const tagLength = this.rtcpCipher.tagLength;
    if (packet.length < 8 + SRTCP_INDEX_BYTES + tagLength) return null;
    // AES-CM puts E + index before its tag, GCM after (RFC 3711 §3.4, RFC 7714 §9).
    const at =
      tagLength === 16 ? packet.length - SRTCP_INDEX_BYTES : packet.length - tagLength - SRTCP_INDEX_BYTES;
    const index = packet.readUInt32BE(at) & 0x7fffffff;
    const tracker = tracked(this.receivingRtcp, packet.readInt32BE(4));
    if (tracker.isReplay(index)) return null;
    const plain = this.rtcpCipher.openRtcp(packet);
    if (plain < 0) return null;
    tracker.accept(index);
    return packet.subarray(0, plain);
  }
}

/** A stream's tracker; `key`: its SSRC as an int32 (see rtpSsrcKey), never a boxed number. */
function tracked(map: Map<number, PacketIndexTracker>, key: number): PacketIndexTracker {
  let tracker = map.get(key);
  if (!tracker) {
    tracker = new PacketIndexTracker();
    map.set(key, tracker);
  }
  return tracker;
}
