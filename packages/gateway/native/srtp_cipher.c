// SRTP packet cryptography for the relay's hot path, on the OpenSSL inside Node itself (its
// headers ship with Node; no system library). What makes it fast is what node:crypto cannot do:
// each session keeps its cipher and MAC contexts keyed once and only gives them a new IV per
// packet, so a packet costs an AES pass and no allocation (protect writes into a buffer the
// caller passes; unprotect decrypts in place).
// Packet indexes, replay windows and key derivation stay in TypeScript (srtp-session.ts).
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdint.h>
#include <string.h>

#define GCM_TAG 16
#define HMAC_TAG 10
#define SHA1_LEN 20

typedef struct {
  EVP_CIPHER_CTX *cipher;
  EVP_MAC_CTX *mac; /* AES-CM profiles only */
  uint8_t salt[14];
  size_t salt_len;
} direction_t;

typedef struct {
  int gcm;
  direction_t local;  /* protect */
  direction_t remote; /* unprotect */
} session_t;

static void free_direction(direction_t *d) {
  if (d->cipher) EVP_CIPHER_CTX_free(d->cipher);
  if (d->mac) EVP_MAC_CTX_free(d->mac);
}

static void finalize_session(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  session_t *s = (session_t *)data;
  free_direction(&s->local);
  free_direction(&s->remote);
  free(s);
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "ERR_CALLGATE_SRTP", message);
  return NULL;
}

static int get_buffer(napi_env env, napi_value value, uint8_t **data, size_t *len) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return 0;
  return napi_get_buffer_info(env, value, (void **)data, len) == napi_ok;
}

static int get_u32(napi_env env, napi_value value, uint32_t *out) {
  return napi_get_value_uint32(env, value, out) == napi_ok;
}

static int init_direction(direction_t *d, int gcm, int encrypt, const uint8_t *key, size_t key_len,
                          const uint8_t *salt, size_t salt_len, const uint8_t *auth,
                          size_t auth_len) {
  if (key_len != 16 || salt_len > sizeof(d->salt)) return 0;
  memcpy(d->salt, salt, salt_len);
  d->salt_len = salt_len;
  d->cipher = EVP_CIPHER_CTX_new();
  if (!d->cipher) return 0;
  const EVP_CIPHER *type = gcm ? EVP_aes_128_gcm() : EVP_aes_128_ctr();
  if (!EVP_CipherInit_ex(d->cipher, type, NULL, key, NULL, encrypt)) return 0;
  if (gcm) return 1;
  EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  if (!hmac) return 0;
  d->mac = EVP_MAC_CTX_new(hmac);
  EVP_MAC_free(hmac);
  if (!d->mac) return 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0),
      OSSL_PARAM_construct_end(),
  };
  return EVP_MAC_init(d->mac, auth, auth_len, params);
}

/* RFC 3711 §4.1.1 (AES-CM, 16 bytes) or RFC 7714 §8.1 (GCM, 12 bytes). */
static void write_iv(const direction_t *d, int gcm, uint32_t ssrc, uint32_t roc, uint16_t seq,
                     uint8_t *iv) {
  size_t len = gcm ? 12 : 16, at = gcm ? 2 : 4;
  memset(iv, 0, 16);
  iv[at] = ssrc >> 24, iv[at + 1] = ssrc >> 16, iv[at + 2] = ssrc >> 8, iv[at + 3] = ssrc;
  iv[at + 4] = roc >> 24, iv[at + 5] = roc >> 16, iv[at + 6] = roc >> 8, iv[at + 7] = roc;
  iv[at + 8] = seq >> 8, iv[at + 9] = seq;
  for (size_t i = 0; i < d->salt_len && i < len; i++) iv[i] ^= d->salt[i];
}

/* HMAC-SHA1 over data || trailer (SRTP: the ROC; SRTCP: none, its E flag and index are in the
   data), with the key set at creation (a NULL key re-uses it). */
static int hmac_tag(EVP_MAC_CTX *mac, const uint8_t *data, size_t len, const uint8_t *trailer,
                    size_t trailer_len, uint8_t *tag) {
  size_t out_len = 0;
  return EVP_MAC_init(mac, NULL, 0, NULL) && EVP_MAC_update(mac, data, len) &&
         (trailer_len == 0 || EVP_MAC_update(mac, trailer, trailer_len)) &&
         EVP_MAC_final(mac, tag, &out_len, SHA1_LEN);
}

/* The cipher pass of SRTP and SRTCP alike: `len` bytes from `in` into `out` (which may be `in`)
   under a fresh IV; for GCM the clear parts go in as AAD first (`aad`, then `aad2` if any) and
   the tag is written to `gcm_tag`. */
static int seal_body(direction_t *d, int gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                     const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out,
                     size_t len, uint8_t *gcm_tag) {
  EVP_CIPHER_CTX *c = d->cipher;
  int n = 0, ok = EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv);
  if (gcm) {
    ok = ok && EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len) &&
         (aad2_len == 0 || EVP_EncryptUpdate(c, NULL, &n, aad2, (int)aad2_len));
  }
  ok = ok && EVP_EncryptUpdate(c, out, &n, in, (int)len);
  ok = ok && EVP_EncryptFinal_ex(c, out + n, &n);
  if (gcm) ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, GCM_TAG, gcm_tag);
  return ok;
}

/* Its reverse, in place: for GCM, false when the tag (`gcm_tag`) does not match. */
static int open_body(direction_t *d, int gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                     const uint8_t *aad2, size_t aad2_len, uint8_t *data, size_t len,
                     const uint8_t *gcm_tag) {
  EVP_CIPHER_CTX *c = d->cipher;
  int n = 0, ok = EVP_DecryptInit_ex(c, NULL, NULL, NULL, iv);
  if (gcm) {
    ok = ok && EVP_DecryptUpdate(c, NULL, &n, aad, (int)aad_len) &&
         (aad2_len == 0 || EVP_DecryptUpdate(c, NULL, &n, aad2, (int)aad2_len));
  }
  ok = ok && EVP_DecryptUpdate(c, data, &n, data, (int)len);
  if (gcm) {
    uint8_t tag[GCM_TAG];
    memcpy(tag, gcm_tag, GCM_TAG);
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, GCM_TAG, tag);
  }
  return ok && EVP_DecryptFinal_ex(c, data + n, &n) > 0;
}

static session_t *get_session(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return (session_t *)data;
}

/* createSession(gcm, localKey, localSalt, localAuth, remoteKey, remoteSalt, remoteAuth) */
static napi_value create_session(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool gcm = false;
  uint8_t *b[6];
  size_t l[6];
  if (argc != 7 || napi_get_value_bool(env, argv[0], &gcm) != napi_ok)
    return throw_error(env, "createSession(gcm, localKey, localSalt, localAuth, remoteKey, remoteSalt, remoteAuth)");
  for (int i = 0; i < 6; i++)
    if (!get_buffer(env, argv[i + 1], &b[i], &l[i])) return throw_error(env, "keys must be Buffers");
  session_t *s = calloc(1, sizeof(session_t));
  if (!s) return throw_error(env, "out of memory");
  s->gcm = gcm;
  if (!init_direction(&s->local, gcm, 1, b[0], l[0], b[1], l[1], b[2], l[2]) ||
      !init_direction(&s->remote, gcm, 0, b[3], l[3], b[4], l[4], b[5], l[5])) {
    finalize_session(env, s, NULL);
    return throw_error(env, "OpenSSL refused the SRTP keys");
  }
  napi_value external;
  if (napi_create_external(env, s, finalize_session, NULL, &external) != napi_ok) {
    finalize_session(env, s, NULL);
    return throw_error(env, "could not wrap the session");
  }
  return external;
}

/* seal(session, packet, payloadOffset, ssrc, payloadType, roc, out): writes the SRTP packet into
   `out` (packet length + tag): a buffer from Node's pool (cheaper than one made here), or the
   packet's own memory with room for the tag behind it (out then starts where packet does). */
static napi_value seal(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  session_t *s = argc == 7 ? get_session(env, argv[0]) : NULL;
  uint8_t *in, *out;
  size_t len, out_len;
  uint32_t offset, ssrc, pt, roc;
  if (!s || !get_buffer(env, argv[1], &in, &len) || !get_u32(env, argv[2], &offset) ||
      !get_u32(env, argv[3], &ssrc) || !get_u32(env, argv[4], &pt) || !get_u32(env, argv[5], &roc) ||
      !get_buffer(env, argv[6], &out, &out_len) || offset < 12 || offset > len ||
      out_len != len + (s->gcm ? GCM_TAG : HMAC_TAG))
    return throw_error(env, "seal(session, packet, payloadOffset, ssrc, payloadType, roc, out)");
  napi_value result;
  napi_get_undefined(env, &result);
  if (out != in) memcpy(out, in, offset);
  out[1] = (out[1] & 0x80) | (pt & 0x7f);
  out[8] = ssrc >> 24, out[9] = ssrc >> 16, out[10] = ssrc >> 8, out[11] = ssrc;
  uint16_t seq = (uint16_t)((in[2] << 8) | in[3]);
  uint8_t iv[16];
  write_iv(&s->local, s->gcm, ssrc, roc, seq, iv);
  int ok = seal_body(&s->local, s->gcm, iv, out, offset, NULL, 0, in + offset, out + offset,
                     len - offset, out + len);
  if (!s->gcm) {
    uint8_t roc_be[4] = {roc >> 24, roc >> 16, roc >> 8, roc}, tag[SHA1_LEN];
    ok = ok && hmac_tag(s->local.mac, out, len, roc_be, 4, tag);
    memcpy(out + len, tag, HMAC_TAG);
  }
  if (!ok) return throw_error(env, "SRTP protect failed");
  return result;
}

/* open(session, packet, payloadOffset, payloadEnd, roc): decrypts the payload in place (the
   plain packet is the first payloadEnd bytes); true, or false when authentication fails. In
   place, a received packet costs no second buffer: the relay's packets are its own (each
   datagram arrives in a new one). */
static napi_value open_packet(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  session_t *s = argc == 5 ? get_session(env, argv[0]) : NULL;
  uint8_t *in;
  size_t len;
  uint32_t offset, end, roc;
  if (!s || !get_buffer(env, argv[1], &in, &len) || !get_u32(env, argv[2], &offset) ||
      !get_u32(env, argv[3], &end) || !get_u32(env, argv[4], &roc) || offset < 12 || offset > end ||
      end + (s->gcm ? GCM_TAG : HMAC_TAG) != len)
    return throw_error(env, "open(session, packet, payloadOffset, payloadEnd, roc)");
  napi_value nothing, result;
  napi_get_boolean(env, false, &nothing);
  napi_get_boolean(env, true, &result);
  uint32_t ssrc = ((uint32_t)in[8] << 24) | (in[9] << 16) | (in[10] << 8) | in[11];
  uint16_t seq = (uint16_t)((in[2] << 8) | in[3]);
  if (!s->gcm) {
    uint8_t roc_be[4] = {roc >> 24, roc >> 16, roc >> 8, roc}, tag[SHA1_LEN];
    if (!hmac_tag(s->remote.mac, in, end, roc_be, 4, tag) || CRYPTO_memcmp(tag, in + end, HMAC_TAG) != 0)
      return nothing;
  }
  uint8_t iv[16];
  write_iv(&s->remote, s->gcm, ssrc, roc, seq, iv);
  int ok = open_body(&s->remote, s->gcm, iv, in, offset, NULL, 0, in + offset, end - offset, in + end);
  return ok ? result : nothing;
}

/* SRTCP (RFC 3711 §3.4; RFC 7714 §9 for GCM), on a session made with the SRTCP keys. The first
   8 bytes (header and sender SSRC) stay clear; E flag + 31-bit index follow the encrypted part
   (AES-CM: then the 10-byte tag over all before it; GCM: after the 16-byte tag, and in the AAD).
   The IV is the SRTP one with the SRTCP index in place of ROC || SEQ. */
#define SRTCP_CLEAR 8
#define SRTCP_INDEX 4

/* sealRtcp(session, packet, index, out): `out` is packet length + 4 + tag. */
static napi_value seal_rtcp(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  session_t *s = argc == 4 ? get_session(env, argv[0]) : NULL;
  uint8_t *in, *out;
  size_t len, out_len;
  uint32_t index;
  if (!s || !get_buffer(env, argv[1], &in, &len) || !get_u32(env, argv[2], &index) ||
      !get_buffer(env, argv[3], &out, &out_len) || len < SRTCP_CLEAR || index > 0x7fffffff ||
      out_len != len + SRTCP_INDEX + (s->gcm ? GCM_TAG : HMAC_TAG) || out == in)
    return throw_error(env, "sealRtcp(session, packet, index, out)");
  uint32_t ssrc = ((uint32_t)in[4] << 24) | (in[5] << 16) | (in[6] << 8) | in[7];
  uint8_t e_index[SRTCP_INDEX] = {0x80 | (index >> 24), index >> 16, index >> 8, index};
  memcpy(out, in, SRTCP_CLEAR);
  uint8_t iv[16];
  write_iv(&s->local, s->gcm, ssrc, index >> 16, index & 0xffff, iv);
  int ok = seal_body(&s->local, s->gcm, iv, out, SRTCP_CLEAR, e_index, SRTCP_INDEX, in + SRTCP_CLEAR,
                     out + SRTCP_CLEAR, len - SRTCP_CLEAR, out + len);
  if (s->gcm) {
    memcpy(out + len + GCM_TAG, e_index, SRTCP_INDEX);
  } else {
    uint8_t tag[SHA1_LEN];
    memcpy(out + len, e_index, SRTCP_INDEX);
    ok = ok && hmac_tag(s->local.mac, out, len + SRTCP_INDEX, NULL, 0, tag);
    memcpy(out + len + SRTCP_INDEX, tag, HMAC_TAG);
  }
  if (!ok) return throw_error(env, "SRTCP protect failed");
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

/* openRtcp(session, packet): authenticates and decrypts in place; the plain compound packet's
   length (its first bytes), or -1 when forged, corrupt or not encrypted. The caller reads the
   index for its replay check first. */
static napi_value open_rtcp(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  session_t *s = argc == 2 ? get_session(env, argv[0]) : NULL;
  uint8_t *in;
  size_t len;
  if (!s || !get_buffer(env, argv[1], &in, &len))
    return throw_error(env, "openRtcp(session, packet)");
  size_t tag_len = s->gcm ? GCM_TAG : HMAC_TAG;
  int32_t plain = -1;
  napi_value result;
  if (len < SRTCP_CLEAR + SRTCP_INDEX + tag_len) {
    napi_create_int32(env, plain, &result);
    return result;
  }
  size_t end = len - SRTCP_INDEX - tag_len; /* where the encrypted part ends */
  const uint8_t *e_index = s->gcm ? in + len - SRTCP_INDEX : in + end;
  uint32_t index = ((uint32_t)(e_index[0] & 0x7f) << 24) | (e_index[1] << 16) | (e_index[2] << 8) | e_index[3];
  uint32_t ssrc = ((uint32_t)in[4] << 24) | (in[5] << 16) | (in[6] << 8) | in[7];
  int ok = (e_index[0] & 0x80) != 0; /* unencrypted SRTCP is not what WebRTC sends */
  if (ok && !s->gcm) {
    uint8_t tag[SHA1_LEN];
    ok = hmac_tag(s->remote.mac, in, end + SRTCP_INDEX, NULL, 0, tag) &&
         CRYPTO_memcmp(tag, in + end + SRTCP_INDEX, HMAC_TAG) == 0;
  }
  if (ok) {
    uint8_t iv[16];
    write_iv(&s->remote, s->gcm, ssrc, index >> 16, index & 0xffff, iv);
    ok = open_body(&s->remote, s->gcm, iv, in, SRTCP_CLEAR, e_index, SRTCP_INDEX, in + SRTCP_CLEAR,
                   end - SRTCP_CLEAR, in + end);
  }
  if (ok) plain = (int32_t)end;
  napi_create_int32(env, plain, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"createSession", NULL, create_session, NULL, NULL, NULL, napi_default, NULL},
      {"seal", NULL, seal, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, open_packet, NULL, NULL, NULL, napi_default, NULL},
      {"sealRtcp", NULL, seal_rtcp, NULL, NULL, NULL, napi_default, NULL},
      {"openRtcp", NULL, open_rtcp, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 5, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
