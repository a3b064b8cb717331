import { createCipheriv } from "node:crypto";
import { SRTP_AEAD_AES_128_GCM, type SrtpMasterKeys } from "./srtp-profile.js";

/** The session keys of one direction, for SRTP or for SRTCP. */
export interface SrtpSessionKeys {
  encryptionKey: Buffer;
  /** 14 bytes for AES-CM, 12 for GCM. */
  salt: Buffer;
  /** HMAC-SHA1 key (AES-CM profiles only). */
  authKey: Buffer;
}

/** RFC 3711 §4.3.1: SRTP's labels 0-2, SRTCP's 3-5 (encryption, authentication, salt). */
const LABELS = { rtp: [0, 1, 2], rtcp: [3, 4, 5] } as const;

export type SrtpStream = keyof typeof LABELS;

/**
 * RFC 3711 §4.3 with a key derivation rate of 0: AES-CM keystream under the master key, from
 * IV = (master salt XOR label << 48) || 0x0000. GCM's 12-byte master salt is padded to 14 with
 * zeros first (RFC 7714 §11 uses the same KDF). The keystream blocks of every key are encrypted
 * in one pass of one cipher object (AES-ECB over the counter blocks is AES-CM's keystream): a
 * cipher object is most of the cost, and a PeerConnection derives four sets as DTLS comes up.
 */
export function deriveSrtpSessionKeys(keys: SrtpMasterKeys, stream: SrtpStream = "rtp"): SrtpSessionKeys {
  const gcm = keys.profile === SRTP_AEAD_AES_128_GCM;
  const [encryption, auth, saltLabel] = LABELS[stream];
  const counterBlock = (label: number, counter: number): Buffer => {
    const block = Buffer.alloc(16);
    keys.masterSalt.copy(block, 0, 0, Math.min(14, keys.masterSalt.length));
    block[7]! ^= label;
    block.writeUInt16BE(counter, 14);
    return block;
  };
  // Encryption key and salt: a block each; the 20-byte HMAC key (AES-CM only): two.
  const blocks = [counterBlock(encryption, 0), counterBlock(saltLabel, 0)];
  if (!gcm) blocks.push(counterBlock(auth, 0), counterBlock(auth, 1));
  const cipher = createCipheriv("aes-128-ecb", keys.masterKey, null).setAutoPadding(false);
  const keystream = Buffer.concat([cipher.update(Buffer.concat(blocks)), cipher.final()]);
  return {
    encryptionKey: keystream.subarray(0, 16),
    salt: keystream.subarray(16, gcm ? 28 : 30),
    authKey: gcm ? Buffer.alloc(0) : keystream.subarray(32, 52),
  };
}
