import { rmSync } from 'node:fs';

const pending = new Set<string>();

/** Removes `path` (a file or a folder) when this process exits: temporary files live as long as their run. */
export function removeOnExit(path: string): void {
  if (pending.size === 0) process.once('exit', () => {
    for (const each of pending) rmSync(each, { recursive: true, force: true });
  });
  pending.add(path);
}
