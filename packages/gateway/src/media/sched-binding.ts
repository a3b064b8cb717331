import { nativeAddon } from "./native-addon.js";

/** The scheduling addon in packages/gateway/native (sched_slice.c). */
export interface NativeSchedBinding {
  /** The calling thread's scheduling policy and slice (ns; 0 where the kernel reports none). */
  getSlice(): { policy: number; sliceNs: number };
  /** Asks for this slice on the calling thread (fair policies only; 0: the kernel's own), then as getSlice. */
  setSlice(nanoseconds: number): { policy: number; sliceNs: number };
  /** Puts a thread of this process on SCHED_IDLE (fair policies only); its policy afterwards. */
  setIdle(tid: number): number;
}

/** Linux's policy numbers (sched.h) the callers look at. */
export const SCHED_OTHER = 0;
export const SCHED_BATCH = 3;
export const SCHED_IDLE = 5;

/** The addon, or null where it was not built (the callers then say so and do without). */
export function schedBinding(): NativeSchedBinding | null {
  return nativeAddon<NativeSchedBinding>("callgate_sched");
}
