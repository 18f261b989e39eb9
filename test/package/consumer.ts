import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * An empty project that depends on the packed tarball, with a lockfile whose other entries come from
 * the repository's own lockfile: npm then installs from the cache by integrity, offline, without the
 * registry's package documents (which a lockfile-driven install of the repository never fetched).
 */
export function writeConsumerProject(dir: string, repoRoot: string, tarballName: string, runtimeDependencies: Record<string, string>): void {
  const repoLock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const tarball = readFileSync(join(dir, tarballName));
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies: { hakmem: `file:${tarballName}` } },
    'node_modules/hakmem': {
      version: '0.1.0',
      resolved: `file:${tarballName}`,
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      license: 'MIT',
      dependencies: runtimeDependencies,
      bin: { hakmem: 'dist/tools/cli.js' },
    },
  };
  const pending = Object.keys(runtimeDependencies);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const entry = repoLock.packages[key];
    if (!entry) throw new Error(`${name} is not in the repository's lockfile: run npm install there first`);
    packages[key] = entry;
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { hakmem: `file:${tarballName}` } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
}
