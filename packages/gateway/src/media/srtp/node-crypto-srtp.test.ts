import { NodeCryptoSrtpCipher } from "./node-crypto-srtp.js";
import { srtpInteropSuite } from "./srtp-interop-suite.js";
import { IndexedSrtpSession } from "./srtp-session.js";

srtpInteropSuite(
  "node:crypto SRTP",
  (keys) => new IndexedSrtpSession(new NodeCryptoSrtpCipher(keys), new NodeCryptoSrtpCipher(keys, "rtcp")),
);
