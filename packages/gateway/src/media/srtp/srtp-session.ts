import { rtpPayloadOffset, rtpSequenceNumber, rtpSsrc } from "../rtp/rtp-header.js";
import { PacketIndexTracker } from "./packet-index.js";
import type { SrtpMasterKeys } from "./srtp-profile.js";

/**
 * SRTP for the relay's hot path: one per PeerConnection, holding the keys of both directions and
 * the per-SSRC packet indexes. RTCP stays with the WebRTC engine (a few packets a second).
 */
export interface SrtpSession {
  /**
   * Gives the plain RTP packet this SSRC and payload type (what our sender announced) and
   * encrypts it into a new buffer, the input left as it was; or, with `inPlace`, where it lies,
   * the tag written into the `tagLength` bytes behind it (which the caller must own). A caller
   * that has already found the payload offset passes it, so that the header is not walked twice.
   */
  protect(
    packet: Buffer,
    ssrc: number,
    payloadType: number,
    payloadOffset?: number,
    inPlace?: boolean,
  ): Buffer;
  /**
   * Authenticates and decrypts in place: the plain packet is a view of the input's first bytes
   * (no second buffer per received packet). Null when forged, corrupt, or a replay; a packet that
   * fails is no longer what arrived either.
   */
  unprotect(packet: Buffer): Buffer | null;
  /** Bytes protection appends to a packet. */
  readonly tagLength: number;
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
}

/** An SrtpSession over a packet cipher: rollover counters and replay protection per SSRC. */
export class IndexedSrtpSession implements SrtpSession {
  private readonly sending = new Map<number, PacketIndexTracker>();
  private readonly receiving = new Map<number, PacketIndexTracker>();

  constructor(private readonly cipher: SrtpPacketCipher) {}

  get tagLength(): number {
    return this.cipher.tagLength;
  }

  protect(
    packet: Buffer,
    ssrc: number,
    payloadType: number,
    offset = rtpPayloadOffset(packet),
    inPlace = false,
  ): Buffer {
    if (offset < 0) throw new RangeError("not an RTP packet");
    const tracker = tracked(this.sending, ssrc);
    const index = tracker.estimate(rtpSequenceNumber(packet));
    tracker.accept(index);
    const length = packet.length + this.cipher.tagLength;
    // A new buffer comes from Node's pool (allocUnsafe below 4 KiB): cheaper than one made in C.
    const out = inPlace ? Buffer.from(packet.buffer, packet.byteOffset, length) : Buffer.allocUnsafe(length);
    return this.cipher.seal(packet, offset, ssrc, payloadType, Math.floor(Math.max(index, 0) / 65536), out);
  }

  unprotect(packet: Buffer): Buffer | null {
    const end = packet.length - this.cipher.tagLength;
    const offset = rtpPayloadOffset(packet, end);
    if (offset < 0) return null;
    const tracker = tracked(this.receiving, rtpSsrc(packet));
    const index = tracker.estimate(rtpSequenceNumber(packet));
    if (tracker.isReplay(index)) return null;
    if (!this.cipher.open(packet, offset, end, Math.floor(index / 65536))) return null;
    tracker.accept(index);
    return packet.subarray(0, end);
  }
}

function tracked(map: Map<number, PacketIndexTracker>, ssrc: number): PacketIndexTracker {
  let tracker = map.get(ssrc);
  if (!tracker) {
    tracker = new PacketIndexTracker();
    map.set(ssrc, tracker);
  }
  return tracker;
}
