import assert from "node:assert/strict";
import { it } from "node:test";
import { NativeSrtpCipher, nativeSrtpBinding } from "./native-srtp.js";
import { srtpInteropSuite } from "./srtp-interop-suite.js";
import { IndexedSrtpSession } from "./srtp-session.js";

const native = nativeSrtpBinding();

// `npm run build` builds the addon wherever a C compiler is (CI installs one); a checkout
// without it runs on the node:crypto fallback, so only an explicit CALLGATE_NATIVE_REQUIRED fails.
it("the native SRTP addon is built", { skip: !process.env.CALLGATE_NATIVE_REQUIRED && !native }, () => {
  assert.ok(native, "packages/gateway/native/build/Release/callgate_srtp.node did not load");
});

if (native) {
  srtpInteropSuite(
    "native SRTP",
    (keys) =>
      new IndexedSrtpSession(new NativeSrtpCipher(native, keys), new NativeSrtpCipher(native, keys, "rtcp")),
  );
}
