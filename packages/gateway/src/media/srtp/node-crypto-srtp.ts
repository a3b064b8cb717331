import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { rewriteRtpSource, rtpSequenceNumber, rtpSsrc } from "../rtp/rtp-header.js";
import { type SrtpSessionKeys as DerivedKeys, deriveSrtpSessionKeys } from "./srtp-key-derivation.js";
import { SRTP_AEAD_AES_128_GCM, srtpTagLength } from "./srtp-profile.js";
import type { SrtpPacketCipher, SrtpSessionKeys } from "./srtp-session.js";

const HMAC_TAG_LENGTH = 10;
const GCM_TAG_LENGTH = 16;

/**
 * SRTP packet cryptography with node:crypto only: the fallback when the native addon is not
 * built. node:crypto cannot give a cipher object a new IV, so every packet makes new ones, which
 * is most of its cost (about 8 us a packet a direction on this machine).
 */
export class NodeCryptoSrtpCipher implements SrtpPacketCipher {
  readonly tagLength: number;
  private readonly gcm: boolean;
  private readonly local: DerivedKeys;
  private readonly remote: DerivedKeys;
  private readonly iv: Buffer;
  private readonly rocBytes = Buffer.alloc(4);

  constructor(keys: SrtpSessionKeys) {
    this.gcm = keys.local.profile === SRTP_AEAD_AES_128_GCM;
    this.tagLength = srtpTagLength(keys.local.profile);
    this.local = deriveSrtpSessionKeys(keys.local);
    this.remote = deriveSrtpSessionKeys(keys.remote);
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
