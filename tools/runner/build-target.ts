import type { HeapMap } from '../../contracts/src/api.ts';
import { allocatorTarget } from '../workloads/allocator-target.ts';
import type { WorkloadTarget } from '../workloads/types.ts';
import { targetKind } from './target-kind.ts';

export interface BuiltTarget {
  readonly target: WorkloadTarget;
  /** present for hakmem variants */
  readonly heapMap?: () => HeapMap;
  /** the target's own footprint count misses memory (js-gc: small arrays live in V8's heap), so only RSS speaks for it */
  readonly ownCountIncomplete?: boolean;
}

/**
 * A factory of fresh instances of one target (warm-up and timed run each get their own). Only the
 * requested kind's module is loaded, so the process holds a single target class and call sites stay monomorphic.
 */
export async function targetFactory(name: string): Promise<() => BuiltTarget> {
  const kind = targetKind(name);
  switch (kind.kind) {
    case 'native':
      throw new Error(`${name} runs through the native harness, not in a JS process`);
    case 'peer': {
      const { createPeer } = await import('../peers/index.ts');
      return () => ({ target: createPeer(kind.peer), ownCountIncomplete: kind.peer === 'js-gc' });
    }
    case 'yardstick': {
      const { YardstickTarget } = await import('../yardstick/target.ts');
      if (kind.yardstick === 'plain') {
        const { createPlainAllocator } = await import('../yardstick/plain.ts');
        return () => ({ target: new YardstickTarget('plain', createPlainAllocator()) });
      }
      const { createFusedSmallAllocator } = await import('../yardstick/fused.ts');
      return () => ({ target: new YardstickTarget('fused', createFusedSmallAllocator()) });
    }
    case 'hakmem': {
      const { composeLoaded, loadVariant } = await import('../../composition/src/node.ts');
      const loaded = await loadVariant(kind.variant, process.env);
      return () => {
        const alloc = composeLoaded(loaded);
        return { target: allocatorTarget(alloc), heapMap: () => alloc.heapMap() };
      };
    }
  }
}
