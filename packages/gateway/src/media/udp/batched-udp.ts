import type { Socket } from "node:dgram";
import { nativeAddon } from "../native-addon.js";
import { beginBatch, endBatch } from "../relay-clock.js";
import { SlotViews } from "./slot-views.js";

/** The addon in packages/gateway/native (udp_batch.c), built by `npm run build` when it can be. */
interface NativeUdpBinding {
  /** The receive buffer every reader shares: slot i starts at i * slotBytes. */
  readonly buffer: Buffer;
  /** Per slot of the current batch: length (-1: truncated, dropped), port, IP version. */
  readonly slots: Int32Array;
  /** Per slot of the current batch: the kernel's arrival time (ms since the epoch), 0 if not asked for. */
  readonly arrivals: Float64Array;
  readonly slotCount: number;
  readonly slotBytes: number;
  open(fd: number, onBatch: (count: number) => void, arrivalTimes: boolean): object;
  setPeer(reader: object, ip: string, port: number): void;
  send(reader: object, packet: Buffer, length: number): number;
  address(slot: number): string;
  close(reader: object): void;
  /** CLOCK_REALTIME in ms (to the nanosecond): the clock of `arrivals`. */
  realtimeMs(): number;
}

/** The parts of Node's dgram socket a reader takes over (its libuv handle: descriptor, reading). */
interface UdpHandle {
  readonly fd: number;
  recvStart(): number;
  recvStop(): number;
}

/** The addon, or null when it was not built or cannot load (not Linux, no compiler): then dgram reads. */
const nativeUdpBinding = () => nativeAddon<NativeUdpBinding>("callgate_udp");

let views: SlotViews | undefined;
/** The views handed to datagram handlers (one receive buffer, so one set for every reader). */
function slotViews(native: NativeUdpBinding): SlotViews {
  views ??= new SlotViews(native.buffer, native.slotBytes, native.slotCount);
  return views;
}

/**
 * The first `length` bytes of a slot of the batch being handled, as a view made once (see
 * SlotViews): for a handler that shortened its datagram in place (the SRTP tag taken off).
 */
export function slotView(slot: number, length: number): Buffer {
  if (!views) throw new Error("slotView: no batched reader has opened (no slots)");
  return views.get(slot, length);
}

/** CALLGATE_MEDIA_BATCHED_UDP=0 leaves receiving to dgram: for measuring, and a way back. */
export function batchedUdpEnabled(): boolean {
  return process.env.CALLGATE_MEDIA_BATCHED_UDP !== "0" && nativeUdpBinding() !== null;
}

let stampArrivals = false;
/** The kernel's arrival time of the datagram being handled (0: none), see arrivalTimeMs. */
let currentArrivalMs = 0;

/**
 * Readers opened from now on ask the kernel for each datagram's arrival time. For the benchmark's
 * load generator: its latency figures end when a packet reached its socket, not when its event
 * loop got to it. The gateway does not ask (a timestamp per datagram it would not use).
 */
export function stampArrivalTimes(on: boolean): void {
  stampArrivals = on;
}

/**
 * When the datagram being handled (inside a DatagramHandler, synchronously) reached the socket,
 * in ms since the epoch on the realtime clock (see realtimeMs); 0 when its reader did not ask.
 */
export function arrivalTimeMs(): number {
  return currentArrivalMs;
}

/** The clock of arrival times: the realtime clock in ms, to the nanosecond with the addon. */
export function realtimeMs(): number {
  return nativeUdpBinding()?.realtimeMs() ?? performance.timeOrigin + performance.now();
}

/** dgram keeps its libuv handle under a private symbol; undefined if a Node release moved it. */
function udpHandle(socket: Socket): UdpHandle | undefined {
  const record = socket as unknown as Record<symbol, { handle?: Partial<UdpHandle> } | undefined>;
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === "state symbol");
  const handle = state === undefined ? undefined : record[state]?.handle;
  if (!handle || typeof handle.fd !== "number" || handle.fd < 0) return undefined;
  if (typeof handle.recvStop !== "function" || typeof handle.recvStart !== "function") return undefined;
  return handle as UdpHandle;
}

/**
 * A datagram of the current batch: valid only until the handler returns (the memory is the next
 * batch's). `capacity` is how many bytes from its start are the handler's to write into (the
 * rest of its slot), so that a packet can grow in place (an SRTP tag).
 */
export type DatagramHandler = (datagram: Buffer, capacity: number, slot: number) => void;

/**
 * Receives on a socket someone else opened (werift's), in batches, through the native addon; the
 * socket's own sending is untouched. Sending through the reader skips dgram's per-packet work.
 */
export class BatchedUdpReader {
  private closed = false;
  private peerHost = "";
  private peerPort = -1;

  private constructor(
    private readonly native: NativeUdpBinding,
    private readonly socket: Socket,
    private readonly handle: UdpHandle,
    private readonly reader: object,
  ) {}

  /** Takes over receiving on the socket; undefined when the addon or the socket's handle is not there. */
  static open(socket: Socket, onDatagram: DatagramHandler): BatchedUdpReader | undefined {
    const native = batchedUdpEnabled() ? nativeUdpBinding() : null;
    const handle = native ? udpHandle(socket) : undefined;
    if (!native || !handle) return undefined;
    const { slots, slotBytes, arrivals } = native;
    const views = slotViews(native);
    // Fixed at open: the gateway's readers, which do not ask, do no per-datagram work for it.
    const stamped = stampArrivals;
    let self: BatchedUdpReader | undefined;
    const onBatch = (count: number) => {
      beginBatch();
      for (let slot = 0; slot < count && self && !self.closed; slot++) {
        const length = slots[slot * 3] as number;
        if (length < 0) continue;
        if (stamped) currentArrivalMs = arrivals[slot] as number;
        try {
          onDatagram(views.get(slot, length), slotBytes, slot);
        } catch (error) {
          // As dgram's "message" handlers in werift do: one bad datagram does not stop the batch.
          process.emitWarning(error instanceof Error ? error : String(error), "CallgateMediaWarning");
        }
      }
      currentArrivalMs = 0;
      endBatch();
    };
    const reader = native.open(handle.fd, onBatch, stamped);
    handle.recvStop();
    self = new BatchedUdpReader(native, socket, handle, reader);
    return self;
  }

  /** Who sent the datagram in this slot of the batch being handled. */
  from(slot: number): [string, number] {
    return [this.native.address(slot), this.native.slots[slot * 3 + 1] as number];
  }

  /**
   * Sends a datagram to this address at once (sendto). False when it was not sent: the socket's
   * queue was full (lost, as on a congested link), the network refused it, or the reader is closed.
   */
  send(packet: Buffer, host: string, port: number): boolean {
    if (this.closed) return false;
    // The address is parsed when it changes, not per packet.
    if (host !== this.peerHost || port !== this.peerPort) {
      this.native.setPeer(this.reader, host, port);
      this.peerHost = host;
      this.peerPort = port;
    }
    return this.native.send(this.reader, packet, packet.length) === 0;
  }

  /** Gives receiving back to the socket (if it is still open) and closes the reader's descriptor. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close(this.reader);
    if (udpHandle(this.socket) === this.handle) this.handle.recvStart();
  }
}
