import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attach, createAllocator, createSharedHeap } from '../../composition/src/index.ts';
import type { VariantConfig } from '../../composition/src/index.ts';
import { createAllocatorAsync, createSharedHeap as createSharedHeapNode, loadVariant } from '../../composition/src/node.ts';
import { MiB } from '../alloc/helpers.ts';

const PASS_THROUGH_ARENA = resolve('test/fixtures/external-boxes/pass-through-arena');

/** A fresh folder outside the repository, with the given files (path -> text). */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-boxes-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function variantFile(dir: string, boxes: VariantConfig['boxes']): string {
  const file = join(dir, 'variant.json');
  writeFileSync(file, JSON.stringify({ name: 'mine', extends: 'hakmem', boxes, options: { heap: { bytes: 64 * MiB } } }));
  return file;
}

function messageOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
}

async function asyncMessageOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
}

/** Writes, reads back and frees blocks of a few sizes through the allocator's own bytes. */
function roundTrip(heap: ReturnType<typeof createAllocator>): void {
  const pointers = [24, 3000, 40_000, 300 * 1024].map((size, i) => {
    const ptr = heap.malloc(size);
    expect(ptr).not.toBe(0);
    heap.u8.fill(i + 1, ptr, ptr + size);
    return { ptr, size, fill: i + 1 };
  });
  for (const { ptr, size, fill } of pointers) {
    expect(heap.u8[ptr]).toBe(fill);
    expect(heap.u8[ptr + size - 1]).toBe(fill);
    heap.free(ptr);
  }
  expect(heap.check().errors).toEqual([]);
}

const LEARNER_MODULE = `
export const built = [];
export const box = {
  role: 'learner',
  needs: ['event-ring', 'policy-table'],
  defaults: { arms: 3 },
  create(ctx) {
    built.push(ctx.boxOptions);
    const learner = { ticks: 0, tick() { learner.ticks++; } };
    return learner;
  },
};
`;

describe('a variant names a box from outside the workspace', () => {
  it('by a path to a box package, relative to the variant file: composes, and malloc/free work on real bytes through it', async () => {
    const dir = folderWith({});
    cpSync(PASS_THROUGH_ARENA, join(dir, 'my-arena'), { recursive: true });
    const file = variantFile(dir, { 'page-arena': { box: './my-arena', options: { label: 'mine' } }, classifier: 'class-by-header', learner: 'ace-learner' });
    const heap = await createAllocatorAsync(file, { env: {} });
    roundTrip(heap);
    // the 300 KiB block is an L25 run: its span came through the path box, which caches nothing
    expect(heap.stats().pageArena.cold.allocations).toBeGreaterThan(0);
    expect(heap.stats().pageArena.enabled).toBe(false);
    const loaded = await loadVariant(file, {});
    expect(loaded.variant.boxes['page-arena']).toBe(join(dir, 'my-arena'));
    expect(loaded.variant.boxOptions['page-arena']).toEqual({ label: 'mine' });
  });

  it('by a path to a module, with its options over its defaults', async () => {
    const dir = folderWith({ 'boxes/counting-learner.js': LEARNER_MODULE });
    const file = variantFile(dir, { learner: { box: './boxes/counting-learner.js', options: { arms: 5 } } });
    roundTrip(await createAllocatorAsync(file, { env: {} }));
    const module = (await import(pathToFileURL(join(dir, 'boxes/counting-learner.js')).href)) as { built: unknown[] };
    expect(module.built).toContainEqual({ arms: 5 });
  });

  it('by the npm name of a package installed in a node_modules above the variant file', async () => {
    const dir = folderWith({
      'node_modules/@someone/hakmem-bandit/package.json': JSON.stringify({ name: '@someone/hakmem-bandit', type: 'module', main: 'learner.js', hakmem: { role: 'learner' } }),
      'node_modules/@someone/hakmem-bandit/learner.js': LEARNER_MODULE,
      'variants/deep/placeholder': '',
    });
    const file = variantFile(join(dir, 'variants/deep'), { learner: '@someone/hakmem-bandit' });
    const loaded = await loadVariant(file, {});
    expect(loaded.variant.boxes.learner).toBe('@someone/hakmem-bandit');
    expect([...loaded.boxes.keys()]).toEqual(['@someone/hakmem-bandit']);
    roundTrip(await createAllocatorAsync(file, { env: {} }));
  });

  it('by a path to a TypeScript box package (the workspace\'s own decaying arena, as a folder)', async () => {
    const loaded = await loadVariant({ name: 'ts-path', boxes: { 'page-arena': './boxes/page-arena-decay' } }, {});
    expect(loaded.variant.boxes['page-arena']).toBe(resolve('boxes/page-arena-decay'));
    roundTrip(await createAllocatorAsync({ name: 'ts-path', boxes: { 'page-arena': './boxes/page-arena-decay' }, options: { heap: { bytes: 64 * MiB } } }, { env: {} }));
  });
});

describe('composition checks the choice before anything runs (BAD_CONFIG naming the role, the box and what is wrong)', () => {
  const sync = (boxes: VariantConfig['boxes']) => messageOf(() => createAllocator({ name: 'x', boxes, options: { heap: { bytes: 16 * MiB } } }, { env: {} }));

  it.each([
    ['an unknown role', { pageArena: 'page-arena' }, /^BAD_CONFIG: config variant\.boxes\.pageArena: unknown role; the roles: heap-backend, page-arena/],
    ['a box of another role', { classifier: 'page-arena' }, /variant\.boxes\.classifier: box "page-arena" fills role page-arena, not classifier/],
    ['an unknown workspace box', { 'tls-freelist': 'tls-magic' }, /variant\.boxes\.tls-freelist: box "tls-magic" is no workspace box \(the tls-freelist boxes: tls-freelist, tls-magazine\)/],
    ['a role nothing binds', { 'front-gate': null }, /variant\.boxes\.front-gate: nothing binds this role, and the allocator calls it directly/],
    ['a box needing a role the variant leaves unbound', { superslab: null }, /variant\.boxes\.shared-pool: box "shared-pool" needs role superslab, which the variant leaves unbound/],
    ['a box whose modes exclude the heap', { superslab: 'superslab-shared' }, /variant\.boxes\.superslab: box "superslab-shared" cannot serve a single-threaded heap \(its modes: shared\)/],
    ['an option the box does not declare', { 'page-arena': { box: 'page-arena', options: { decay: 5 } } }, /variant\.boxes\.page-arena\.options\.decay: box "page-arena" has no option decay \(it takes no options\)/],
    ['a path box in the synchronous core', { 'page-arena': './my-arena' }, /variant\.boxes\.page-arena: box "\.\/my-arena" is outside the workspace: load the variant in Node with loadVariant\(\) or createAllocatorAsync\(\)/],
    ['an npm box in the synchronous core', { learner: 'hakmem-bandit' }, /variant\.boxes\.learner: box "hakmem-bandit" is no workspace box .* loads in Node with loadVariant\(\)/],
  ])('refuses %s', (_case, boxes, message) => {
    expect(sync(boxes as VariantConfig['boxes'])).toMatch(message);
  });

  it('resolves a variant file for a shared heap with the shared defaults, and refuses a single-heap box there', () => {
    const dir = folderWith({});
    const handle = createSharedHeapNode(variantFile(dir, { learner: 'ace-learner' }), { env: {} });
    expect(handle.variant.boxes).toMatchObject({ 'heap-backend': 'heap-shared', superslab: 'superslab-shared', 'shared-pool': 'shared-pool-atomic', learner: 'ace-learner' });
    const heap = attach(handle);
    roundTrip(heap);
    heap.detach();
    expect(messageOf(() => createSharedHeapNode(variantFile(dir, { superslab: 'superslab' }), { env: {} })))
      .toMatch(/variant\.json\.boxes\.superslab: box "superslab" cannot serve a heap shared by worker threads \(its modes: single\)/);
  });

  it('refuses a box whose modes exclude a shared heap', () => {
    expect(messageOf(() => createSharedHeap({ name: 'x', extends: 'hakmem-mt', boxes: { classifier: 'class-checked' } }, { env: {} })))
      .toMatch(/variant\.boxes\.classifier: box "class-checked" cannot serve a heap shared by worker threads \(its modes: single\)/);
  });

  const external = async (module: string, role = 'page-arena', options?: Record<string, unknown>) => {
    const dir = folderWith({ 'box.js': module });
    const file = variantFile(dir, { [role]: options ? { box: './box.js', options } : './box.js' } as VariantConfig['boxes']);
    return asyncMessageOf(() => createAllocatorAsync(file, { env: {} }));
  };

  it('refuses a box that lacks a member of its role\'s interface, naming it', async () => {
    const lacking = `export const box = { role: 'page-arena', needs: ['heap-backend'], create: (ctx) => {
      const heap = ctx.need('heap-backend');
      return { enabled: false, allocSpan: (b, a) => heap.allocSpan(b, a), freeSpan: (p, b) => heap.freeSpan(p, b), releaseCached: () => 0, cachedBytes: () => 0, check() {} };
    } };`;
    expect(await external(lacking)).toMatch(/variant\.boxes\.page-arena: box "\/.*box\.js" lacks stats of PageArena/);
  });

  it('refuses an option of the wrong type', async () => {
    const dir = folderWith({});
    cpSync(PASS_THROUGH_ARENA, join(dir, 'arena'), { recursive: true });
    const file = variantFile(dir, { 'page-arena': { box: './arena', options: { label: 5 } } });
    expect(await asyncMessageOf(() => loadVariant(file, {}))).toMatch(/boxes\.page-arena\.options\.label: box ".*arena" takes a string for label, got 5/);
  });

  it('refuses a box that asks for a role its needs do not list', async () => {
    const sneaky = `export const box = { role: 'page-arena', needs: [], create: (ctx) => ctx.need('heap-backend') };`;
    expect(await external(sneaky)).toMatch(/boxes\.page-arena: box ".*box\.js" asks for role heap-backend, which its descriptor's needs does not list/);
  });

  it('refuses a box that needs no role at all', async () => {
    const typo = `export const box = { role: 'page-arena', needs: ['heap-backends'], create: () => ({}) };`;
    expect(await external(typo)).toMatch(/boxes\.page-arena: box ".*box\.js" needs role heap-backends, which is no role \(the roles: heap-backend/);
  });

  it('refuses a learner that needs more than contract B lets it see', async () => {
    const peeking = `export const box = { role: 'learner', needs: ['event-ring', 'tls-freelist'], create: () => ({ tick() {}, ticks: 0 }) };`;
    expect(await external(peeking, 'learner')).toMatch(/boxes\.learner: box ".*box\.js" is a learner and needs tls-freelist: contract B lets a learner see only event-ring, policy-table, size-classes/);
  });

  it('refuses a box package whose package.json names another role than its descriptor', async () => {
    const dir = folderWith({});
    cpSync(PASS_THROUGH_ARENA, join(dir, 'arena'), { recursive: true });
    writeFileSync(join(dir, 'arena/package.json'), JSON.stringify({ name: 'arena', type: 'module', main: 'index.js', hakmem: { role: 'learner' } }));
    expect(await asyncMessageOf(() => loadVariant(variantFile(dir, { 'page-arena': './arena' }), {})))
      .toMatch(/boxes\.page-arena: the box in .*index\.js fills role page-arena, but its package\.json's hakmem\.role says learner/);
  });

  it('refuses a module that exports no descriptor, a path that does not exist and a package not installed', async () => {
    expect(await external('export const notABox = 1;')).toMatch(/box\.js exports no box descriptor: export const box = \{ role, needs, create \}/);
    const dir = folderWith({});
    expect(await asyncMessageOf(() => loadVariant(variantFile(dir, { 'page-arena': './nowhere' }), {}))).toMatch(/boxes\.page-arena: box path "\.\/nowhere" does not exist/);
    expect(await asyncMessageOf(() => loadVariant(variantFile(dir, { learner: '@someone/not-installed' }), {})))
      .toMatch(/boxes\.learner: box "@someone\/not-installed" is no workspace box \(the learner boxes: ace-learner, bandit-learner, none\) and no package installed/);
  });
});

describe('a box outside the repository', () => {
  it('imports @hakmem/contracts, which resolves to the running core\'s: it composes and runs under the CLI', () => {
    const dir = folderWith({
      'package.json': JSON.stringify({ type: 'module' }),
      'strict-arena/index.ts': `
        import { PAGE_BYTES, throwBadConfig } from '@hakmem/contracts';
        import type { BoxDescriptor, HeapBackend, PageArena } from '@hakmem/contracts';
        const idle = { hits: 0, misses: 0, frees: 0, evictions: 0 };
        export const box: BoxDescriptor<PageArena> = {
          role: 'page-arena', needs: ['heap-backend'], defaults: { minSpan: PAGE_BYTES },
          create: (ctx) => {
            if (ctx.boxOptions.minSpan !== 2 * PAGE_BYTES) throwBadConfig('minSpan', 'the option did not arrive');
            const heap = ctx.need<HeapBackend>('heap-backend');
            return {
              enabled: false, releaseCached: () => 0, cachedBytes: () => 0, check() {},
              allocSpan: (bytes: number, alignment: number) => heap.allocSpan(bytes, alignment),
              freeSpan: (ptr: number, bytes: number) => heap.freeSpan(ptr, bytes),
              stats: () => ({ enabled: false, hot: { ...idle, cachedPages: 0 }, warm: { ...idle, cachedBytes: 0 }, cold: { allocations: 0, bytes: 0 } }),
            };
          },
        };`,
    });
    const file = variantFile(dir, { 'page-arena': { box: './strict-arena/index.ts', options: { minSpan: 8192 } } });
    const cli = (...args: string[]) => spawnSync(process.execPath, [resolve('tools/cli/bin.mjs'), ...args], { cwd: dir, encoding: 'utf8' });
    const bench = cli('bench', 'large', '--variant', file, '--iterations', '200', '--rounds', '2', '--json');
    expect(bench.stderr).not.toMatch(/BAD_CONFIG|failed to load|skipped/);
    expect(bench.status).toBe(0);
    expect((JSON.parse(bench.stdout) as { targets: { variant: string; opsPerSec: number }[] }).targets[0]).toMatchObject({ variant: 'mine' });
  }, 60_000);
});
