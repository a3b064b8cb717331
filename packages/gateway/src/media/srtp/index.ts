import { NativeSrtpCipher, nativeSrtpBinding } from "./native-srtp.js";
import { NodeCryptoSrtpCipher } from "./node-crypto-srtp.js";
import { IndexedSrtpSession, type SrtpSession, type SrtpSessionKeys } from "./srtp-session.js";

export {
  isSupportedSrtpProfile,
  SRTP_MASTER_KEY_LENGTH,
  type SrtpProfile,
  srtpMasterSaltLength,
} from "./srtp-profile.js";
export type { SrtpSession, SrtpSessionKeys } from "./srtp-session.js";

export type SrtpImplementation = "native" | "node:crypto";

/** Which SRTP the relay uses: the native addon when built, unless CALLGATE_SRTP=node:crypto asks for the fallback. */
export function srtpImplementation(): SrtpImplementation {
  if (process.env.CALLGATE_SRTP === "node:crypto") return "node:crypto";
  return nativeSrtpBinding() ? "native" : "node:crypto";
}

export function createSrtpSession(keys: SrtpSessionKeys): SrtpSession {
  const native = srtpImplementation() === "native" ? nativeSrtpBinding() : null;
  return native
    ? new IndexedSrtpSession(new NativeSrtpCipher(native, keys), new NativeSrtpCipher(native, keys, "rtcp"))
    : new IndexedSrtpSession(new NodeCryptoSrtpCipher(keys), new NodeCryptoSrtpCipher(keys, "rtcp"));
}
