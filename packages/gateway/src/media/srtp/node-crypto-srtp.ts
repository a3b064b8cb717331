import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { rewriteRtpSource, rtpSequenceNumber, rtpSsrc } from "../rtp/rtp-header.js";
import {
  type SrtpSessionKeys as DerivedKeys,
  deriveSrtpSessionKeys,
  type SrtpStream,
} from "./srtp-key-derivation.js";
import { SRTP_AEAD_AES_128_GCM, srtpTagLength } from "./srtp-profile.js";
import type { SrtpPacketCipher, SrtpSessionKeys } from "./srtp-session.js";

const HMAC_TAG_LENGTH = 10;
const GCM_TAG_LENGTH = 16;

/** SRTCP's clear header (RTCP header and sender SSRC), and its E flag + index. */
const SRTCP_CLEAR = 8;
const SRTCP_INDEX_BYTES = 4;
const EMPTY = Buffer.alloc(0);

/**
 * SRTP (or, made with stream "rtcp", SRTCP) packet cryptography with node:crypto only: the
 * fallback when the native addon is not built. node:crypto cannot give a cipher object a new IV,
 * so every packet makes new ones, which is most of its cost (about 8 us a packet a direction on
 * this machine).
 */
export class NodeCryptoSrtpCipher implements SrtpPacketCipher {
  readonly tagLength: number;
  private readonly gcm: boolean;
  private readonly local: DerivedKeys;
  private readonly remote: DerivedKeys;
  private readonly iv: Buffer;
  private readonly rocBytes = Buffer.alloc(4);

  constructor(keys: SrtpSessionKeys, stream: SrtpStream = "rtp") {
    this.gcm = keys.local.profile === SRTP_AEAD_AES_128_GCM;
    this.tagLength = srtpTagLength(keys.local.profile);
    this.local = deriveSrtpSessionKeys(keys.local, stream);
    this.remote = deriveSrtpSessionKeys(keys.remote, stream);
    this.iv = Buffer.alloc(this.gcm ? 12 : 16);
  }

  seal(packet: Buffer, offset: number, ssrc: number, payloadType: number, roc: number, out: Buffer): Buffer {
    // The sequence number is read before `out`, which may be the packet's own memory, is written.
    const sequence = rtpSequenceNumber(packet);
    packet.copy(out, 0, 0, offset);
    rewriteRtpSource(out, ssrc, payloadType);
    const iv = this.writeIv(this.local.salt, ssrc, roc, sequence);
    this.sealBody(iv, out.subarray(0, offset), packet.subarray(offset), out, offset, packet.length);
    if (!this.gcm) {
      const tag = this.hmac(this.local.authKey, out.subarray(0, packet.length), this.rocBytesOf(roc));
      tag.copy(out, packet.length, 0, HMAC_TAG_LENGTH);
    }
    return out;
  }

  open(packet: Buffer, offset: number, end: number, roc: number): boolean {
    if (!this.gcm) {
      const expected = this.hmac(this.remote.authKey, packet.subarray(0, end), this.rocBytesOf(roc));
      if (!timingSafeEqual(expected.subarray(0, HMAC_TAG_LENGTH), packet.subarray(end))) return false;
    }
    const iv = this.writeIv(this.remote.salt, rtpSsrc(packet), roc, rtpSequenceNumber(packet));
    return this.openBody(iv, packet.subarray(0, offset), packet, offset, end, packet.subarray(end));
  }

  sealRtcp(packet: Buffer, index: number, out: Buffer): Buffer {
    const length = packet.length;
    const eIndex = Buffer.alloc(SRTCP_INDEX_BYTES);
    eIndex.writeUInt32BE((0x80000000 | index) >>> 0);
    packet.copy(out, 0, 0, SRTCP_CLEAR);
    // The SRTCP index takes the place of ROC || SEQ in the IV.
    const iv = this.writeIv(this.local.salt, packet.readUInt32BE(4), index >>> 16, index & 0xffff);
    const aad = this.gcm ? Buffer.concat([out.subarray(0, SRTCP_CLEAR), eIndex]) : EMPTY;
    this.sealBody(iv, aad, packet.subarray(SRTCP_CLEAR), out, SRTCP_CLEAR, length);
    if (this.gcm) {
      eIndex.copy(out, length + GCM_TAG_LENGTH);
    } else {
      eIndex.copy(out, length);
      const tag = this.hmac(this.local.authKey, out.subarray(0, length + SRTCP_INDEX_BYTES));
      tag.copy(out, length + SRTCP_INDEX_BYTES, 0, HMAC_TAG_LENGTH);
    }
    return out;
  }

  openRtcp(packet: Buffer): number {
    const end = packet.length - SRTCP_INDEX_BYTES - this.tagLength;
    if (end < SRTCP_CLEAR) return -1;
    const eIndex = this.gcm
      ? packet.subarray(packet.length - SRTCP_INDEX_BYTES)
      : packet.subarray(end, end + SRTCP_INDEX_BYTES);
    if ((eIndex[0]! & 0x80) === 0) return -1; // unencrypted SRTCP is not what WebRTC sends
    if (!this.gcm) {
      const expected = this.hmac(this.remote.authKey, packet.subarray(0, end + SRTCP_INDEX_BYTES));
      const tag = packet.subarray(end + SRTCP_INDEX_BYTES);
      if (!timingSafeEqual(expected.subarray(0, HMAC_TAG_LENGTH), tag)) return -1;
    }
    const index = eIndex.readUInt32BE(0) & 0x7fffffff;
    const iv = this.writeIv(this.remote.salt, packet.readUInt32BE(4), index >>> 16, index & 0xffff);
    const aad = this.gcm ? Buffer.concat([packet.subarray(0, SRTCP_CLEAR), eIndex]) : EMPTY;
    const tag = packet.subarray(end, end + GCM_TAG_LENGTH);
    return this.openBody(iv, aad, packet, SRTCP_CLEAR, end, tag) ? end : -1;
  }

  /**
   * The cipher pass of SRTP and SRTCP alike: `body` encrypted into `out` from `at`; for GCM
   * after `aad`, its tag written at `tagAt`.
   */
  private sealBody(iv: Buffer, aad: Buffer, body: Buffer, out: Buffer, at: number, tagAt: number): void {
    if (!this.gcm) {
      createCipheriv("aes-128-ctr", this.local.encryptionKey, iv).update(body).copy(out, at);
      return;
    }
    const cipher = createCipheriv("aes-128-gcm", this.local.encryptionKey, iv, {
      authTagLength: GCM_TAG_LENGTH,
    });
    cipher.setAAD(aad);
    cipher.update(body).copy(out, at);
    cipher.final();
    cipher.getAuthTag().copy(out, tagAt);
  }

  /** Its reverse, in place (the body is `packet` from `at` to `end`); for GCM, false when `tag` does not match. */
  private openBody(iv: Buffer, aad: Buffer, packet: Buffer, at: number, end: number, tag: Buffer): boolean {
    try {
      if (!this.gcm) {
        createDecipheriv("aes-128-ctr", this.remote.encryptionKey, iv)
          .update(packet.subarray(at, end))
          .copy(packet, at);
        return true;
      }
      const decipher = createDecipheriv("aes-128-gcm", this.remote.encryptionKey, iv, {
        authTagLength: GCM_TAG_LENGTH,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      decipher.update(packet.subarray(at, end)).copy(packet, at);
      decipher.final(); // throws when the tag does not match
      return true;
    } catch {
      return false;
    }
  }

  /** RFC 3711 §4.1.1 (AES-CM) or RFC 7714 §8.1 (GCM): salt XOR (SSRC, ROC, SEQ), in place. */
  private writeIv(salt: Buffer, ssrc: number, roc: number, sequence: number): Buffer {
    const iv = this.iv;
    iv.fill(0);
    const at = this.gcm ? 2 : 4;
    iv.writeUInt32BE(ssrc >>> 0, at);
    iv.writeUInt32BE(roc >>> 0, at + 4);
    iv.writeUInt16BE(sequence, at + 8);
    for (let i = 0; i < salt.length; i++) iv[i]! ^= salt[i]!;
    return iv;
  }

  private rocBytesOf(roc: number): Buffer {
    this.rocBytes.writeUInt32BE(roc >>> 0, 0);
    return this.rocBytes;
  }

  /** HMAC-SHA1 over what is authenticated, then the trailer (SRTP's ROC; SRTCP has none). */
  private hmac(key: Buffer, authenticated: Buffer, trailer: Buffer = EMPTY): Buffer {
    return createHmac("sha1", key).update(authenticated).update(trailer).digest();
  }
}
