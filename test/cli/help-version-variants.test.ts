import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli.ts';


function variantFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hakmem-variant-')), 'variant.json');
  writeFileSync(file, text);
  return file;
}

describe('hakmem -h and --version', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('takes -h for the overview and for each command', async () => {
    const overview = await run('-h');
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/^usage: hakmem COMMAND/);
    for (const [command, usage] of [['bench', /^usage: hakmem bench WORKLOAD/], ['replay', /^usage: hakmem replay FILE/], ['roles', /^usage: hakmem roles/]] as const) {
      const help = await run(command, '-h');
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(usage);
    }
  });
});

describe('a variant file that does not compose', () => {
  it.each([
    ['malformed JSON', '{"name": "half', /is not valid JSON/],
    ['an unknown box', '{"name": "x", "boxes": {"classifier": "class-by-magic"}}', /classifier: box "class-by-magic" is no workspace box \(the classifier boxes: class-by-header, class-by-segment, class-checked\)/],
    ['an unknown preset to extend', '{"name": "x", "extends": "hakmem-turbo"}', /extends: must name a preset/],
  ])('fails before measuring, with exit code 2, on %s', async (_, text, message) => {
    const file = variantFile(text);
    const { code, stderr, stdout } = await run('bench', 'mid', '--variant', 'hakmem', '--variant', file, '--iterations', '1000', '--rounds', '2');
    expect(code).toBe(2);
    expect(stderr).toContain(`--variant "${file}"`);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });
});
