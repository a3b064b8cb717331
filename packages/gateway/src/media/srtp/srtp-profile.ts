/** The SRTP protection profiles Callgate negotiates in DTLS (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export const SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
export const SRTP_AEAD_AES_128_GCM = 0x0007;

export type SrtpProfile = typeof SRTP_AES128_CM_HMAC_SHA1_80 | typeof SRTP_AEAD_AES_128_GCM;

export function isSupportedSrtpProfile(profile: number): profile is SrtpProfile {
  return profile === SRTP_AES128_CM_HMAC_SHA1_80 || profile === SRTP_AEAD_AES_128_GCM;
}

export const SRTP_MASTER_KEY_LENGTH = 16;

export function srtpMasterSaltLength(profile: SrtpProfile): number {
  return profile === SRTP_AEAD_AES_128_GCM ? 12 : 14;
}

/** Bytes the protection adds after the payload: the HMAC-SHA1-80 tag, or the GCM tag. */
export function srtpTagLength(profile: SrtpProfile): number {
  return profile === SRTP_AEAD_AES_128_GCM ? 16 : 10;
}

/** One direction's keys, as the DTLS exporter gives them (RFC 5764 §4.2). */
export interface SrtpMasterKeys {
  profile: SrtpProfile;
  masterKey: Buffer;
  masterSalt: Buffer;
}
