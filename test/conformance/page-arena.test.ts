import { describe, expect, it } from 'vitest';
import { PAGE_BYTES, PAGE_CACHED } from '../../contracts/src/index.ts';
import type { AllocatorOptions, PageArena } from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { ARENA_DEFAULTS, KiB, MiB, heapErrors, pageKind, reusableBytes } from '../alloc/helpers.ts';
import { boxesOfRole, buildBox } from './boxes-of-role.ts';

const SPAN_SIZES = [PAGE_BYTES, 64 * KiB, 128 * KiB, 2 * MiB];

/** Every box of the page-arena role: each must keep the role's contract, whatever else it does. */
describe.each(boxesOfRole('page-arena'))('page-arena role conformance: %s', (_name, descriptor) => {
  const build = (options: Partial<AllocatorOptions['pageArena']> = {}) => {
    const heap = new ArrayBufferHeap({ bytes: 64 * MiB });
    const arena = buildBox<PageArena>(descriptor, { needs: { 'heap-backend': heap }, options: { pageArena: { ...ARENA_DEFAULTS, ...options } } });
    return { heap, arena };
  };

  it.each(SPAN_SIZES)('hands out aligned, disjoint spans of %i bytes and takes them back', (bytes) => {
    const { heap, arena } = build();
    const spans = [arena.allocSpan(bytes, bytes), arena.allocSpan(bytes, bytes), arena.allocSpan(bytes, PAGE_BYTES)];
    expect(spans.every((span) => span !== 0)).toBe(true);
    expect(spans[0]! % bytes).toBe(0);
    expect(spans[1]! % bytes).toBe(0);
    const sorted = [...spans].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(bytes);
    for (const span of spans) arena.freeSpan(span, bytes);
    expect(heapErrors((errors) => arena.check(errors))).toEqual([]);
    expect(heapErrors((errors) => heap.check(errors))).toEqual([]);
  });

  it('tags a cached span so a second free of it is visible, and reuses it before fresh space', () => {
    const { heap, arena } = build();
    const span = arena.allocSpan(64 * KiB, 64 * KiB);
    arena.freeSpan(span, 64 * KiB);
    expect(pageKind(heap, span)).toBe(PAGE_CACHED);
    expect(arena.cachedBytes()).toBe(64 * KiB);
    expect(arena.allocSpan(64 * KiB, 64 * KiB)).toBe(span);
    expect(pageKind(heap, span)).not.toBe(PAGE_CACHED);
  });

  it('gives everything back on releaseCached, so the page heap can coalesce it', () => {
    const { heap, arena } = build();
    const spans = SPAN_SIZES.map((bytes) => arena.allocSpan(bytes, bytes));
    SPAN_SIZES.forEach((bytes, i) => arena.freeSpan(spans[i]!, bytes));
    const cached = arena.cachedBytes();
    expect(cached).toBe(SPAN_SIZES.reduce((a, b) => a + b, 0));
    const reusableBefore = reusableBytes(heap);
    expect(arena.releaseCached()).toBe(cached);
    expect(arena.cachedBytes()).toBe(0);
    expect(reusableBytes(heap) - reusableBefore).toBe(cached);
    expect(heapErrors((errors) => heap.check(errors))).toEqual([]);
  });

  it('passes every span straight through when disabled', () => {
    const { heap, arena } = build({ enable: false });
    const span = arena.allocSpan(64 * KiB, 64 * KiB);
    arena.freeSpan(span, 64 * KiB);
    expect(arena.cachedBytes()).toBe(0);
    expect(arena.stats().enabled).toBe(false);
    expect(heap.allocSpan(64 * KiB, 64 * KiB)).toBe(span);
  });

  it('evicts to the backend when a cache is full', () => {
    const { heap, arena } = build({ warm64k: 16 });
    const spans = Array.from({ length: 17 }, () => arena.allocSpan(64 * KiB, 64 * KiB));
    for (const span of spans) arena.freeSpan(span, 64 * KiB);
    expect(arena.cachedBytes()).toBe(16 * 64 * KiB);
    expect(arena.stats().warm.evictions).toBe(1);
    expect(heap.allocSpan(64 * KiB, 64 * KiB)).toBe(spans[16]);
  });
});
