// A box `hakmem new-box` writes outside the repository fills its role as generated: composed from the
// variant file beside it, it serves malloc/free with real bytes in every tier, stats and check stay clean,
// and its errors are the allocator's own (it shares this process's contracts through hakmem/contracts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllocatorAsync } from '../../composition/src/node.ts';
import { HakmemError, createRng } from '../../contracts/src/index.ts';
import type { Allocator } from '../../contracts/src/index.ts';
import { runCli } from '../cli/run-cli.ts';

/** Sizes from every tier: tiny and small classes, Mid, L25 and Whale. */
const SIZES = [16, 24, 100, 1000, 4000, 20_000, 100_000, 3 << 20];

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakmem-scaffolded-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Scaffolds ROLE's box as NAME in a folder of its own and returns the variant file beside it. */
async function scaffold(role: string, name = `my-${role}`): Promise<string> {
  const home = join(dir, name);
  const { code, stderr } = await runCli('new-box', role, name, '--dir', home);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return join(home, 'variant.json');
}

/** Fills each block with its own byte pattern, frees half, reallocates, and checks every byte before each free. */
function exercise(heap: Allocator, seed: number): void {
  const random = createRng(seed);
  const live = new Map<number, { size: number; tag: number }>();
  for (let i = 0; i < 4000; i++) {
    const size = i % 97 === 0 ? SIZES[(i / 97) % SIZES.length]! : 16 + (random() % 2000);
    const p = heap.malloc(size);
    expect(p).not.toBe(0);
    const tag = (i * 31 + 7) & 255;
    heap.u8.fill(tag, p, p + size);
    live.set(p, { size, tag });
    if (random() % 2 === 0) {
      const [victim, block] = live.entries().next().value!;
      expect(heap.u8.subarray(victim, victim + block.size).every((byte) => byte === block.tag)).toBe(true);
      heap.free(victim);
      live.delete(victim);
    }
  }
  for (const [p, block] of live) {
    expect(heap.u8.subarray(p, p + block.size).every((byte) => byte === block.tag)).toBe(true);
    heap.free(p);
  }
}

describe.each(['tls-freelist', 'refill-engine', 'page-arena'])('a scaffolded %s box, as generated', (role) => {
  it('composes from its variant file and serves malloc/free with real bytes, stats and check clean', async () => {
    const heap = await createAllocatorAsync(await scaffold(role));
    exercise(heap, 42);
    const stats = heap.stats();
    expect(stats).toMatchObject({ variant: `my-${role}`, liveBlocks: 0, liveBytes: 0 });
    expect(heap.check()).toMatchObject({ ok: true, errors: [], liveBlocks: 0 });
    const p = heap.malloc(64);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(HakmemError);
  });
});

describe('a scaffolded tls-freelist box, changed', () => {
  it('is the box that runs: keeping a quarter of a list on overflow spills less often than the default half', async () => {
    const variant = await scaffold('tls-freelist', 'quarter-freelist');
    const source = join(dir, 'quarter-freelist/quarter-freelist/src/index.ts');
    const half = 'const keep = Math.max(1, capacity >>> 1);';
    expect(readFileSync(source, 'utf8')).toContain(half);
    writeFileSync(source, readFileSync(source, 'utf8').replace(half, 'const keep = Math.max(1, capacity >>> 2);'));
    const overflows = async (heap: Allocator) => {
      // 3000 blocks of one class freed in a row: the list overflows again and again
      const blocks = Array.from({ length: 3000 }, () => heap.malloc(64));
      for (const p of blocks) heap.free(p);
      expect(heap.check().ok).toBe(true);
      return heap.stats().classes.reduce((sum, cls) => sum + cls.overflows, 0);
    };
    const mine = await overflows(await createAllocatorAsync(variant));
    const byDefault = await overflows(await createAllocatorAsync('hakmem'));
    expect(byDefault).toBeGreaterThan(0);
    expect(mine).toBeLessThan(byDefault);
  });
});
