import { describe, expect, it } from 'vitest';
import {
  EVENT_MISS, EVENT_REFILL, SLAB_FREE_COUNT, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_TAG, SLAB_USED,
  resolveOptions,
} from '../../contracts/src/index.ts';
import type { BoxDescriptor, RefillEngine, SlabTierName, ThreadFreelist } from '../../contracts/src/index.ts';
import { MiB, rig, slabWord, tallyErrors } from '../alloc/helpers.ts';
import { boxesOfRole, buildBox } from './boxes-of-role.ts';

/** A refill engine of one tier, built through its descriptor over the rig's pool and list of that tier. */
function buildEngine(
  descriptor: BoxDescriptor, r: ReturnType<typeof rig>, tier: SlabTierName, learnerInterval: number,
): RefillEngine {
  const defaults = resolveOptions({}, {});
  return buildBox<RefillEngine>(descriptor, {
    needs: {
      'heap-backend': r.heap, 'shared-pool': tier === 'small' ? r.smallPool : r.midPool, 'tls-freelist': tier === 'small' ? r.smallList : r.midList,
      'policy-table': r.policy, 'event-ring': r.sink, learner: r.learner,
    },
    options: { learner: { ...defaults.learner, intervalRefills: learnerInterval } },
    tier,
    classOffset: tier === 'small' ? 0 : r.small.count,
  });
}

describe.each(boxesOfRole('refill-engine'))('refill-engine role conformance: %s', (_name, descriptor) => {
  const setUp = (opts: Parameters<typeof rig>[0] = {}) => {
    const r = rig(opts);
    const interval = opts.learnerInterval ?? 1 << 20;
    const small = buildEngine(descriptor, r, 'small', interval);
    const mid = buildEngine(descriptor, r, 'mid', interval);
    return { ...r, engine: small, midEngine: mid };
  };
  /** One refill's blocks: the one handed out, then the list's, which the list gives up. */
  const refillAll = (engine: RefillEngine, list: ThreadFreelist, cls: number) => {
    const first = engine.refill(cls);
    if (first === 0) return [];
    const blocks = [first];
    const { pop } = list.hotOps();
    for (let b = pop(cls); b !== 0; b = pop(cls)) blocks.push(b);
    return blocks;
  };

  it('carves disjoint blocks, inside chunks of the right class, never more than the refill count at once', () => {
    const r = setUp({ refill: 8, capacity: 32 });
    const seen = new Set<number>();
    for (const cls of [0, 5, r.small.count - 1]) {
      const stride = r.small.strides[cls]!;
      for (let i = 0; i < 12; i++) {
        const blocks = refillAll(r.engine, r.smallList, cls);
        expect(blocks.length).toBeGreaterThanOrEqual(1);
        expect(blocks.length).toBeLessThanOrEqual(8);
        for (const b of blocks) {
          expect(seen.has(b)).toBe(false);
          seen.add(b);
          const tag = slabWord(r.heap, b >>> SLAB_SHIFT, SLAB_TAG);
          expect([tag >>> 24, tag & 255]).toEqual([SLAB_KIND_SMALL, cls]);
          expect((b & ((1 << SLAB_SHIFT) - 1)) % stride).toBe(0);
          expect((b & ((1 << SLAB_SHIFT) - 1)) + stride).toBeLessThanOrEqual(1 << SLAB_SHIFT);
        }
      }
    }
    expect(tallyErrors(r.heap, (t) => r.smallPool.check(t))).toEqual([]);
  });

  it('counts each miss and each refill, with a miss and a refill event naming the batch', () => {
    const r = setUp({ refill: 8 });
    const blocks = refillAll(r.engine, r.smallList, 3);
    refillAll(r.engine, r.smallList, 3);
    expect([r.engine.misses[3], r.engine.refills[3], r.engine.misses[4]]).toEqual([2, 2, 0]);
    expect(r.sink.events.slice(0, 2)).toEqual([[EVENT_MISS, 3, 0], [EVENT_REFILL, 3, blocks.length]]);
  });

  it('installs the policy\'s capacity in the list', () => {
    const r = setUp({ refill: 4, capacity: 6 });
    const count = r.small.count + r.mid.count;
    const capacities = new Int32Array(count).fill(6);
    capacities[2] = 10;
    r.policy.publish(new Int32Array(count).fill(4), capacities);
    const out: number[] = [];
    while (out.length < 11) out.push(...refillAll(r.engine, r.smallList, 2));
    const { push } = r.smallList.hotOps();
    let longest = 0;
    for (const b of out.slice(0, 11)) {
      push(2, b);
      longest = Math.max(longest, r.smallList.length(2));
    }
    expect(longest).toBeGreaterThan(6);
    expect(longest).toBeLessThanOrEqual(10);
  });

  it('contract B: a new policy bounds the next refill, and shrinks the lists of the tier then', () => {
    const r = setUp({ refill: 8, capacity: 64 });
    const count = r.small.count + r.mid.count;
    r.engine.refill(1);
    const held = r.smallList.length(1);
    const refills = new Int32Array(count).fill(8);
    const capacities = new Int32Array(count).fill(64);
    refills[1] = 2;
    capacities[1] = 2;
    r.policy.publish(refills, capacities);
    expect(r.smallList.length(1)).toBe(held); // nothing live changes at publish
    const next = refillAll(r.engine, r.smallList, 7);
    expect(r.smallList.length(1)).toBeLessThanOrEqual(2);
    while (r.smallList.hotOps().pop(1) !== 0);
    expect(refillAll(r.engine, r.smallList, 1).length).toBeLessThanOrEqual(2);
    expect(next.length).toBeGreaterThan(0);
  });

  it('the mid engine reads the policy after the small classes', () => {
    const r = setUp({ refill: 2 });
    r.midEngine.refill(5);
    const events = r.sink.events.filter((e) => e[0] === EVENT_MISS);
    expect(events).toEqual([[EVENT_MISS, r.small.count + 5, 0]]);
  });

  it('reuses blocks freed to the chunk before carving fresh ones', () => {
    const r = setUp({ refill: 4, capacity: 4 });
    const blocks = refillAll(r.engine, r.smallList, 0);
    const chunk = blocks[0]! >>> SLAB_SHIFT;
    r.heap.i32[blocks[0]! >>> 2] = 0;
    r.smallPool.returnBlocks(blocks[0]!, 1);
    expect(slabWord(r.heap, chunk, SLAB_FREE_COUNT)).toBe(1);
    expect(refillAll(r.engine, r.smallList, 0)).toContain(blocks[0]);
    expect(slabWord(r.heap, chunk, SLAB_FREE_COUNT)).toBe(0);
  });

  it('leaks nothing: after the lists flush and the engine lets go, every chunk is empty and the pool is sound', () => {
    const r = setUp({ refill: 8, capacity: 16 });
    const chunks = new Set<number>();
    for (const cls of [0, 1, 9, r.small.count - 1]) {
      // refills come on misses only: every block is taken out before the next, and all are freed after
      const blocks: number[] = [];
      for (let i = 0; i < 20; i++) blocks.push(...refillAll(r.engine, r.smallList, cls));
      const { push } = r.smallList.hotOps();
      for (const b of blocks) {
        chunks.add(b >>> SLAB_SHIFT);
        push(cls, b);
      }
    }
    r.smallList.flushAll();
    r.engine.releaseCached();
    for (const chunk of chunks) expect(slabWord(r.heap, chunk, SLAB_USED)).toBe(0);
    expect(tallyErrors(r.heap, (t) => r.smallPool.check(t))).toEqual([]);
  });

  it('returns 0 when memory is out, installing nothing', () => {
    const r = setUp({ heapBytes: 8 * MiB, refill: 2 });
    while (r.superSlab.allocSpan(65536, 65536) !== 0);
    expect(r.engine.refill(0)).toBe(0);
    expect([r.smallList.length(0), r.engine.refills[0], r.engine.misses[0]]).toEqual([0, 0, 1]);
  });

  it('ticks the learner every learnerInterval refills', () => {
    const r = setUp({ refill: 1, learnerInterval: 3 });
    for (let i = 0; i < 7; i++) r.engine.refill(0);
    expect(r.learner.ticks).toBe(2);
  });
});
