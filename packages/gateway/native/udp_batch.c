// Media sockets read in batches, for the relay's hot path. Node's dgram hands each datagram to
// JavaScript on its own: a 64 KiB allocation shrunk to size, a Buffer, an address object, and on
// the way out a send request, a DNS-lookup hop and a callback per packet. That garbage, not the
// cryptography, is what made the gateway's young generation churn and its memory grow per call.
//
// Here a reader takes over receiving on a socket werift opened (a duplicate of its descriptor, so
// werift's own handle stays untouched and keeps sending STUN, DTLS and RTCP): recvmmsg fills the
// slots of one receive buffer shared by every reader, and JavaScript is called once per batch with
// the count, reading each datagram where it lies. Sending is a plain sendto on the same socket.
// Everything runs on Node's own event loop thread: the shared buffer is safe because a batch is
// handled to the end before the next recvmmsg.
//
// A reader may ask for each datagram's kernel arrival time (SO_TIMESTAMPNS, the realtime clock):
// the benchmark's load generator does, so that the latency it records ends when the packet
// reached its socket, not when its own event loop got round to it.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define SLOTS 32
/* Larger than any datagram of a WebRTC call (browsers keep to about 1,200 bytes); longer ones are dropped and counted. */
#define SLOT_BYTES 4096
/* Batches read per readiness before other sockets get their turn. */
#define ROUNDS 4

typedef struct reader reader_t;

/* What the JavaScript object holds: outlives the reader, which is freed when its poll handle closes. */
typedef struct {
  reader_t *reader;
} box_t;

struct reader {
  uv_poll_t poll;
  int fd;
  int closing;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  box_t *box;
  struct sockaddr_storage peer;
  socklen_t peer_len;
};

/* The receive buffer every reader shares, and per slot: length, port, family (4 or 6), address. */
static uint8_t *slab;
static napi_ref slab_ref;
static int32_t *meta; /* SLOTS * 3 */
static napi_ref meta_ref;
static struct sockaddr_storage from[SLOTS];
static struct mmsghdr messages[SLOTS];
static struct iovec vectors[SLOTS];
/* Room for one SCM_TIMESTAMPNS message per slot (only sockets that asked for it get one). */
#define CONTROL_BYTES CMSG_SPACE(sizeof(struct timespec))
static uint8_t controls[SLOTS][CONTROL_BYTES];
/* Per slot: the kernel's arrival time in ms since the epoch, or 0 when the socket did not ask. */
static double *arrivals;
static napi_ref arrivals_ref;
static double truncated;

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "ERR_CALLGATE_UDP", message);
  return NULL;
}

static reader_t *get_reader(napi_env env, napi_value value) {
  box_t *box = NULL;
  if (napi_get_value_external(env, value, (void **)&box) != napi_ok || !box) return NULL;
  return box->reader;
}

/* The arguments of a call on a reader (the first argument): the reader, or NULL if it is not one or closed. */
static reader_t *reader_call(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  return argc == count ? get_reader(env, argv[0]) : NULL;
}

static void on_closed(uv_handle_t *handle) {
  reader_t *r = (reader_t *)handle->data;
  close(r->fd);
  free(r);
}

static void close_reader(reader_t *r) {
  if (r->closing) return;
  r->closing = 1;
  uv_poll_stop(&r->poll);
  napi_delete_reference(r->env, r->callback);
  napi_async_destroy(r->env, r->context);
  if (r->box) r->box->reader = NULL;
  r->box = NULL;
  uv_close((uv_handle_t *)&r->poll, on_closed);
}

static void finalize_box(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  box_t *box = (box_t *)data;
  if (box->reader) close_reader(box->reader);
  free(box);
}

static double arrival_ms(struct msghdr *header) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c; c = CMSG_NXTHDR(header, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec at;
      memcpy(&at, CMSG_DATA(c), sizeof(at));
      return (double)at.tv_sec * 1e3 + (double)at.tv_nsec / 1e6;
    }
  }
  return 0;
}

static void record_slot(int i, unsigned int length, int flags) {
  int32_t *m = meta + i * 3;
  arrivals[i] = arrival_ms(&messages[i].msg_hdr);
  if (flags & MSG_TRUNC) {
    truncated++;
    m[0] = -1;
    return;
  }
  m[0] = (int32_t)length;
  if (from[i].ss_family == AF_INET6) {
    m[1] = ntohs(((struct sockaddr_in6 *)&from[i])->sin6_port);
    m[2] = 6;
  } else {
    m[1] = ntohs(((struct sockaddr_in *)&from[i])->sin_port);
    m[2] = 4;
  }
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  reader_t *r = (reader_t *)handle->data;
  if (status < 0 || r->closing) return;
  for (int round = 0; round < ROUNDS && !r->closing; round++) {
    for (int i = 0; i < SLOTS; i++) {
      messages[i].msg_hdr.msg_namelen = sizeof(from[i]);
      messages[i].msg_hdr.msg_flags = 0;
      messages[i].msg_hdr.msg_controllen = CONTROL_BYTES;
    }
    int count = recvmmsg(r->fd, messages, SLOTS, MSG_DONTWAIT, NULL);
    if (count <= 0) return; /* EAGAIN: drained; an error (ICMP unreachable and the like) is a lost packet */
    for (int i = 0; i < count; i++) record_slot(i, messages[i].msg_len, messages[i].msg_hdr.msg_flags);
    napi_env env = r->env;
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value callback, receiver, argv[1];
    napi_get_reference_value(env, r->callback, &callback);
    napi_get_global(env, &receiver); /* napi_make_callback wants an object */
    napi_create_int32(env, count, &argv[0]);
    napi_status called = napi_make_callback(env, r->context, receiver, callback, 1, argv, NULL);
    if (called == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error); /* as an exception in any I/O callback: uncaughtException */
    }
    napi_close_handle_scope(env, scope);
    if (count < SLOTS) return;
  }
}

/*
 * open(fd, onBatch, arrivalTimes): starts reading a duplicate of the socket fd; onBatch(count)
 * gets each batch. With arrivalTimes true, the kernel stamps each datagram's arrival (arrivals).
 */
static napi_value open_reader(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_valuetype type;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0)
    return throw_error(env, "open(fd, onBatch): fd must be a descriptor");
  if (napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function)
    return throw_error(env, "open(fd, onBatch): onBatch must be a function");
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return throw_error(env, "no event loop");
  bool stamp = false;
  if (argc > 2) napi_get_value_bool(env, argv[2], &stamp);
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return throw_error(env, strerror(errno));
  int on = 1;
  if (stamp && setsockopt(copy, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) != 0) {
    int failed = errno;
    close(copy);
    return throw_error(env, strerror(failed));
  }
  reader_t *r = calloc(1, sizeof(*r));
  box_t *box = calloc(1, sizeof(*box));
  if (!r || !box) {
    close(copy);
    free(r);
    free(box);
    return throw_error(env, "out of memory");
  }
  r->fd = copy;
  r->env = env;
  r->box = box;
  box->reader = r;
  if (uv_poll_init(loop, &r->poll, copy) != 0) {
    close(copy);
    free(r);
    free(box);
    return throw_error(env, "uv_poll_init failed");
  }
  r->poll.data = r;
  napi_value name, resource;
  napi_create_string_utf8(env, "callgate:udp", NAPI_AUTO_LENGTH, &name);
  napi_create_object(env, &resource);
  napi_async_init(env, resource, name, &r->context);
  napi_create_reference(env, argv[1], 1, &r->callback);
  int started = uv_poll_start(&r->poll, UV_READABLE, on_readable);
  if (started != 0) {
    close_reader(r);
    return throw_error(env, uv_strerror(started));
  }
  /* The socket werift opened keeps the process alive as long as it should; this reader does not. */
  uv_unref((uv_handle_t *)&r->poll);
  napi_value external;
  napi_create_external(env, box, finalize_box, NULL, &external);
  return external;
}

/* setPeer(reader, ip, port): where send() goes (the nominated pair's remote address). */
static napi_value set_peer(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  reader_t *r = reader_call(env, info, 3, argv);
  char ip[64];
  size_t ip_len = 0;
  uint32_t port;
  if (!r || napi_get_value_string_utf8(env, argv[1], ip, sizeof(ip), &ip_len) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &port) != napi_ok || port > 65535)
    return throw_error(env, "setPeer(reader, ip, port): a reader that is open, an address, a port");
  memset(&r->peer, 0, sizeof(r->peer));
  struct sockaddr_in *v4 = (struct sockaddr_in *)&r->peer;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&r->peer;
  if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    r->peer_len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    r->peer_len = sizeof(*v6);
  } else {
    r->peer_len = 0;
    return throw_error(env, "setPeer: not an IP address");
  }
  return NULL;
}

/* send(reader, buffer, length): 0 when sent, else the errno (EAGAIN: the socket's queue is full). */
static napi_value send_datagram(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  reader_t *r = reader_call(env, info, 3, argv);
  uint8_t *data;
  size_t len;
  uint32_t length;
  if (!r || r->peer_len == 0 || napi_get_buffer_info(env, argv[1], (void **)&data, &len) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &length) != napi_ok || length > len)
    return throw_error(env, "send(reader, buffer, length): an open reader with a peer, a buffer");
  ssize_t sent = sendto(r->fd, data, length, 0, (struct sockaddr *)&r->peer, r->peer_len);
  napi_value result;
  napi_create_int32(env, sent < 0 ? errno : 0, &result);
  return result;
}

/* address(slot): the sender of the datagram in that slot of the current batch, as text. */
static napi_value slot_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t slot;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &slot) != napi_ok || slot >= SLOTS)
    return throw_error(env, "address(slot): a slot of the batch");
  char text[INET6_ADDRSTRLEN] = "";
  if (from[slot].ss_family == AF_INET6)
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from[slot])->sin6_addr, text, sizeof(text));
  else
    inet_ntop(AF_INET, &((struct sockaddr_in *)&from[slot])->sin_addr, text, sizeof(text));
  napi_value result;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &result);
  return result;
}

/* close(reader): stops reading and closes the duplicate descriptor (werift's stays open). */
static napi_value close_js(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  reader_t *r = reader_call(env, info, 1, argv);
  if (r) close_reader(r);
  return NULL;
}

/* realtimeMs(): the clock arrival times are on (CLOCK_REALTIME), in ms, to the nanosecond. */
static napi_value realtime_ms(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  napi_value result;
  napi_create_double(env, (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6, &result);
  return result;
}

static napi_value truncated_count(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, truncated, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  /* One receive buffer per process: a second Node environment (a worker) gets dgram instead. */
  if (slab) return throw_error(env, "already loaded in this process");
  napi_value slab_buffer, meta_buffer, meta_array, arrivals_buffer, arrivals_array;
  if (napi_create_buffer(env, (size_t)SLOTS * SLOT_BYTES, (void **)&slab, &slab_buffer) != napi_ok ||
      napi_create_arraybuffer(env, SLOTS * 3 * sizeof(int32_t), (void **)&meta, &meta_buffer) != napi_ok ||
      napi_create_typedarray(env, napi_int32_array, SLOTS * 3, meta_buffer, 0, &meta_array) != napi_ok ||
      napi_create_arraybuffer(env, SLOTS * sizeof(double), (void **)&arrivals, &arrivals_buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, SLOTS, arrivals_buffer, 0, &arrivals_array) != napi_ok)
    return throw_error(env, "could not allocate the receive buffer");
  napi_create_reference(env, slab_buffer, 1, &slab_ref);
  napi_create_reference(env, meta_array, 1, &meta_ref);
  napi_create_reference(env, arrivals_array, 1, &arrivals_ref);
  for (int i = 0; i < SLOTS; i++) {
    vectors[i].iov_base = slab + (size_t)i * SLOT_BYTES;
    vectors[i].iov_len = SLOT_BYTES;
    memset(&messages[i], 0, sizeof(messages[i]));
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &from[i];
    messages[i].msg_hdr.msg_control = controls[i];
  }
  napi_value slots, slot_bytes;
  napi_create_int32(env, SLOTS, &slots);
  napi_create_int32(env, SLOT_BYTES, &slot_bytes);
  napi_property_descriptor props[] = {
      {"buffer", NULL, NULL, NULL, NULL, slab_buffer, napi_enumerable, NULL},
      {"slots", NULL, NULL, NULL, NULL, meta_array, napi_enumerable, NULL},
      {"arrivals", NULL, NULL, NULL, NULL, arrivals_array, napi_enumerable, NULL},
      {"slotCount", NULL, NULL, NULL, NULL, slots, napi_enumerable, NULL},
      {"slotBytes", NULL, NULL, NULL, NULL, slot_bytes, napi_enumerable, NULL},
      {"open", NULL, open_reader, NULL, NULL, NULL, napi_default, NULL},
      {"setPeer", NULL, set_peer, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_datagram, NULL, NULL, NULL, napi_default, NULL},
      {"address", NULL, slot_address, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_js, NULL, NULL, NULL, napi_default, NULL},
      {"realtimeMs", NULL, realtime_ms, NULL, NULL, NULL, napi_default, NULL},
      {"truncated", NULL, truncated_count, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
