import { nativeAddon } from "../native-addon.js";
import { deriveSrtpSessionKeys, type SrtpStream } from "./srtp-key-derivation.js";
import { SRTP_AEAD_AES_128_GCM, srtpTagLength } from "./srtp-profile.js";
import type { SrtpPacketCipher, SrtpSessionKeys } from "./srtp-session.js";

/** The addon in packages/gateway/native (srtp_cipher.c), built by `npm run build` when it can be. */
interface NativeSrtpBinding {
  createSession(
    gcm: boolean,
    localKey: Buffer,
    localSalt: Buffer,
    localAuth: Buffer,
    remoteKey: Buffer,
    remoteSalt: Buffer,
    remoteAuth: Buffer,
  ): object;
  seal(
    session: object,
    packet: Buffer,
    offset: number,
    ssrc: number,
    payloadType: number,
    roc: number,
    out: Buffer,
  ): void;
  open(session: object, packet: Buffer, offset: number, end: number, roc: number): boolean;
  sealRtcp(session: object, packet: Buffer, index: number, out: Buffer): void;
  openRtcp(session: object, packet: Buffer): number;
}

/** The addon, or null when it was not built (no compiler) or does not load: then node:crypto it is. */
export function nativeSrtpBinding(): NativeSrtpBinding | null {
  return nativeAddon<NativeSrtpBinding>("callgate_srtp");
}

/**
 * SRTP (or, made with stream "rtcp", SRTCP) packet cryptography in the native addon: cipher
 * contexts keyed once, a new IV per packet.
 */
export class NativeSrtpCipher implements SrtpPacketCipher {
  readonly tagLength: number;
  private readonly session: object;

  constructor(
    private readonly native: NativeSrtpBinding,
    keys: SrtpSessionKeys,
    stream: SrtpStream = "rtp",
  ) {
    this.tagLength = srtpTagLength(keys.local.profile);
    const local = deriveSrtpSessionKeys(keys.local, stream);
    const remote = deriveSrtpSessionKeys(keys.remote, stream);
    this.session = native.createSession(
      keys.local.profile === SRTP_AEAD_AES_128_GCM,
      local.encryptionKey,
      local.salt,
      local.authKey,
      remote.encryptionKey,
      remote.salt,
      remote.authKey,
    );
  }

  seal(packet: Buffer, offset: number, ssrc: number, payloadType: number, roc: number, out: Buffer): Buffer {
    // The SSRC goes as an int32 (a small integer; as unsigned, half of all SSRCs would be a boxed
    // number per packet): the addon reads it with napi_get_value_uint32, which takes the low 32 bits.
    this.native.seal(this.session, packet, offset, ssrc | 0, payloadType, roc >>> 0, out);
    return out;
  }

  open(packet: Buffer, offset: number, end: number, roc: number): boolean {
    return this.native.open(this.session, packet, offset, end, roc >>> 0);
  }

  sealRtcp(packet: Buffer, index: number, out: Buffer): Buffer {
    this.native.sealRtcp(this.session, packet, index, out);
    return out;
  }

  openRtcp(packet: Buffer): number {
    return this.native.openRtcp(this.session, packet);
  }
}
