import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_SCHEMA, createAllocator, resolveOptions, resolveVariant } from '../../composition/src/index.ts';
import { createAllocator as createAllocatorNode, resolveVariantFile } from '../../composition/src/node.ts';
import { MiB, codeOf, compose } from './helpers.ts';

const messageOf = (call: () => unknown): string => {
  try {
    call();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'none';
};
const arenaOf = (env: Record<string, string>, options: object = {}) =>
  resolveVariant({ name: 'x', extends: 'hakmem', options: { heap: { bytes: 16 * MiB }, ...options } }, env).options.pageArena;

describe('options: HAKMEM_PAGE_ARENA_* environment overrides', () => {
  const cases: Array<[string, keyof ReturnType<typeof arenaOf>, number, number]> = [
    ['HAKMEM_PAGE_ARENA_HOT_SIZE', 'hotSize', 64, 4096],
    ['HAKMEM_PAGE_ARENA_WARM_64K', 'warm64k', 16, 1024],
    ['HAKMEM_PAGE_ARENA_WARM_128K', 'warm128k', 8, 512],
    ['HAKMEM_PAGE_ARENA_WARM_2M', 'warm2m', 4, 256],
  ];
  for (const [env, key, min, max] of cases) {
    it(`${env} sets ${key}, clamped to ${min}..${max}`, () => {
      expect(OPTION_SCHEMA[`pageArena.${key}`]).toMatchObject({ env, min, max, clamp: true });
      expect(arenaOf({ [env]: String(min + 1) })[key]).toBe(min + 1);
      expect(arenaOf({ [env]: String(max - 1) })[key]).toBe(max - 1);
      expect(arenaOf({ [env]: String(min - 1) })[key]).toBe(min);
      expect(arenaOf({ [env]: '0' })[key]).toBe(min);
      expect(arenaOf({ [env]: '-5' })[key]).toBe(min);
      expect(arenaOf({ [env]: String(max + 1) })[key]).toBe(max);
      expect(arenaOf({ [env]: '100000000' })[key]).toBe(max);
      expect(arenaOf({ [env]: '' })[key]).toBe(OPTION_SCHEMA[`pageArena.${key}`].default); // empty: not set
      // the environment wins over the config
      expect(arenaOf({ [env]: String(min + 2) }, { pageArena: { [key]: max - 2 } })[key]).toBe(min + 2);
      expect(codeOf(() => arenaOf({ [env]: 'lots' }))).toBe('BAD_CONFIG');
      expect(messageOf(() => arenaOf({ [env]: 'lots' }))).toContain(env);
    });
  }

  it('the examples: HOT_SIZE=10 -> 64, =100000 -> 4096', () => {
    expect(arenaOf({ HAKMEM_PAGE_ARENA_HOT_SIZE: '10' }).hotSize).toBe(64);
    expect(arenaOf({ HAKMEM_PAGE_ARENA_HOT_SIZE: '100000' }).hotSize).toBe(4096);
  });

  it('HAKMEM_PAGE_ARENA_ENABLE=0 (or false) turns the arena off, =1 on', () => {
    expect(arenaOf({ HAKMEM_PAGE_ARENA_ENABLE: '0' }).enable).toBe(false);
    expect(arenaOf({ HAKMEM_PAGE_ARENA_ENABLE: 'false' }).enable).toBe(false);
    expect(arenaOf({ HAKMEM_PAGE_ARENA_ENABLE: '1' }).enable).toBe(true);
    expect(arenaOf({ HAKMEM_PAGE_ARENA_ENABLE: '1' }, { pageArena: { enable: false } }).enable).toBe(true);
    const a = createAllocator({ name: 'off', extends: 'hakmem', options: { heap: { bytes: 16 * MiB } } }, { env: { HAKMEM_PAGE_ARENA_ENABLE: '0' } });
    expect(a.stats().pageArena.enabled).toBe(false);
    const b = a.malloc(64 * 1024);
    a.free(a.malloc(200 * 1024));
    a.free(b);
    expect(a.stats().pageArena.warm.frees + a.stats().pageArena.hot.frees).toBe(0);
  });

  it('the environment reaches a composed allocator (and defaults apply without it)', () => {
    const a = createAllocator({ name: 'e', extends: 'hakmem', options: { heap: { bytes: 16 * MiB } } }, { env: { HAKMEM_HEAP_BYTES: String(8 * MiB) } });
    expect(a.stats().heapBytes).toBe(8 * MiB);
    expect(compose('hakmem', {}, 16 * MiB).stats().heapBytes).toBe(16 * MiB);
  });
});

describe('options: config values', () => {
  it('page arena values are clamped like the environment', () => {
    expect(arenaOf({}, { pageArena: { hotSize: 10, warm64k: 5000, warm128k: 1, warm2m: 1000 } })).toEqual({
      enable: true, hotSize: 64, warm64k: 1024, warm128k: 8, warm2m: 256, decayOps: 1024,
    });
    expect(arenaOf({}, { pageArena: { hotSize: 100000 } }).hotSize).toBe(4096);
    expect(arenaOf({})).toEqual({ enable: true, hotSize: 1024, warm64k: 256, warm128k: 128, warm2m: 64, decayOps: 1024 });
  });

  it('unknown keys and bad values are rejected naming their path', () => {
    const bad = (config: object) => messageOf(() => resolveVariant({ name: 'x', ...config } as never, {}));
    expect(bad({ options: { pageArena: { hotSize: 'big' } } })).toMatch(/^BAD_CONFIG: config variant\.options\.pageArena\.hotSize/);
    expect(bad({ options: { pageArena: { hotSize: 1.5 } } })).toMatch(/variant\.options\.pageArena\.hotSize/);
    expect(bad({ options: { pageArena: { hotsize: 100 } } })).toMatch(/variant\.options\.pageArena\.hotsize/);
    expect(bad({ options: { pageArena: { enable: 'yes' } } })).toMatch(/variant\.options\.pageArena\.enable/);
    expect(bad({ options: { pagearena: {} } })).toMatch(/variant\.options\.pagearena/);
    expect(bad({ options: { heap: { bytes: 1000 } } })).toMatch(/variant\.options\.heap\.bytes/);
    expect(bad({ options: { heap: { bytes: 8 * MiB + 4096 } } })).toMatch(/variant\.options\.heap\.bytes.*multiple/);
    expect(bad({ options: { oom: 'crash' } })).toMatch(/variant\.options\.oom/);
    expect(bad({ options: { l25: { cacheSlots: 1000 } } })).toMatch(/variant\.options\.l25\.cacheSlots/);
    expect(bad({ boxes: { classifier: 'class-by-magic' } })).toMatch(/^BAD_CONFIG: config variant\.boxes\.classifier/);
    expect(bad({ boxes: { allocator: 'x' } })).toMatch(/variant\.boxes\.allocator/);
    expect(bad({ extends: 'jemalloc' })).toMatch(/^BAD_CONFIG: config variant\.extends/);
    expect(bad({ colour: 'red' })).toMatch(/variant\.colour/);
    expect(messageOf(() => resolveVariant({ name: '' } as never, {}))).toMatch(/variant\.name/);
    expect(messageOf(() => resolveVariant('no-such-preset-or-file', {}))).toMatch(/^BAD_CONFIG/);
    expect(messageOf(() => resolveOptions({ refill: { small: 0 } }, {}))).toMatch(/options\.refill\.small/);
    expect(codeOf(() => createAllocator({ name: 'x', options: { heap: { bytes: -1 } } }, { env: {} }))).toBe('BAD_CONFIG');
  });

  it('the core takes presets and objects only: a file path is for the Node entry', () => {
    expect(messageOf(() => createAllocator('variants/mine.json', { env: {} }))).toMatch(/^BAD_CONFIG.*not a preset.*in Node/);
  });

  it('a variant JSON file loads in the Node entry, and its errors are named after the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-variant-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({
      name: 'mine', extends: 'hakmem-header', options: { heap: { bytes: 16 * MiB }, pageArena: { hotSize: 10 }, l25: { cacheSlots: 0 } },
    }));
    const resolved = resolveVariantFile(file, {});
    expect(resolved.name).toBe('mine');
    expect(resolved.boxes.classifier).toBe('class-by-header');
    expect(resolved.options.pageArena.hotSize).toBe(64);
    expect(resolved.options.l25.cacheSlots).toBe(0);
    const a = createAllocatorNode(file, { env: {} });
    expect(a.variant).toBe('mine');
    const p = a.malloc(100);
    expect(a.usableSize(p)).toBeGreaterThanOrEqual(100);
    a.free(p);
    expect(codeOf(() => a.free(p))).toBe('DOUBLE_FREE'); // the header classifier it extends
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ name: 'b', options: { pageArena: { hotSize: 'x' } } }));
    expect(messageOf(() => resolveVariantFile(broken, {}))).toContain(`${broken}.options.pageArena.hotSize`);
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ name: ');
    expect(codeOf(() => resolveVariantFile(notJson, {}))).toBe('BAD_CONFIG');
  });

  it('two variants side by side in one process work independently', () => {
    const a = compose('hakmem', {}, 16 * MiB);
    const b = createAllocator({ name: 'other', extends: 'hakmem-checked', options: { heap: { bytes: 24 * MiB }, pageArena: { enable: false } } }, { env: {} });
    expect(a.buffer).not.toBe(b.buffer);
    expect([a.stats().heapBytes, b.stats().heapBytes]).toEqual([16 * MiB, 24 * MiB]);
    const pa = a.malloc(64);
    const pb = b.malloc(64);
    expect(pa).toBe(pb); // the same first address, in different heaps
    a.u8.fill(0xaa, pa, pa + 64);
    b.u8.fill(0x55, pb, pb + 64);
    expect(a.u8[pa]).toBe(0xaa);
    const la = a.malloc(100 * 1024);
    a.free(la);
    expect(a.stats().liveBlocks).toBe(1);
    expect(b.stats().liveBlocks).toBe(1);
    a.free(pa);
    expect(b.usableSize(pb)).toBe(64);
    expect(b.u8[pb]).toBe(0x55);
    expect(codeOf(() => b.free(pb + 64))).toBe('DOUBLE_FREE'); // checked: carved in b's list, never handed out
    b.free(pb);
    expect([a.stats().liveBlocks, b.stats().liveBlocks]).toEqual([0, 0]);
    expect(a.stats().pageArena.enabled).toBe(true);
    expect(b.stats().pageArena.enabled).toBe(false);
    expect(a.check().ok && b.check().ok).toBe(true);
  });
});
