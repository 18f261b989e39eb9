import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A workspace package under boxes/, with the role its package.json names (`"hakmem": {"role": ...}`). */
export interface Box {
  readonly name: string;
  readonly dir: string;
  readonly packageName: string;
  readonly role: string;
}

export function findBoxes(boxesRoot: string): Box[] {
  if (!existsSync(boxesRoot)) return [];
  return readdirSync(boxesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(boxesRoot, entry.name, 'package.json')))
    .map((entry) => readBox(join(boxesRoot, entry.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The box whose package.json is in `dir`. */
export function readBox(dir: string): Box {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; hakmem?: { role?: string } };
  return { name: basename(dir), dir, packageName: manifest.name ?? '', role: manifest.hakmem?.role ?? '' };
}
