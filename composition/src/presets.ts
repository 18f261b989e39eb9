import type { VariantConfig } from './variant.ts';

/** The preset variants. Each differs from `hakmem` in one box or one option, so A/B says what that one thing does. */
export const PRESETS: Readonly<Record<string, VariantConfig>> = {
  hakmem: {
    name: 'hakmem',
    description: 'class from the slab table (no header), a live bit per 16 bytes catches every double free, PageArena on, fixed refill policy',
  },
  'hakmem-fast': {
    name: 'hakmem-fast',
    description: 'no checks on free (class straight from the slab tag): what the checks cost',
    options: { checks: 'none' },
  },
  'hakmem-header': {
    name: 'hakmem-header',
    description: 'class from a 16-byte header before each block (Pool TLS style); catches every double free',
    boxes: { classifier: 'class-by-header' },
  },
  'hakmem-checked': {
    name: 'hakmem-checked',
    description: 'the whole slab lookup on every free plus the live bit: precise diagnosis up front, catches every double free',
    boxes: { classifier: 'class-checked' },
  },
  'hakmem-no-arena': {
    name: 'hakmem-no-arena',
    description: 'PageArena off: freed spans go straight back to the page heap',
    options: { pageArena: { enable: false } },
  },
  'hakmem-ace': {
    name: 'hakmem-ace',
    description: 'the ACE learner tunes refill counts and list capacities while it runs',
    boxes: { learner: 'ace-learner' },
  },
  'hakmem-mt': {
    name: 'hakmem-mt',
    description: 'for a heap shared by worker threads (createSharedHeap/attach): no span caches and no live bits, which would be per thread',
    options: { checks: 'slab', pageArena: { enable: false }, l25: { cacheSlots: 0 }, whale: { cacheSlots: 0 } },
  },
};

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);
