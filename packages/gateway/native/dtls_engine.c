// DTLS for WebRTC (RFC 5764 DTLS-SRTP) on the OpenSSL inside Node itself, as Janus does it on
// its OpenSSL: a handshake step costs OpenSSL's tenth of a millisecond where werift's DTLS in
// JavaScript takes several, and call set-up waits on four of them a leg.
// No I/O here: datagrams go in (feed) and come out (take_output) through memory BIOs; the
// caller owns the socket (ICE) and the retransmission timer (timeout_ms, handle_timeout).
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* DTLS's own retransmission timer: the first flight again after 400 ms, doubling to 6.4 s (RFC
   6347 §4.2.4.1 suggests 1 s; WebRTC stacks use less, a lost flight stalls call set-up). */
#define FIRST_RETRANSMIT_US 400000u
#define LAST_RETRANSMIT_US 6400000u

enum { STATE_HANDSHAKING = 0, STATE_CONNECTED = 1, STATE_CLOSED = 2, STATE_FAILED = 3 };

typedef struct {
  SSL *ssl;
  BIO *in;  /* datagrams from the peer (owned by ssl) */
  BIO *out; /* records for the peer (owned by ssl) */
  int state;
  char error[256];
} session_t;

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "ERR_CALLGATE_DTLS", message);
  return NULL;
}

/* The reason OpenSSL queued, or `fallback`; clears OpenSSL's error queue either way. */
static void take_openssl_error(char *out, size_t size, const char *fallback) {
  unsigned long code = ERR_get_error();
  if (code) ERR_error_string_n(code, out, size);
  else snprintf(out, size, "%s", fallback);
  ERR_clear_error();
}

static int get_buffer(napi_env env, napi_value value, uint8_t **data, size_t *len) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return 0;
  return napi_get_buffer_info(env, value, (void **)data, len) == napi_ok;
}

static napi_value int_value(napi_env env, int32_t n) {
  napi_value v;
  napi_create_int32(env, n, &v);
  return v;
}

/* Any certificate is taken here: what authenticates the peer is its fingerprint in the SDP,
   which the caller checks against peer_certificate() once connected (RFC 8122 §5). */
static int accept_any_certificate(int preverify_ok, X509_STORE_CTX *ctx) {
  (void)preverify_ok;
  (void)ctx;
  return 1;
}

static unsigned int retransmit_timer(SSL *ssl, unsigned int previous_us) {
  (void)ssl;
  if (previous_us == 0) return FIRST_RETRANSMIT_US;
  return previous_us >= LAST_RETRANSMIT_US / 2 ? LAST_RETRANSMIT_US : previous_us * 2;
}

static void finalize_context(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  SSL_CTX_free((SSL_CTX *)data);
}

/* createContext(certPem, keyPem, srtpProfiles): srtpProfiles as OpenSSL names them, in order of
   preference, joined by ':' ("SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"). */
static napi_value create_context(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *cert_pem, *key_pem, *profiles;
  size_t cert_len, key_len, profiles_len;
  if (argc != 3 || !get_buffer(env, argv[0], &cert_pem, &cert_len) ||
      !get_buffer(env, argv[1], &key_pem, &key_len) ||
      !get_buffer(env, argv[2], &profiles, &profiles_len))
    return throw_error(env, "createContext(certPem, keyPem, srtpProfiles) takes three Buffers");
  char profile_list[128];
  if (profiles_len == 0 || profiles_len >= sizeof(profile_list))
    return throw_error(env, "createContext: srtpProfiles must name at least one profile");
  memcpy(profile_list, profiles, profiles_len);
  profile_list[profiles_len] = 0;

  char error[256];
  SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
  BIO *cert_bio = BIO_new_mem_buf(cert_pem, (int)cert_len);
  BIO *key_bio = BIO_new_mem_buf(key_pem, (int)key_len);
  X509 *cert = cert_bio ? PEM_read_bio_X509(cert_bio, NULL, NULL, NULL) : NULL;
  EVP_PKEY *key = key_bio ? PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL) : NULL;
  const char *failed = NULL;
  if (!ctx) failed = "SSL_CTX_new";
  else if (!cert) failed = "the certificate (PEM)";
  else if (!key) failed = "the private key (PEM)";
  else if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
           SSL_CTX_check_private_key(ctx) != 1)
    failed = "the certificate and key";
  /* Note: SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
  else if (SSL_CTX_set_tlsext_use_srtp(ctx, profile_list) != 0) failed = "the SRTP profiles";
  else if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1) failed = "DTLS 1.2";
  if (failed) take_openssl_error(error, sizeof(error), "");
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  if (failed) {
    SSL_CTX_free(ctx);
    char message[400];
    snprintf(message, sizeof(message), "DTLS context: %s refused (%s)", failed, error);
    return throw_error(env, message);
  }
  /* Both ends present a certificate (the server asks for it; WebRTC needs both fingerprints). */
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any_certificate);
  /* The path MTU is not ours to probe: the caller's datagrams are ICE's. */
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
  SSL_CTX_set_read_ahead(ctx, 1);
  napi_value external;
  if (napi_create_external(env, ctx, finalize_context, NULL, &external) != napi_ok) {
    SSL_CTX_free(ctx);
    return throw_error(env, "could not wrap the DTLS context");
  }
  return external;
}

/* Sessions not yet finalized: what a test reads to see that dropped sessions are freed. */
static int64_t live_sessions = 0;

static void finalize_session(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  session_t *s = (session_t *)data;
  SSL_free(s->ssl); /* frees both BIOs */
  free(s);
  live_sessions--;
}

static session_t *get_session(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return (session_t *)data;
}

/* A call's `count` arguments into argv, the first being a session, which this returns; NULL,
   with a JavaScript error saying `usage`, when the call is not that. */
static session_t *session_call(napi_env env, napi_callback_info info, size_t count, napi_value *argv,
                               const char *usage) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  session_t *s = argc == count ? get_session(env, argv[0]) : NULL;
  if (!s) throw_error(env, usage);
  return s;
}

/* createSession(context, isServer, mtu) */
static napi_value create_session(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *ctx = NULL;
  bool is_server = false;
  uint32_t mtu = 0;
  if (argc != 3 || napi_get_value_external(env, argv[0], &ctx) != napi_ok ||
      napi_get_value_bool(env, argv[1], &is_server) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &mtu) != napi_ok || mtu < 256 || mtu > 65507)
    return throw_error(env, "createSession(context, isServer, mtu: 256-65507)");
  session_t *s = calloc(1, sizeof(session_t));
  if (!s) return throw_error(env, "out of memory");
  s->ssl = SSL_new((SSL_CTX *)ctx);
  s->in = BIO_new(BIO_s_mem());
  s->out = BIO_new(BIO_s_mem());
  if (!s->ssl || !s->in || !s->out) {
    if (s->ssl) SSL_free(s->ssl);
    BIO_free(s->in);
    BIO_free(s->out);
    free(s);
    return throw_error(env, "could not make a DTLS session");
  }
  /* An empty input BIO means "nothing yet", not end of stream. */
  BIO_set_mem_eof_return(s->in, -1);
  BIO_set_mem_eof_return(s->out, -1);
  SSL_set_bio(s->ssl, s->in, s->out);
  SSL_set_mtu(s->ssl, mtu);
  DTLS_set_link_mtu(s->ssl, mtu);
  DTLS_set_timer_cb(s->ssl, retransmit_timer);
  if (is_server) SSL_set_accept_state(s->ssl);
  else SSL_set_connect_state(s->ssl);
  napi_value external;
  live_sessions++;
  if (napi_create_external(env, s, finalize_session, NULL, &external) != napi_ok) {
    finalize_session(env, s, NULL);
    return throw_error(env, "could not wrap the DTLS session");
  }
  return external;
}

/* The record buffers feed() lets go of once connected, back before OpenSSL may write a record. */
static int with_buffers(session_t *s) {
  return SSL_alloc_buffers(s->ssl) == 1;
}

/* After an SSL call returned `ret`: is it just waiting for the peer, or did the session end? */
static void settle(session_t *s, int ret) {
  int err = SSL_get_error(s->ssl, ret);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    ERR_clear_error();
    return;
  }
  if (err == SSL_ERROR_ZERO_RETURN) {
    s->state = STATE_CLOSED; /* the peer's close_notify */
    ERR_clear_error();
    return;
  }
  s->state = STATE_FAILED;
  take_openssl_error(s->error, sizeof(s->error),
                     err == SSL_ERROR_SYSCALL ? "the DTLS peer went away" : "DTLS failed");
}

/* Moves the handshake on, or once connected reads what came (into app_data, a JS array). */
static void drive(session_t *s, napi_env env, napi_value app_data) {
  if (s->state == STATE_HANDSHAKING) {
    int ret = SSL_do_handshake(s->ssl);
    if (ret == 1) s->state = STATE_CONNECTED;
    else settle(s, ret);
  }
  if (s->state != STATE_CONNECTED) return;
  /* Application data (SCTP, for data channels), or a peer's close_notify, or a retransmitted
     last flight from the peer that OpenSSL answers by resending ours. */
  uint8_t buffer[16384];
  uint32_t count = 0;
  for (;;) {
    int n = SSL_read(s->ssl, buffer, sizeof(buffer));
    if (n <= 0) {
      settle(s, n);
      return;
    }
    if (app_data) {
      napi_value chunk;
      void *copy;
      if (napi_create_buffer_copy(env, (size_t)n, buffer, &copy, &chunk) == napi_ok)
        napi_set_element(env, app_data, count++, chunk);
    }
  }
}

/* feed(session, datagram | null, appData: Buffer[]): a datagram from the peer (null: none, e.g.
   the client's first step); application data read goes into appData. Returns the state. */
static napi_value feed(napi_env env, napi_callback_info info) {
  const char *usage = "feed(session, datagram | null, appData[])";
  napi_value argv[3];
  session_t *s = session_call(env, info, 3, argv, usage);
  if (!s) return NULL;
  napi_valuetype input_type = napi_undefined;
  napi_typeof(env, argv[1], &input_type);
  bool is_array = false;
  napi_is_array(env, argv[2], &is_array);
  if (!is_array) return throw_error(env, usage);
  if (input_type != napi_null && input_type != napi_undefined) {
    uint8_t *data;
    size_t len;
    if (!get_buffer(env, argv[1], &data, &len)) return throw_error(env, "feed: the datagram must be a Buffer");
    if (s->state <= STATE_CONNECTED && len > 0) BIO_write(s->in, data, (int)len);
  }
  if (s->state <= STATE_CONNECTED && with_buffers(s)) drive(s, env, argv[2]);
  /* A leg's DTLS is idle once connected (SRTP is keyed from it; then only a retransmitted flight
     or a close_notify passes): its record buffers, tens of KB a leg, go until the next record
     (SSL_MODE_RELEASE_BUFFERS does not apply to DTLS). DTLS's write path does not make them
     again (a retransmitted flight, a close_notify): every call into OpenSSL is made
     with_buffers(). */
  if (s->state == STATE_CONNECTED) SSL_free_buffers(s->ssl);
  return int_value(env, s->state);
}

/* takeOutput(session): every record OpenSSL wrote since the last call, as one Buffer (records
   back to back, each with its header: the caller packs them into datagrams), or null. */
static napi_value take_output(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "takeOutput(session)");
  if (!s) return NULL;
  size_t pending = BIO_ctrl_pending(s->out);
  napi_value result;
  if (pending == 0) {
    napi_get_null(env, &result);
    return result;
  }
  void *data;
  if (napi_create_buffer(env, pending, &data, &result) != napi_ok) return throw_error(env, "out of memory");
  int n = BIO_read(s->out, data, (int)pending);
  if (n != (int)pending) return throw_error(env, "takeOutput: short read from the memory BIO");
  return result;
}

/* timeoutMs(session): milliseconds until a flight is due again (handleTimeout then), or -1. */
static napi_value timeout_ms(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "timeoutMs(session)");
  if (!s) return NULL;
  struct timeval tv;
  if (s->state > STATE_CONNECTED || DTLSv1_get_timeout(s->ssl, &tv) != 1) return int_value(env, -1);
  return int_value(env, (int32_t)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000));
}

/* handleTimeout(session): resends the last flight if its timer ran out; returns the state (a
   handshake that gave up after OpenSSL's last retransmission is failed). */
static napi_value handle_timeout(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "handleTimeout(session)");
  if (!s) return NULL;
  if (s->state <= STATE_CONNECTED && with_buffers(s) && DTLSv1_handle_timeout(s->ssl) < 0) {
    s->state = STATE_FAILED;
    take_openssl_error(s->error, sizeof(s->error), "the DTLS handshake timed out");
  }
  return int_value(env, s->state);
}

/* errorMessage(session): why the session failed. */
static napi_value error_message(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "errorMessage(session)");
  if (!s) return NULL;
  napi_value result;
  napi_create_string_utf8(env, s->error, NAPI_AUTO_LENGTH, &result);
  return result;
}

/* peerCertificate(session): the peer's certificate (DER), or null. */
static napi_value peer_certificate(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "peerCertificate(session)");
  if (!s) return NULL;
  napi_value result;
  napi_get_null(env, &result);
  X509 *cert = SSL_get1_peer_certificate(s->ssl);
  if (!cert) return result;
  int len = i2d_X509(cert, NULL);
  void *data;
  if (len > 0 && napi_create_buffer(env, (size_t)len, &data, &result) == napi_ok) {
    unsigned char *p = data;
    i2d_X509(cert, &p);
  }
  X509_free(cert);
  return result;
}

/* srtpProfile(session): the SRTP protection profile's IANA number (RFC 5764 §4.1.2), or 0. */
static napi_value srtp_profile(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "srtpProfile(session)");
  if (!s) return NULL;
  SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile(s->ssl);
  return int_value(env, profile ? (int32_t)profile->id : 0);
}

/* exportKeyingMaterial(session, label, length): RFC 5705 keying material (no context). */
static napi_value export_keying_material(napi_env env, napi_callback_info info) {
  const char *usage = "exportKeyingMaterial(session, label, length: 1-1024)";
  napi_value argv[3];
  session_t *s = session_call(env, info, 3, argv, usage);
  if (!s) return NULL;
  char label[64];
  size_t label_len = 0;
  uint32_t length = 0;
  if (napi_get_value_string_utf8(env, argv[1], label, sizeof(label), &label_len) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &length) != napi_ok || length == 0 || length > 1024)
    return throw_error(env, usage);
  napi_value result;
  void *data;
  if (napi_create_buffer(env, length, &data, &result) != napi_ok) return throw_error(env, "out of memory");
  if (s->state != STATE_CONNECTED ||
      SSL_export_keying_material(s->ssl, data, length, label, label_len, NULL, 0, 0) != 1) {
    ERR_clear_error();
    return throw_error(env, "exportKeyingMaterial: the DTLS session is not connected");
  }
  return result;
}

/* write(session, data): application data; false when the session is not connected. */
static napi_value write_data(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  session_t *s = session_call(env, info, 2, argv, "write(session, data)");
  if (!s) return NULL;
  uint8_t *data;
  size_t len;
  if (!get_buffer(env, argv[1], &data, &len)) return throw_error(env, "write(session, data)");
  napi_value result;
  int ok = s->state == STATE_CONNECTED && len > 0 && with_buffers(s) &&
           SSL_write(s->ssl, data, (int)len) == (int)len;
  if (!ok) ERR_clear_error();
  napi_get_boolean(env, ok, &result);
  return result;
}

/* shutdown(session): queues our close_notify alert (takeOutput then sends it). */
static napi_value shutdown_session(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  session_t *s = session_call(env, info, 1, argv, "shutdown(session)");
  if (!s) return NULL;
  if (s->state == STATE_CONNECTED && with_buffers(s)) SSL_shutdown(s->ssl);
  ERR_clear_error();
  if (s->state < STATE_CLOSED) s->state = STATE_CLOSED;
  return int_value(env, s->state);
}

/* liveSessions(): sessions made and not yet freed. */
static napi_value live_sessions_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int64(env, live_sessions, &v);
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"createContext", NULL, create_context, NULL, NULL, NULL, napi_default, NULL},
      {"createSession", NULL, create_session, NULL, NULL, NULL, napi_default, NULL},
      {"feed", NULL, feed, NULL, NULL, NULL, napi_default, NULL},
      {"takeOutput", NULL, take_output, NULL, NULL, NULL, napi_default, NULL},
      {"timeoutMs", NULL, timeout_ms, NULL, NULL, NULL, napi_default, NULL},
      {"handleTimeout", NULL, handle_timeout, NULL, NULL, NULL, napi_default, NULL},
      {"errorMessage", NULL, error_message, NULL, NULL, NULL, napi_default, NULL},
      {"peerCertificate", NULL, peer_certificate, NULL, NULL, NULL, napi_default, NULL},
      {"srtpProfile", NULL, srtp_profile, NULL, NULL, NULL, napi_default, NULL},
      {"exportKeyingMaterial", NULL, export_keying_material, NULL, NULL, NULL, napi_default, NULL},
      {"write", NULL, write_data, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, shutdown_session, NULL, NULL, NULL, napi_default, NULL},
      {"liveSessions", NULL, live_sessions_js, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
