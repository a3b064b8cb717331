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
    const payload = packet.subarray(offset);
    if (this.gcm) {
      const cipher = createCipheriv("aes-128-gcm", this.local.encryptionKey, iv, {
        authTagLength: GCM_TAG_LENGTH,
      });
      cipher.setAAD(out.subarray(0, offset));
      cipher.update(payload).copy(out, offset);
      cipher.final();
      cipher.getAuthTag().copy(out, packet.length);
    } else {
      createCipheriv("aes-128-ctr", this.local.encryptionKey, iv).update(payload).copy(out, offset);
      const tag = this.hmac(this.local.authKey, out.subarray(0, packet.length), roc);
      tag.copy(out, packet.length, 0, HMAC_TAG_LENGTH);
    }
    return out;
  }

  open(packet: Buffer, offset: number, end: number, roc: number): boolean {
    const iv = this.writeIv(this.remote.salt, rtpSsrc(packet), roc, rtpSequenceNumber(packet));
    try {
      if (this.gcm) {
        const decipher = createDecipheriv("aes-128-gcm", this.remote.encryptionKey, iv, {
          authTagLength: GCM_TAG_LENGTH,
        });
        decipher.setAAD(packet.subarray(0, offset));
        decipher.setAuthTag(packet.subarray(end));
        decipher.update(packet.subarray(offset, end)).copy(packet, offset);
        decipher.final(); // throws when the tag does not match
      } else {
        const expected = this.hmac(this.remote.authKey, packet.subarray(0, end), roc);
        if (!timingSafeEqual(expected.subarray(0, HMAC_TAG_LENGTH), packet.subarray(end))) return false;
        createDecipheriv("aes-128-ctr", this.remote.encryptionKey, iv)
          .update(packet.subarray(offset, end))
          .copy(packet, offset);
      }
    } catch {
      return false;
    }
    return true;
  }

  sealRtcp(packet: Buffer, index: number, out: Buffer): Buffer {
    const length = packet.length;
    const eIndex = Buffer.alloc(SRTCP_INDEX_BYTES);
    eIndex.writeUInt32BE((0x80000000 | index) >>> 0);
    packet.copy(out, 0, 0, SRTCP_CLEAR);
    // The SRTCP index takes the place of ROC || SEQ in the IV.
    const iv = this.writeIv(this.local.salt, packet.readUInt32BE(4), index >>> 16, index & 0xffff);
    const body = packet.subarray(SRTCP_CLEAR);
    if (this.gcm) {
      const cipher = createCipheriv("aes-128-gcm", this.local.encryptionKey, iv, {
        authTagLength: GCM_TAG_LENGTH,
      });
      cipher.setAAD(Buffer.concat([out.subarray(0, SRTCP_CLEAR), eIndex]));
      cipher.update(body).copy(out, SRTCP_CLEAR);
      cipher.final();
      cipher.getAuthTag().copy(out, length);
      eIndex.copy(out, length + GCM_TAG_LENGTH);
    } else {
      createCipheriv("aes-128-ctr", this.local.encryptionKey, iv).update(body).copy(out, SRTCP_CLEAR);
      eIndex.copy(out, length);
      const tag = createHmac("sha1", this.local.authKey)
        .update(out.subarray(0, length + SRTCP_INDEX_BYTES))
        .digest();
      tag.copy(out, length + SRTCP_INDEX_BYTES, 0, HMAC_TAG_LENGTH);
    }
    return out;
  }

  openRtcp(packet: Buffer): number {
    const end = packet.length - SRTCP_INDEX_BYTES - this.tagLength;
    if (end < SRTCP_CLEAR) return -1;
    const eIndex = this.gcm
      ? packet.subarray(packet.length - SRTCP_INDEX_BYTES)
      : packet.subarray(end, end + 4);
    if ((eIndex[0]! & 0x80) === 0) return -1; // unencrypted SRTCP is not what WebRTC sends
    const index = eIndex.readUInt32BE(0) & 0x7fffffff;
    const iv = this.writeIv(this.remote.salt, packet.readUInt32BE(4), index >>> 16, index & 0xffff);
    try {
      if (this.gcm) {
        const decipher = createDecipheriv("aes-128-gcm", this.remote.encryptionKey, iv, {
          authTagLength: GCM_TAG_LENGTH,
        });
        decipher.setAAD(Buffer.concat([packet.subarray(0, SRTCP_CLEAR), eIndex]));
        decipher.setAuthTag(packet.subarray(end, end + GCM_TAG_LENGTH));
        decipher.update(packet.subarray(SRTCP_CLEAR, end)).copy(packet, SRTCP_CLEAR);
        decipher.final(); // throws when the tag does not match
      } else {
        const expected = createHmac("sha1", this.remote.authKey)
          .update(packet.subarray(0, end + SRTCP_INDEX_BYTES))
          .digest();
        const tag = packet.subarray(end + SRTCP_INDEX_BYTES);
        if (!timingSafeEqual(expected.subarray(0, HMAC_TAG_LENGTH), tag)) return -1;
        createDecipheriv("aes-128-ctr", this.remote.encryptionKey, iv)
          .update(packet.subarray(SRTCP_CLEAR, end))
          .copy(packet, SRTCP_CLEAR);
      }
    } catch {
      return -1;
    }
    return end;
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

  private hmac(key: Buffer, authenticated: Buffer, roc: number): Buffer {
    this.rocBytes.writeUInt32BE(roc >>> 0, 0);
    return createHmac("sha1", key).update(authenticated).update(this.rocBytes).digest();
  }
}
