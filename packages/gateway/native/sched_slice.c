// The relay thread's scheduler slice. Linux's scheduler (EEVDF, since 6.6) gives a thread that
// wakes the core only once its turn comes: a relay thread woken by a datagram on a core where
// another thread runs (V8's helpers, another process) waited there for the next tick, 4 ms at
// 250 Hz, with any kind of thread in the way, even an idle-policy one. Since 6.12 a thread may
// ask for a shorter slice (sched_setattr's sched_runtime, 0.1 to 100 ms, no privilege needed),
// which brings its deadline, and so its turn, forward when it wakes. Node has no call for it.
//
// Only the slice changes: the policy and nice value are read first and written back as they were,
// and a thread on a real-time policy (an admin's chrt) is left alone. Older kernels take the
// call and ignore the slice; sched_getattr then reports none, which is how the caller tells.
//
// The same addon puts V8's helper threads on SCHED_IDLE (setIdle): a thread on that policy never
// preempts a normal one when it wakes and gives its core up at once to a normal thread that
// wakes there. At nice 10 a compiler thread the relay woke on its own core was still picked over
// it and kept the core until the next tick (media/helper-threads.ts). Moving one's own threads to
// SCHED_IDLE needs no privilege either.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* struct sched_attr as of Linux 3.14 (SCHED_ATTR_SIZE_VER0): all a fair thread's slice needs. */
typedef struct {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
} sched_attr_v0;

#define FLAG_RESET_ON_FORK 0x01

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, "ERR_CALLGATE_SCHED", message);
  return NULL;
}

/* The attributes of thread `tid` (0: the calling thread). */
static int get_attr(pid_t tid, sched_attr_v0 *attr) {
  memset(attr, 0, sizeof *attr);
  return (int)syscall(SYS_sched_getattr, tid, attr, (unsigned int)sizeof *attr, 0);
}

#define KEEP_POLICY (-1)

/*
 * Gives thread `tid` (0: the calling thread) the policy `policy` (KEEP_POLICY: its own) and the
 * slice `runtime` (ns; 0: the kernel's own) if it is on a fair policy (SCHED_OTHER, SCHED_BATCH),
 * its nice value kept, and reads its attributes back into `attr`; a thread on any other policy is
 * left as it is. NULL, or the name of the call that failed (errno says why).
 */
static const char *update_fair_thread(pid_t tid, sched_attr_v0 *attr, int policy, uint64_t runtime) {
  if (get_attr(tid, attr) != 0) return "sched_getattr";
  if (attr->sched_policy != SCHED_OTHER && attr->sched_policy != SCHED_BATCH) return NULL;
  attr->size = sizeof *attr;
  if (policy != KEEP_POLICY) attr->sched_policy = (uint32_t)policy;
  attr->sched_flags &= FLAG_RESET_ON_FORK;
  attr->sched_priority = 0;
  attr->sched_runtime = runtime;
  attr->sched_deadline = 0;
  attr->sched_period = 0;
  if (syscall(SYS_sched_setattr, tid, attr, 0) != 0) return "sched_setattr";
  return get_attr(tid, attr) != 0 ? "sched_getattr" : NULL;
}

/* { policy, sliceNs } of the calling thread: sliceNs 0 where the kernel reports no slice. */
static napi_value describe(napi_env env, const sched_attr_v0 *attr) {
  napi_value result, policy, slice;
  napi_create_object(env, &result);
  napi_create_uint32(env, attr->sched_policy, &policy);
  napi_create_double(env, (double)attr->sched_runtime, &slice);
  napi_set_named_property(env, result, "policy", policy);
  napi_set_named_property(env, result, "sliceNs", slice);
  return result;
}

/* getSlice(): the calling thread's policy and slice. */
static napi_value get_slice(napi_env env, napi_callback_info info) {
  sched_attr_v0 attr;
  if (get_attr(0, &attr) != 0) return throw_errno(env, "sched_getattr", errno);
  return describe(env, &attr);
}

/* setSlice(ns): asks for this slice on the calling thread (fair policies only); then as getSlice. */
static napi_value set_slice(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double ns = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_double(env, argv[0], &ns) != napi_ok || !(ns >= 0) || ns > 1e9) {
    napi_throw_range_error(env, "ERR_CALLGATE_SCHED", "setSlice: a slice in nanoseconds (0: the kernel's own)");
    return NULL;
  }
  sched_attr_v0 attr;
  const char *failed = update_fair_thread(0, &attr, KEEP_POLICY, (uint64_t)ns);
  if (failed) return throw_errno(env, failed, errno);
  return describe(env, &attr);
}

/*
 * setIdle(tid): puts thread `tid` of this process on SCHED_IDLE, its nice value kept (what it
 * falls back to should an admin move it back); a thread on a real-time policy is left alone.
 * Returns the thread's policy afterwards (5: SCHED_IDLE).
 */
static napi_value set_idle(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t tid = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int64(env, argv[0], &tid) != napi_ok || tid <= 0 || tid > INT32_MAX) {
    napi_throw_range_error(env, "ERR_CALLGATE_SCHED", "setIdle: a thread id");
    return NULL;
  }
  sched_attr_v0 attr;
  const char *failed = update_fair_thread((pid_t)tid, &attr, SCHED_IDLE, 0);
  if (failed) return throw_errno(env, failed, errno);
  napi_value policy;
  napi_create_uint32(env, attr.sched_policy, &policy);
  return policy;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setIdle", NULL, set_idle, NULL, NULL, NULL, napi_default, NULL},
      {"getSlice", NULL, get_slice, NULL, NULL, NULL, napi_default, NULL},
      {"setSlice", NULL, set_slice, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
