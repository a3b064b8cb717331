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
 * zeros first (RFC 7714 §11 uses the same KDF).
 */
export function deriveSrtpSessionKeys(keys: SrtpMasterKeys, stream: SrtpStream = "rtp"): SrtpSessionKeys {
  const salt = Buffer.alloc(14);
  keys.masterSalt.copy(salt, 0, 0, Math.min(14, keys.masterSalt.length));
  const derive = (label: number, length: number): Buffer => {
    const iv = Buffer.alloc(16);
    salt.copy(iv);
    iv[7]! ^= label;
    const cipher = createCipheriv("aes-128-ctr", keys.masterKey, iv);
    return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
  };
  const gcm = keys.profile === SRTP_AEAD_AES_128_GCM;
  const [encryption, auth, saltLabel] = LABELS[stream];
  return {
    encryptionKey: derive(encryption, 16),
    salt: derive(saltLabel, gcm ? 12 : 14),
    authKey: gcm ? Buffer.alloc(0) : derive(auth, 20),
  };
}
