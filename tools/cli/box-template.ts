import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROLES } from '../../contracts/src/role-catalog.ts';
import type { RoleSpec } from '../../contracts/src/role-catalog.ts';
import { findBoxes } from '../contract-check/boxes.ts';
import type { Box } from '../contract-check/boxes.ts';

/** The box `hakmem new-box` copies for a role: its README and its src/ files, as text by relative path. */
export interface BoxTemplate {
  readonly box: string;
  readonly role: string;
  readonly files: Readonly<Record<string, string>>;
}

/**
 * The templates the build writes beside the compiled CLI: an installed package has its boxes bundled
 * into dist/, not as folders, and ships no TypeScript sources (test/package checks both).
 */
export const TEMPLATES_FILE = 'box-templates.json';

/** The role's default box; a role whose default is "none" (the learner) starts from the first box that fills it. */
function templateBoxName(spec: RoleSpec, boxes: readonly Box[]): string | undefined {
  return spec.defaultBox !== 'none' ? spec.defaultBox : boxes.find((box) => box.role === spec.role)?.name;
}

/** Every role's template, by role, from the workspace boxes under `boxesRoot`. */
export function workspaceTemplates(boxesRoot: string): Record<string, BoxTemplate> {
  const boxes = findBoxes(boxesRoot);
  const templates: Record<string, BoxTemplate> = {};
  for (const spec of ROLES) {
    const box = boxes.find((candidate) => candidate.name === templateBoxName(spec, boxes));
    if (box) templates[spec.role] = readBoxTemplate(box);
  }
  return templates;
}

/** One workspace box package as a template. */
function readBoxTemplate(box: Box): BoxTemplate {
  const files: Record<string, string> = { 'README.md': readFileSync(join(box.dir, 'README.md'), 'utf8') };
  for (const path of walk(join(box.dir, 'src'))) files[relative(box.dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
  return { box: box.name, role: box.role, files };
}

/**
 * The templates by role: the compiled CLI's (dist/tools/box-templates.json), else, from the sources,
 * the workspace boxes themselves, so a scaffold always copies the boxes as they are now.
 */
export function boxTemplates(): Record<string, BoxTemplate> {
  const shipped = fileURLToPath(new URL(`./${TEMPLATES_FILE}`, import.meta.url));
  if (existsSync(shipped)) return JSON.parse(readFileSync(shipped, 'utf8')) as Record<string, BoxTemplate>;
  return workspaceTemplates(fileURLToPath(new URL('../../boxes', import.meta.url)));
}

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
