/**
 * Views of the receive buffer every batched reader shares, made once per slot and length and
 * handed out again. A view made per datagram was a quarter of the relay's garbage (about 85
 * bytes each, two a relayed packet: the datagram's and the decrypted packet's), and so of its
 * young-generation collections, each a pause of the one thread that relays. A datagram's view was
 * never valid past its handler (the next batch overwrites the slot), so handing the same object
 * out again changes nothing for its users.
 *
 * Bounded: lengths up to CACHED_LENGTH_LIMIT are kept (every packet of a WebRTC call; browsers
 * keep to about 1,200 bytes), longer ones get a view of their own each time, so that datagrams
 * of every size sprayed at a media port pin at most slots x limit views (about 5 MB), not the
 * buffer's every length.
 */
export const CACHED_LENGTH_LIMIT = 1500;

export class SlotViews {
  private readonly bySlot: Array<Array<Buffer | undefined> | undefined>;

  constructor(
    private readonly buffer: Buffer,
    private readonly slotBytes: number,
    slotCount: number,
  ) {
    this.bySlot = new Array<Array<Buffer | undefined> | undefined>(slotCount).fill(undefined);
  }

  /** The first `length` bytes of `slot`. */
  get(slot: number, length: number): Buffer {
    const start = slot * this.slotBytes;
    if (length > CACHED_LENGTH_LIMIT) return this.buffer.subarray(start, start + length);
    let views = this.bySlot[slot];
    if (views === undefined) {
      // Filled, not holey: a dense array is read without a dictionary lookup.
      views = new Array<Buffer | undefined>(CACHED_LENGTH_LIMIT + 1).fill(undefined);
      this.bySlot[slot] = views;
    }
    let view = views[length];
    if (view === undefined) {
      view = this.buffer.subarray(start, start + length);
      views[length] = view;
    }
    return view;
  }
}
