import { throwBadConfig } from '@hakmem/contracts';
import type { AllocatorOptions, BoxContext, BoxDescriptor } from '@hakmem/contracts';

/**
 * What a box descriptor's `create` is given in a single-threaded heap: the boxes it needs (by role name)
 * out of `given`, and its own options at their defaults. A need that `given` lacks is a BAD_CONFIG.
 */
export function descriptorContext(
  box: BoxDescriptor, options: AllocatorOptions, tier: 'small' | 'mid' | undefined, classOffset: number,
  given: Readonly<Record<string, unknown>>,
): BoxContext {
  return {
    options,
    boxOptions: { ...box.defaults },
    tier,
    classOffset,
    threadId: undefined,
    need: <T>(role: string): T => {
      if (!box.needs.includes(role) || !(role in given)) throwBadConfig(`boxes (${box.role})`, `needs role "${role}", which this composition does not provide to it`);
      return given[role] as T;
    },
  };
}
