import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** the traces ship next to the repository, not in it; tests that need them skip when absent */
export const sharedTracesDir = path.resolve(repoRoot, '../shared/traces');

export function sharedTrace(name: string): { file: string; exists: boolean } {
  const file = path.join(sharedTracesDir, name);
  return { file, exists: existsSync(file) };
}
