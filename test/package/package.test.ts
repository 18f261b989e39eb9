// The package as a user gets it: packed, installed into an empty project, used from bare Node,
// type-checked from TypeScript, and its bin run, with nothing of the repository around it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../contracts/src/index.ts';
import { writeConsumerProject } from './consumer.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let project = '';
let packedFiles: string[] = [];

/** The README's "Use it" example, exactly as written. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ts block under "## Use it"');
  return match[1];
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'hakmem-consumer-'));
  // npm pack runs `prepare`, which builds dist/ from the current sources
  const [packed] = JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' })) as Array<{
    filename: string; files: Array<{ path: string }>;
  }>;
  packedFiles = packed.files.map((file) => file.path);
  const dependencies = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  writeConsumerProject(project, ROOT, packed.filename, dependencies);
  execFileSync(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: project, stdio: 'pipe' });
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the build, the README and the LICENSE, and no sources, tests or stray files', () => {
    expect(packedFiles).toEqual(expect.arrayContaining([
      'LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/node.js', 'dist/tools/cli.js',
      'dist/types/composition/src/index.d.ts', 'dist/types/composition/src/node.d.ts',
      'dist/contracts.js', 'dist/types/contracts/src/index.d.ts', 'dist/tools/box-templates.json',
    ]));
    expect(packedFiles.filter((path) => !path.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(path))).toEqual([]);
    expect(packedFiles.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    // what browsers and bundlers get: the core and its chunks, with no Node built-in
    const browserFiles = packedFiles.filter((path) => path === 'dist/index.js' || path.startsWith('dist/chunks/'));
    const installed = join(project, 'node_modules/hakmem');
    expect(browserFiles.filter((path) => /["']node:/.test(readFileSync(join(installed, path), 'utf8')))).toEqual([]);
  });

  it('imports with bare node and runs malloc/free, and the README\'s "Use it" example runs as written', () => {
    writeFileSync(join(project, 'basic.mjs'), `
      import { createAllocator, HakmemError } from 'hakmem';
      const heap = createAllocator('hakmem');
      const blocks = [];
      for (let i = 0; i < 10000; i++) {
        const p = heap.malloc(16 + (i % 2000));
        if (p === 0) throw new Error('malloc returned 0');
        heap.u8[p] = i & 255;
        blocks.push([p, i & 255]);
      }
      for (const [p, tag] of blocks) { if (heap.u8[p] !== tag) throw new Error('lost data at ' + p); heap.free(p); }
      let code = 'none';
      try { heap.free(8); } catch (error) { if (error instanceof HakmemError) code = error.code; }
      if (code !== 'BAD_POINTER') throw new Error('free(8) gave ' + code);
      if (!heap.check().ok) throw new Error('check failed');
      console.log('ok', heap.stats().liveBlocks);
    `);
    const basic = run(process.execPath, ['basic.mjs']);
    expect(basic.stderr).toBe('');
    expect(basic.stdout.trim()).toBe('ok 0');
    writeFileSync(join(project, 'readme-example.mjs'), readmeExample());
    const example = run(process.execPath, ['readme-example.mjs']);
    expect(example).toMatchObject({ status: 0, stderr: '' });
  });

  it('the README\'s "Use it" example runs as written in the repository too (the package imports itself)', () => {
    const dir = join(ROOT, '.cache');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `readme-example-${process.pid}.mjs`);
    writeFileSync(file, readmeExample());
    try {
      const example = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8' });
      expect({ status: example.status, stderr: example.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('type-checks a TypeScript consumer (and the README example) against its declarations', () => {
    writeFileSync(join(project, 'consumer.ts'), `
      import { createAllocator, HakmemError, PRESET_NAMES } from 'hakmem';
      import type { Allocator, CreateOptions, VariantConfig } from 'hakmem';
      const variant: VariantConfig = { name: 'mine', extends: 'hakmem', options: { heap: { bytes: 64 * 1024 * 1024 } } };
      const options: CreateOptions = { memory: new ArrayBuffer(16 << 20), start: 4096 };
      const heap: Allocator = createAllocator(variant);
      const placed: Allocator = createAllocator(PRESET_NAMES[0], options);
      const p: number = heap.malloc(64);
      const view: Float64Array | undefined = placed.mallocAs('f64', 8);
      if (view) placed.freeView(view);
      heap.free(p);
      const code: string = new HakmemError('BAD_SIZE', 'x').code;
      export { code };
    `);
    writeFileSync(join(project, 'readme-example.ts'), readmeExample());
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      // the DOM library declares WebAssembly, as in a browser or wasm project
      compilerOptions: { strict: true, target: 'es2022', lib: ['es2022', 'dom'], module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, types: [] },
      files: ['consumer.ts', 'readme-example.ts'],
    }));
    const tsc = run(process.execPath, [TSC, '-p', 'tsconfig.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('npx hakmem new-box writes a box from the shipped templates that type-checks against hakmem/contracts, the core\'s own contracts', () => {
    const scaffold = run('npx', ['hakmem', 'new-box', 'page-arena', 'my-arena', '--dir', 'boxes']);
    expect(scaffold).toMatchObject({ status: 0, stderr: '' });
    const tsc = run(process.execPath, [TSC, '-p', 'boxes/my-arena/tsconfig.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    writeFileSync(join(project, 'one-contracts.mjs'), `
      import { HakmemError } from 'hakmem';
      import * as contracts from 'hakmem/contracts';
      if (contracts.HakmemError !== HakmemError) throw new Error('hakmem/contracts is a second copy of the contracts');
      console.log(contracts.ROLES.length);
    `);
    expect(run(process.execPath, ['one-contracts.mjs'])).toMatchObject({ status: 0, stderr: '', stdout: `${ROLES.length}\n` });
  });

  it('npx hakmem runs the compiled bench with no dev dependency installed', () => {
    const bench = run('npx', ['hakmem', 'bench', 'random_mixed', '--variant', 'hakmem', '--iterations', '100000', '--rounds', '2']);
    expect(bench.status).toBe(0);
    expect(bench.stdout).toMatch(/random_mixed: 100000 iterations/);
    expect(bench.stdout).toMatch(/^hakmem\s+\d+(\.\d+)? [kM]/m);
  });
});

