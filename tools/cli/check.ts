import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from './flags.ts';
import type { Io } from './io.ts';

export const CHECK_USAGE = `usage: hakmem check DIR...

Runs the contract checks on box directories, also ones outside this repository: A (the event push path
never blocks), B (only the refill path reads the policy; a learner reaches the allocator only through it),
C (the ring never resizes), D (the box imports only its own files, @hakmem/contracts and external
libraries) and the hot-path rules. Prints each violation as npm run check does; exit code 1 if any.
`;

export async function checkCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(args, { help: { type: 'boolean' } }, 'check');
  if (flags.help) {
    io.stdout.write(CHECK_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('hakmem check needs a box DIR (a folder with a package.json and src/)');
  const { checkBoxDirectory, formatViolation } = await loadContractChecker();
  let found = 0;
  for (const dir of positionals) {
    if (!existsSync(join(dir, 'package.json'))) throw new UsageError(`"${dir}" has no package.json: a box is a package (hakmem new-box writes one)`);
    const { violations, boxes } = checkBoxDirectory(dir);
    for (const violation of violations) io.stdout.write(`${formatViolation(violation)}\n`);
    const box = boxes[0]!;
    if (!box.role) io.stdout.write(`${box.name}: package.json names no role ("hakmem": { "role": ... }); composition cannot bind it\n`);
    found += violations.length + (box.role ? 0 : 1);
  }
  io.stdout.write(found === 0 ? `contracts A-D and hot path: ok (${positionals.length} box${positionals.length === 1 ? '' : 'es'} checked)\n` : `${found} contract violation${found === 1 ? '' : 's'}\n`);
  return found === 0 ? 0 : 1;
}

type ContractChecker = typeof import('../contract-check/index.ts');

/** The checker beside the compiled CLI (dist/tools/contract-check.js), else the sources in the repository. */
async function loadContractChecker(): Promise<ContractChecker> {
  const compiled = new URL('./contract-check.js', import.meta.url);
  const module = existsSync(fileURLToPath(compiled)) ? compiled.href : new URL('../contract-check/index.ts', import.meta.url).href;
  try {
    return (await import(module)) as ContractChecker;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new UsageError(`hakmem check needs ts-morph and dependency-cruiser where it runs: npm install --save-dev ts-morph dependency-cruiser (${(error as Error).message})`);
  }
}
