import { TRACE_OP_FREE, TRACE_OP_MALLOC, TRACE_OP_REALLOC } from '../workloads/types.ts';
import { AddressSlotMap } from './address-slot-map.ts';
import type { ParsedTrace } from './parsed-trace.ts';

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}

/**
 * Turns traced calls on addresses into events on dense slots. A freed slot is reused by the next
 * allocation, so slotCount stays near the peak number of live blocks.
 */
export class TraceBuilder {
  private ops: Uint8Array;
  private slots: Uint32Array;
  private sizes: Uint32Array;
  private eventCount = 0;
  private readonly slotOfAddress = new AddressSlotMap();
  private slotSizes = new Float64Array(1024);
  private slotCount = 0;
  private freeSlots = new Uint32Array(1024);
  private freeSlotCount = 0;
  private allocs = 0;
  private frees = 0;
  private reallocs = 0;
  private unknownFrees = 0;
  private liveBytes = 0;
  private liveBlocks = 0;
  private peakLiveBytes = 0;
  private peakLiveBlocks = 0;

  constructor(expectedEvents: number) {
    const capacity = Math.max(1024, expectedEvents);
    this.ops = new Uint8Array(capacity);
    this.slots = new Uint32Array(capacity);
    this.sizes = new Uint32Array(capacity);
  }

  /**
   * An address already live here means the trace missed its free: that block stays live (leaked)
   * and the address now names the new one.
   */
  malloc(address: number, size: number): void {
    const slot = this.takeSlot();
    this.slotOfAddress.set(address, slot);
    this.slotSizes[slot] = size;
    this.liveBlocks++;
    this.addLiveBytes(size);
    this.allocs++;
    this.push(TRACE_OP_MALLOC, slot, size);
  }

  free(address: number): void {
    const slot = this.slotOfAddress.take(address);
    if (slot < 0) {
      this.unknownFrees++;
      return;
    }
    this.liveBlocks--;
    this.liveBytes -= this.slotSizes[slot];
    this.releaseSlot(slot);
    this.frees++;
    this.push(TRACE_OP_FREE, slot, 0);
  }

  /** The new address takes over the old one's slot; an unknown old address is replayed as a malloc. */
  realloc(oldAddress: number, newAddress: number, size: number): void {
    const slot = this.slotOfAddress.take(oldAddress);
    if (slot < 0) {
      this.malloc(newAddress, size);
      return;
    }
    this.slotOfAddress.set(newAddress, slot);
    this.addLiveBytes(size - this.slotSizes[slot]);
    this.slotSizes[slot] = size;
    this.reallocs++;
    this.push(TRACE_OP_REALLOC, slot, size);
  }

  finish(truncatedLines: number): ParsedTrace {
    const n = this.eventCount;
    return {
      ops: this.ops.slice(0, n),
      slots: this.slots.slice(0, n),
      sizes: this.sizes.slice(0, n),
      eventCount: n,
      slotCount: this.slotCount,
      allocs: this.allocs,
      frees: this.frees,
      reallocs: this.reallocs,
      unknownFrees: this.unknownFrees,
      truncatedLines,
      peakLiveBytes: this.peakLiveBytes,
      peakLiveBlocks: this.peakLiveBlocks,
      liveAtEndBlocks: this.liveBlocks,
      liveAtEndBytes: this.liveBytes,
    };
  }

  private addLiveBytes(delta: number): void {
    this.liveBytes += delta;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    if (this.liveBlocks > this.peakLiveBlocks) this.peakLiveBlocks = this.liveBlocks;
  }

  private takeSlot(): number {
    if (this.freeSlotCount > 0) return this.freeSlots[--this.freeSlotCount];
    if (this.slotCount === this.slotSizes.length) this.slotSizes = grown(this.slotSizes, this.slotCount * 2);
    return this.slotCount++;
  }

  private releaseSlot(slot: number): void {
    if (this.freeSlotCount === this.freeSlots.length) this.freeSlots = grown(this.freeSlots, this.freeSlotCount * 2);
    this.freeSlots[this.freeSlotCount++] = slot;
  }

  private push(op: number, slot: number, size: number): void {
    if (this.eventCount === this.ops.length) {
      const capacity = this.eventCount * 2;
      this.ops = grown(this.ops, capacity);
      this.slots = grown(this.slots, capacity);
      this.sizes = grown(this.sizes, capacity);
    }
    this.ops[this.eventCount] = op;
    this.slots[this.eventCount] = slot;
    this.sizes[this.eventCount] = size;
    this.eventCount++;
  }
}
