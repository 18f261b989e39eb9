import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoxDirectory, checkContracts, formatViolation } from '../../tools/contract-check/index.ts';
import type { Violation } from '../../tools/contract-check/index.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/contract-violations');
const EXPECT_MARKER = /\/\/ expect: ([A-Za-z, ]+)$/;
/** ts-morph and dependency-cruiser start cold in each run */
const SLOW = 30_000;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `contract file:line` for every `// expect:` marker of a fixture tree, once per contract named. */
function expectedFindings(root: string): string[] {
  return sourceFiles(root).flatMap((path) => {
    const file = relative(root, path).split(sep).join('/');
    return readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((text, index) => {
        const contracts = EXPECT_MARKER.exec(text)?.[1].split(',').map((c) => c.trim()) ?? [];
        return contracts.map((contract) => `${contract} ${file}:${index + 1}`);
      });
  }).sort();
}

function findings(violations: Violation[]): string[] {
  return violations.map((v) => `${v.contract} ${v.file}:${v.line}`).sort();
}

describe('contract checker on fixtures that each break one contract', () => {
  for (const contract of ['A', 'B', 'C', 'D', 'hot']) {
    it(`flags exactly the marked lines of fixture ${contract}`, { timeout: SLOW }, async () => {
      const root = join(FIXTURES, contract);
      const expected = expectedFindings(root);
      expect(expected.length).toBeGreaterThan(0);
      const violations = await checkContracts(root);
      expect(findings(violations)).toEqual(expected);
      for (const violation of violations) expect(violation.message).toMatch(/: .+\. .+/);
    });
  }
});

describe('contract checker on one box directory, as for a box written outside the repository', () => {
  for (const contract of ['A', 'B', 'C', 'D', 'hot']) {
    it(`flags the same lines of fixture ${contract}, box by box`, { timeout: SLOW }, () => {
      const boxesRoot = join(FIXTURES, contract, 'boxes');
      const found = readdirSync(boxesRoot).flatMap((box) => findings(checkBoxDirectory(join(boxesRoot, box)).violations));
      expect(found.map((finding) => finding.replace(' ', ' boxes/')).sort()).toEqual(expectedFindings(join(FIXTURES, contract)));
    });
  }

  it('passes every workspace box checked on its own', { timeout: SLOW }, () => {
    const boxesRoot = join(REPO, 'boxes');
    for (const box of readdirSync(boxesRoot)) expect(checkBoxDirectory(join(boxesRoot, box)).violations.map(formatViolation)).toEqual([]);
  });
});

describe('contract checker on the repository', () => {
  it('finds the real boxes keeping contracts A-D and the hot-path rules', { timeout: SLOW }, async () => {
    const violations = await checkContracts(REPO);
    expect(violations.map(formatViolation)).toEqual([]);
  });
});
