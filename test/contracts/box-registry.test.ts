import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_BOXES } from '../../composition/src/index.ts';
import { findBoxes } from '../../tools/contract-check/boxes.ts';
import { generatedFiles } from '../../tools/box-registry/generate.ts';

describe('the workspace box registry', () => {
  it('is what the generator writes from boxes/*/package.json (npm run generate:boxes when this fails)', () => {
    for (const [path, text] of Object.entries(generatedFiles('.'))) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });

  it('goes stale when a box is added', () => {
    const root = mkdtempSync(join(tmpdir(), 'hakmem-registry-'));
    cpSync('boxes', join(root, 'boxes'), { recursive: true });
    cpSync('composition', join(root, 'composition'), { recursive: true });
    cpSync(join('boxes', 'page-arena'), join(root, 'boxes', 'page-arena-copy'), { recursive: true });
    const manifest = join(root, 'boxes', 'page-arena-copy', 'package.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('@hakmem/page-arena"', '@hakmem/page-arena-copy"'));
    const registry = generatedFiles(root)['composition/src/box-registry.ts']!;
    expect(registry).toContain("import { box as pageArenaCopy } from '@hakmem/page-arena-copy';");
    expect(registry).not.toBe(readFileSync('composition/src/box-registry.ts', 'utf8'));
  });

  it.each(findBoxes('boxes').map((box) => [box.name, box.role] as const))('holds %s, whose descriptor fills the role its package.json names', (name, role) => {
    expect(WORKSPACE_BOXES[name]?.role).toBe(role);
  });
});
