// Issue 12's user story, through the real command line, in a folder outside the repository: scaffold a
// TLS freelist, change its spill rule, name it from a variant by path, bench it against hakmem, check it;
// then make it import another box and see hakmem check refuse it with contract D.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli.ts';

/** The default's spill rule (keep the newest half of an overflowing list) and the user's (keep a quarter). */
const KEEP_HALF = 'const keep = Math.max(1, capacity >>> 1);';
const KEEP_QUARTER = 'const keep = Math.max(1, capacity >>> 2);';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakmem-own-box-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a TLS freelist of your own', () => {
  it('is scaffolded, changed, benched against hakmem from a variant file, checked clean, and refused once it imports another box', async () => {
    expect((await run('new-box', 'tls-freelist', 'my-freelist', '--dir', dir)).code).toBe(0);
    const source = join(dir, 'my-freelist/src/index.ts');
    const original = readFileSync(source, 'utf8');
    expect(original).toContain(KEEP_HALF);
    writeFileSync(source, original.replace(KEEP_HALF, KEEP_QUARTER));

    const bench = await run('bench', 'random_mixed', '--variant', 'hakmem', '--variant', join(dir, 'variant.json'), '--iterations', '20000', '--rounds', '2');
    expect(bench.stderr).not.toMatch(/hakmem:/);
    expect(bench.code).toBe(0);
    expect(bench.stdout).toMatch(/^hakmem\s+\d+(\.\d+)? [kM]?\s/m);
    expect(bench.stdout).toMatch(/^my-freelist\s+\d+(\.\d+)? [kM]?\s/m);

    const clean = await run('check', join(dir, 'my-freelist'));
    expect(clean).toMatchObject({ code: 0, stdout: 'contracts A-D and hot path: ok (1 box checked)\n' });

    writeFileSync(source, `import { TlsFreelist } from '@hakmem/tls-freelist';\n${readFileSync(source, 'utf8')}`);
    const refused = await run('check', join(dir, 'my-freelist'));
    expect(refused.stdout).toMatch(/^contract D: my-freelist\/src\/index\.ts:1: @hakmem\/tls-freelist, rule no-box-to-box/m);
    expect(refused.code).toBe(1);
  }, 120_000);
});
