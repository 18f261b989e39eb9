import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli.ts';

describe('hakmem command line', () => {
  it.each([
    [['bench'], /bench needs a WORKLOAD \(random_mixed, mid, large, whale, phase, larson, threadtest, xmalloc\)/],
    [['bench', 'mid', '--variant', 'js-gc', '--threads', '2'], /--threads goes with larson, threadtest, xmalloc, not mid/],
    [['bench', 'larson', '--variant', 'hakmem-mt', '--threads', '65'], /--threads must be a whole number from 1 to 64, got 65/],
    [['bench', 'tiny', '--variant', 'js-gc'], /unknown workload "tiny"/],
    [['bench', 'mid'], /needs at least one --variant/],
    [['bench', 'mid', '--variant', 'js-gc', '--ws', '0'], /--ws expects a positive integer, got "0"/],
    [['bench', 'mid', '--variant', 'js-gc', '--iterations', '1e6'], /--iterations expects a positive integer, got "1e6"/],
    [['bench', 'mid', '--variant', 'js-gc', '--seed', '-1'], /--seed expects an integer from 0 to 4294967295, got "-1"/],
    [['bench', 'mid', '--variant', 'js-gc', '--rounds', '1'], /--rounds expects an integer of at least 2 \(an interval needs two runs per target\), got "1"/],
    [['bench', 'mid', '--variant', 'js-gc', '--min', '100', '--max', '10'], /--min \(100\) must not exceed --max \(10\)/],
    [['bench', 'mid', '--variant', 'nope'], /--variant "nope" is neither a preset \(hakmem.*\), a peer \(thi\.ng, js-gc\)/],
    [['bench', 'mid', '--variant', 'native:dlmalloc'], /unknown native allocator/],
    [['bench', 'mid', '--variant', 'js-gc', '--wat'], /unknown flag --wat for "hakmem bench"/],
    [['bench', 'mid', '--variant', 'js-gc', '--json=yes'], /--json takes no value/],
    [['bench', 'mid', '--variant', 'js-gc', '--ws', '4', '--ws', '5'], /--ws was given twice/],
    [['bench', 'mid', '--variant', 'js-gc', '--precision', '200%'], /--precision expects a half-width from 0\.1% to 50% \(e\.g\. 3%\), got "200%"/],
    [['bench', 'mid', '--variant', 'js-gc', '--precision', 'tight'], /--precision expects a half-width/],
    [['bench', 'larson', '--variant', 'hakmem-mt', '--paired'], /--precision, --paired and --pin go with the single-thread workloads, not larson/],
    [['bench', 'mid', '--variant', 'hakmem', '--swap', 'allocator=x'], /--swap allocator=x: unknown role "allocator"; the roles: heap-backend, page-arena/],
    [['bench', 'mid', '--variant', 'hakmem', '--swap', 'classifier=class-by-magic'], /--swap hakmem\[classifier=class-by-magic\]: .*box "class-by-magic" is no workspace box \(the classifier boxes: class-by-header, class-by-segment, class-checked\)/],
    [['bench', 'mid', '--variant', 'hakmem', '--swap', 'classifier'], /--swap expects ROLE=box\[,box...\]/],
    [['bench', 'mid', '--variant', 'js-gc', '--swap', 'learner=none'], /--swap needs a hakmem variant as the first --variant/],
    [['replay'], /replay needs at least one mtrace FILE/],
    [['replay', '/no/such.mtrace'], /trace file "\/no\/such\.mtrace" does not exist/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('rejects %j with a clear message and exit code 2', async (argv, message) => {
    const { code, stderr, stdout } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('lists the roles, their defaults and their boxes as JSON', async () => {
    const { code, stdout } = await run('roles', '--json');
    expect(code).toBe(0);
    const roles = JSON.parse(stdout) as { role: string; default: string; boxes: string[] }[];
    expect(roles.find((r) => r.role === 'page-arena')).toEqual({ role: 'page-arena', default: 'page-arena', boxes: ['page-arena', 'page-arena-decay'] });
    expect(roles.find((r) => r.role === 'learner')!.boxes).toEqual(['ace-learner', 'bandit-learner']);
    expect(roles.every((r) => r.role && r.default && Array.isArray(r.boxes))).toBe(true);
  });

  it('adds the boxes from outside the workspace that a variant names, with --variant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-roles-'));
    const file = join(dir, 'variant.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', boxes: { 'page-arena': resolve('test/fixtures/external-boxes/pass-through-arena') } }));
    const { code, stdout } = await run('roles', '--json', '--variant', file);
    expect(code).toBe(0);
    const roles = JSON.parse(stdout) as { role: string; boxes: string[] }[];
    expect(roles.find((r) => r.role === 'page-arena')!.boxes).toEqual(['page-arena', 'page-arena-decay', resolve('test/fixtures/external-boxes/pass-through-arena')]);
  });

  it('checks a box directory: ok for a box that keeps the contracts, contract D for one that imports another box', async () => {
    const good = await run('check', 'boxes/tls-freelist');
    expect(good).toMatchObject({ code: 0, stdout: 'contracts A-D and hot path: ok (1 box checked)\n' });
    const bad = await run('check', 'test/fixtures/contract-violations/D/boxes/alpha');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^contract D: alpha\/src\/index\.ts:1: @hakmem\/beta, rule no-box-to-box/m);
    expect(bad.stdout).toMatch(/2 contract violations\n$/);
    expect((await run('check', 'test')).stderr).toMatch(/"test" has no package\.json/);
  }, 30_000);

  it.each(['bench', 'replay', 'experiment', 'roles', 'check', 'new-box'])('prints help for %s', async (command) => {
    const { code, stdout } = await run(command, '--help');
    expect(code).toBe(0);
    expect(stdout).toContain(`usage: hakmem ${command}`);
  });

  it('prints only JSON on stdout with --json', async () => {
    const { code, stdout } = await run('bench', 'random_mixed', '--variant', 'native:glibc', '--variant', 'native:glibc', '--iterations', '20000', '--rounds', '2', '--json');
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.targets.map((t: { variant: string }) => t.variant)).toEqual(['native:glibc', 'native:glibc#2']);
    expect(document.targets[0]).toMatchObject({ workload: 'random_mixed' });
    expect(document.targets[0].runs).toHaveLength(2);
    expect(document.targets[0].opsPerSec).toBeGreaterThan(0);
    expect(document.comparisons).toHaveLength(1);
  });

  it('adds rounds for --precision on pinned, paired runs and says why it stopped and what each comparison detects', async () => {
    const { code, stdout } = await run('bench', 'random_mixed', '--variant', 'fused', '--variant', 'fused',
      '--iterations', '30000', '--rounds', '2', '--precision', '50%', '--paired', '--pin', '0');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+ rounds run: (precision reached|round limit reached)/);
    expect(stdout).toContain('median of per-round ratios');
    expect(stdout).toMatch(/fused#2 .* ±\d+\.\d%/);
  }, 60_000);

  it('composes the cross product of --swap on the base and ranks it against the base', async () => {
    const { code, stdout } = await run('bench', 'random_mixed', '--variant', 'hakmem', '--swap', 'classifier=class-by-header,class-checked',
      '--swap', 'learner=none,ace-learner', '--iterations', '20000', '--rounds', '2', '--json');
    expect(code).toBe(0);
    const variants = JSON.parse(stdout).targets.map((t: { variant: string }) => t.variant);
    expect(variants).toEqual([
      'hakmem',
      'hakmem[classifier=class-by-header,learner=none]',
      'hakmem[classifier=class-by-header,learner=ace-learner]',
      'hakmem[classifier=class-checked,learner=none]',
      'hakmem[classifier=class-checked,learner=ace-learner]',
    ]);
    const ranked = await run('bench', 'random_mixed', '--variant', 'hakmem', '--swap', 'classifier=class-by-header', '--iterations', '20000', '--rounds', '2');
    expect(ranked.stdout).toMatch(/ranked by throughput\n.*\n.*\n1\. hakmem/);
    expect(ranked.stdout).toContain('hakmem[classifier=class-by-header]');
  }, 90_000);

  it('swaps in a box by its path, loaded in each measured process', async () => {
    const arena = './test/fixtures/external-boxes/pass-through-arena';
    const { code, stdout } = await run('bench', 'large', '--variant', 'hakmem', '--swap', `page-arena=${arena}`, '--iterations', '2000', '--rounds', '2', '--json');
    expect(code).toBe(0);
    const targets = JSON.parse(stdout).targets as { variant: string; opsPerSec: number }[];
    expect(targets.map((t) => t.variant)).toEqual(['hakmem', `hakmem[page-arena=${arena}]`]);
    expect(targets.every((t) => t.opsPerSec > 0)).toBe(true);
  }, 90_000);

  it('runs a thread workload on worker threads over one shared heap and compares the targets', async () => {
    const { code, stdout } = await run('bench', 'threadtest', '--threads', '2', '--variant', 'hakmem-mt', '--variant', 'hakmem-mt',
      '--iterations', '20', '--rounds', '2', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { threads: number; targets: { variant: string; opsPerSec: number; runs: unknown[] }[]; comparisons: { candidate: string }[] };
    expect(report.threads).toBe(2);
    expect(report.targets.map((t) => t.variant)).toEqual(['hakmem-mt', 'hakmem-mt#2']);
    expect(report.targets.every((t) => t.opsPerSec > 0 && t.runs.length === 2)).toBe(true);
    expect(report.comparisons.map((c) => c.candidate)).toEqual(['hakmem-mt#2']);
  }, 60_000);
});
