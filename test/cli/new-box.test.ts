// hakmem new-box as a user outside the repository runs it: the files it writes, that each role's box passes
// hakmem check as generated, that a box importing another box does not, and the mistakes it refuses.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../contracts/src/index.ts';
import { runCli as run } from './run-cli.ts';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hakmem-new-box-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(join(dir, path), 'utf8');

describe('hakmem new-box', () => {
  it('writes a working copy of the role\'s default box, renamed, importing hakmem/contracts, with a variant naming it by path', async () => {
    const { code, stdout } = await run('new-box', 'tls-freelist', 'my-freelist', '--dir', dir);
    expect(code).toBe(0);
    expect(stdout).toContain(`hakmem check ${join(dir, 'my-freelist')}`);
    expect(readdirSync(join(dir, 'my-freelist')).sort()).toEqual(['README.md', 'package.json', 'src', 'tsconfig.json']);
    expect(JSON.parse(read('my-freelist/package.json'))).toMatchObject({
      name: 'my-freelist', type: 'module', hakmem: { role: 'tls-freelist' }, peerDependencies: { hakmem: '^0.1.0' },
    });
    expect(JSON.parse(read('variant.json'))).toEqual({ name: 'my-freelist', extends: 'hakmem', boxes: { 'tls-freelist': './my-freelist' } });

    const source = read('my-freelist/src/index.ts');
    const original = readFileSync(new URL('../../boxes/tls-freelist/src/index.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/export class MyFreelist implements ThreadFreelist/);
    expect(source).not.toMatch(/\bTlsFreelist/);
    expect(source).not.toContain('@hakmem/');
    expect(source).toContain("from 'hakmem/contracts'");
    // nothing else changed: the copy behaves as the default until its author edits it
    expect(source.replace(/MyFreelist/g, 'TlsFreelist').replace(/'hakmem\/contracts'/g, "'@hakmem/contracts'")).toBe(original);

    const readme = read('my-freelist/README.md');
    expect(readme).toContain('"tls-freelist": "./my-freelist"');
    expect(readme).toContain('hakmem bench random_mixed --variant hakmem --variant variant.json');
    expect(readme).toContain('hakmem check my-freelist');
  });

  it('writes a box for every role that passes hakmem check as generated; a second box gets NAME.variant.json', async () => {
    const roles = ROLES.map((spec) => spec.role).filter((role) => role !== 'tls-freelist');
    for (const role of roles) expect((await run('new-box', role, `my-${role}`, '--dir', dir)).code).toBe(0);
    expect(JSON.parse(read('my-page-arena.variant.json')).boxes).toEqual({ 'page-arena': './my-page-arena' });
    // renamed after the box even where the class is not named after its template (ArrayBufferHeap, SegmentClassifier)
    expect(read('my-heap-backend/src/index.ts')).toMatch(/export class MyHeapBackend implements HeapBackend/);
    expect(read('my-classifier/src/index.ts')).toMatch(/export class MyClassifier implements BlockClassifier/);

    const boxes = ['my-freelist', ...roles.map((role) => `my-${role}`)].map((name) => join(dir, name));
    const { code, stdout } = await run('check', ...boxes);
    expect(stdout).toBe(`contracts A-D and hot path: ok (${ROLES.length} boxes checked)\n`);
    expect(code).toBe(0);
  }, 60_000);

  it('hakmem check fails with contract D when the box imports another box, by package or by a path into its folder, or the composition', async () => {
    expect((await run('new-box', 'refill-engine', 'leaky-refill', '--dir', dir)).code).toBe(0);
    const index = join(dir, 'leaky-refill/src/index.ts');
    const imports = [
      "import { TlsFreelist } from '@hakmem/tls-freelist';",
      "import { MyTlsFreelist } from '../../my-tls-freelist/src/index.ts';",
      "import { createAllocator } from 'hakmem';",
    ];
    writeFileSync(index, `${imports.join('\n')}\n${readFileSync(index, 'utf8')}`);
    const { code, stdout } = await run('check', join(dir, 'leaky-refill'));
    expect(stdout).toMatch(/^contract D: leaky-refill\/src\/index\.ts:1: @hakmem\/tls-freelist, rule no-box-to-box/m);
    expect(stdout).toMatch(/^contract D: leaky-refill\/src\/index\.ts:2: \.\.\/\.\.\/my-tls-freelist\/src\/index\.ts leaves the box, rule no-box-to-box/m);
    expect(stdout).toMatch(/^contract D: leaky-refill\/src\/index\.ts:3: hakmem, rule no-box-to-box/m);
    expect(stdout).toMatch(/\n3 contract violations\n$/);
    expect(code).toBe(1);
  }, 30_000);

  it.each([
    [['new-box', 'tls-freelist'], /needs a ROLE and a NAME, e\.g\. hakmem new-box tls-freelist my-freelist \(roles: heap-backend, page-arena/],
    [['new-box', 'allocator', 'mine'], /unknown role "allocator"; roles: heap-backend, page-arena, .*, learner/],
    [['new-box', 'tls-freelist', 'My_Freelist'], /"My_Freelist" is not a box name: lowercase letters, digits/],
    [['new-box', 'tls-freelist', '2fast'], /"2fast" is not a box name: .*starting with a letter/],
    [['new-box', 'tls-freelist', 'thread-freelist'], /would call a class ThreadFreelist, which the box also imports from the contracts: choose another NAME/],
    [['new-box', 'tls-freelist', 'mine', '--size', '3'], /unknown flag --size for "hakmem new-box"/],
  ])('refuses %j, saying what to do, with exit code 2', async (argv, message) => {
    const { code, stderr } = await run(...argv, '--dir', join(dir, 'refused'));
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('refuses to write over a folder that exists, and writes nothing for a refused name', async () => {
    const { code, stderr } = await run('new-box', 'page-arena', 'my-freelist', '--dir', dir);
    expect(stderr).toMatch(/my-freelist already exists: choose another NAME or --dir, or remove it/);
    expect(code).toBe(2);
    expect(read('my-freelist/package.json')).toContain('"tls-freelist"');
    expect(readdirSync(dir)).not.toContain('refused');
  });
});
