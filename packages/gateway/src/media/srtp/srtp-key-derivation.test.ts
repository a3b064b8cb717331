import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveSrtpSessionKeys } from "./srtp-key-derivation.js";
import { SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80 } from "./srtp-profile.js";

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ""), "hex");

describe("SRTP key derivation", () => {
  // RFC 3711 Appendix B.3 (key derivation rate 0; labels 0, 1, 2).
  it("gives RFC 3711's test vectors for SRTP", () => {
    const keys = deriveSrtpSessionKeys({
      profile: SRTP_AES128_CM_HMAC_SHA1_80,
      masterKey: hex("E1F97A0D3E018BE0D64FA32C06DE4139"),
      masterSalt: hex("0EC675AD498AFEEBB6960B3AABE6"),
    });
    assert.deepEqual(keys.encryptionKey, hex("C61E7A93744F39EE10734AFE3FF7A087"));
    assert.deepEqual(keys.salt, hex("30CBBC08863D8C85D49DB34A9AE1"));
    assert.deepEqual(keys.authKey, hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
  });

  it("derives SRTCP's keys with labels 3, 4 and 5, and GCM's 12-byte salt, as AES-CM keystream", async () => {
    const { createCipheriv } = await import("node:crypto");
    const masterKey = hex("000102030405060708090A0B0C0D0E0F");
    const masterSalt = hex("A0A1A2A3A4A5A6A7A8A9AAAB");
    // The keystream by definition: AES-128 in counter mode from (salt XOR label << 48) || 0x0000.
    const keystream = (label: number, length: number) => {
      const iv = Buffer.alloc(16);
      masterSalt.copy(iv);
      iv[7]! ^= label;
      return createCipheriv("aes-128-ctr", masterKey, iv).update(Buffer.alloc(length));
    };
    const rtcp = deriveSrtpSessionKeys(
      { profile: SRTP_AES128_CM_HMAC_SHA1_80, masterKey, masterSalt },
      "rtcp",
    );
    assert.deepEqual(rtcp.encryptionKey, keystream(3, 16));
    assert.deepEqual(rtcp.authKey, keystream(4, 20));
    assert.deepEqual(rtcp.salt, keystream(5, 14));
    const gcm = deriveSrtpSessionKeys({ profile: SRTP_AEAD_AES_128_GCM, masterKey, masterSalt });
    assert.deepEqual(gcm.encryptionKey, keystream(0, 16));
    assert.deepEqual(gcm.salt, keystream(2, 12));
    assert.equal(gcm.authKey.length, 0);
  });
});
