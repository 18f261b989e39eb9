import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../composition/src/node.ts';
import { heapMapFill, heapMapSummary } from '../../tools/report/heap-map-svg.ts';

describe('the heap map of a real heap', () => {
  it('counts each multi-slab mid chunk once: used bytes cover the live blocks and fit in the heap', () => {
    const heap = createAllocator('hakmem');
    const blocks = Array.from({ length: 300 }, (_, i) => heap.malloc(8192 + ((i * 977) % 24576)));
    const liveBytes = blocks.reduce((sum, p) => sum + heap.usableSize(p), 0);
    const map = heap.heapMap();
    expect(map.slabs.some((slab) => slab.kind === 'mid' && slab.chunk !== slab.slab)).toBe(true);

    const { usedBytes, capacityBytes } = heapMapFill(map);
    expect(usedBytes).toBeGreaterThanOrEqual(liveBytes);
    expect(capacityBytes).toBeGreaterThanOrEqual(usedBytes);
    expect(capacityBytes).toBeLessThanOrEqual(map.slabs.length * map.slabBytes);
    expect(heapMapSummary(map)).toMatch(/used of .* in block-holding chunks/);
  });
});
