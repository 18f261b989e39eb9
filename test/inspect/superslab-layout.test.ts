import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { PAGE_CHUNK, PAGE_SHIFT, SEGMENT_BYTES, SEGMENT_SHIFT, SLAB_BYTES, SLAB_SHIFT, SLABS_PER_SEGMENT } from '../../contracts/src/index.ts';
import type { BoxDescriptor, HeapBackend, HeapMapDraft, SuperSlab } from '../../contracts/src/index.ts';
import { ComposedAllocator } from '../../composition/src/allocator.ts';
import { buildContainer } from '../../composition/src/container.ts';
import { resolveVariant } from '../../composition/src/variant.ts';
import { MiB } from '../alloc/helpers.ts';

const HEADER_MAGIC = 0x5345_4748; // "SEGH"
/** slabs 1..15 of a segment: slab 0 holds the segment's header */
const ALL_FREE = ((1 << SLABS_PER_SEGMENT) - 1) & ~1;

/**
 * A superslab with a layout of its own: each segment's first slab is a header in the heap (magic and
 * free-slab mask in its first words) rather than words of the slab table, and it hands out the other
 * fifteen. Only this box knows that slab 0 is metadata, so only it can put it on the heap map.
 */
class HeaderedSuperSlab implements SuperSlab {
  private readonly masks = new Map<number, number>();

  constructor(private readonly heap: HeapBackend) {}

  allocSpan(bytes: number): number {
    if (bytes !== SLAB_BYTES) return 0;
    let segment = [...this.masks].find(([, mask]) => mask !== 0)?.[0];
    if (segment === undefined) {
      const base = this.heap.allocSpan(SEGMENT_BYTES, SEGMENT_BYTES);
      if (base === 0) return 0;
      segment = base >>> SEGMENT_SHIFT;
      this.heap.touch(base, 8);
      this.heap.i32[this.heap.layout.pageKindWord + (base >>> PAGE_SHIFT)] = PAGE_CHUNK;
      this.setMask(segment, ALL_FREE);
    }
    const mask = this.masks.get(segment) as number;
    const bit = 31 - Math.clz32(mask & -mask);
    this.setMask(segment, mask & ~(1 << bit));
    return (segment << SEGMENT_SHIFT) + (bit << SLAB_SHIFT);
  }

  freeSpan(ptr: number): void {
    const segment = ptr >>> SEGMENT_SHIFT;
    const mask = (this.masks.get(segment) as number) | (1 << ((ptr >>> SLAB_SHIFT) & (SLABS_PER_SEGMENT - 1)));
    if (mask !== ALL_FREE) {
      this.setMask(segment, mask);
      return;
    }
    this.masks.delete(segment);
    this.heap.i32[(segment << SEGMENT_SHIFT) >>> 2] = 0;
    this.heap.i32[this.heap.layout.pageKindWord + ((segment << SEGMENT_SHIFT) >>> PAGE_SHIFT)] = 0;
    this.heap.freeSpan(segment << SEGMENT_SHIFT, SEGMENT_BYTES);
  }

  segmentCount(): number {
    return this.masks.size;
  }

  check(errors: string[]): void {
    for (const [segment, mask] of this.masks) {
      const word = (segment << SEGMENT_SHIFT) >>> 2;
      if (this.heap.i32[word] !== HEADER_MAGIC || this.heap.i32[word + 1] !== mask) errors.push(`segment ${segment}: its header slab was overwritten`);
    }
  }

  mapSlabs(map: HeapMapDraft): void {
    for (const [segment, mask] of this.masks) {
      const first = segment << (SEGMENT_SHIFT - SLAB_SHIFT);
      map.slabs[first] = { ...map.slabs[first], kind: 'meta' };
      for (let i = 1; i < SLABS_PER_SEGMENT; i++) if ((mask >>> i) & 1) map.slabs[first + i] = { ...map.slabs[first + i], kind: 'free' };
    }
  }

  private setMask(segment: number, mask: number): void {
    this.masks.set(segment, mask);
    const word = (segment << SEGMENT_SHIFT) >>> 2;
    this.heap.i32[word] = HEADER_MAGIC;
    this.heap.i32[word + 1] = mask;
  }
}

const headeredBox: BoxDescriptor<SuperSlab> = {
  role: 'superslab',
  needs: ['heap-backend'],
  create: (ctx) => new HeaderedSuperSlab(ctx.need('heap-backend')),
};

function compose(withHeaders: boolean): ComposedAllocator {
  const external = new Map([['./headered-superslab', headeredBox]]);
  const boxes: Record<string, string> = withHeaders ? { superslab: './headered-superslab' } : {};
  const config = { name: 'headered', extends: 'hakmem', boxes, options: { heap: { bytes: 64 * MiB } } };
  const container = buildContainer(resolveVariant(config, {}, 'variant', 'single', external), { external });
  return new ComposedAllocator('headered', container);
}

/** Small blocks of many classes, enough to fill several segments, a third of them freed. */
function run(a: ComposedAllocator): number[] {
  const live: number[] = [];
  for (let i = 0; i < 6000; i++) {
    const ptr = a.malloc(16 + ((i * 97) % 8000));
    expect(ptr).not.toBe(0);
    a.u8[ptr] = i & 255;
    live.push(ptr);
    if (i % 3 === 2) a.free(live.splice((i * 13) % live.length, 1)[0]);
  }
  return live;
}

describe('a superslab with another layout reports its own regions', () => {
  it('stats and check match the default superslab; the heap map shows its header slabs as metadata', () => {
    const a = compose(true);
    const plain = compose(false);
    const live = run(a);
    run(plain);
    const { footprintBytes: _a, ...stats } = a.stats();
    const { footprintBytes: _b, ...plainStats } = plain.stats();
    expect(stats).toEqual(plainStats);
    const report = a.check();
    expect(report).toMatchObject({ ok: true, errors: [], liveBlocks: live.length, slabs: plain.check().slabs });
    expect(report.segments).toBeGreaterThan(1);
    const slabs = a.heapMap().slabs;
    const headers = slabs.filter((s) => s.slab % SLABS_PER_SEGMENT === 0 && s.slab >= 16 && s.kind === 'meta');
    expect(headers.length).toBe(report.segments);
    expect(slabs.filter((s) => s.kind === 'small' && s.slab % SLABS_PER_SEGMENT === 0)).toEqual([]);
    expect(slabs.filter((s) => s.kind === 'small').length).toBe(plain.heapMap().slabs.filter((s) => s.kind === 'small').length);
  });

  it('check() reports a header slab overwritten through a stray write', () => {
    const a = compose(true);
    const live = run(a);
    const header = (live[0] >>> SEGMENT_SHIFT) << SEGMENT_SHIFT;
    a.u8.fill(0, header, header + 8);
    expect(a.check().errors).toEqual([`segment ${live[0] >>> SEGMENT_SHIFT}: its header slab was overwritten`]);
  });

  it('freeing every block leaves the heap clean', () => {
    const a = compose(true);
    for (const ptr of run(a)) a.free(ptr);
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 0 });
  });
});
