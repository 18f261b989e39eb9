import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PRESET_NAMES, loadVariant } from '../../composition/src/node.ts';
import { nativeAvailability, NATIVE_ALLOCATORS } from '../native/index.ts';
import { NATIVE_TARGETS, PEER_TARGETS, YARDSTICK_TARGETS, targetKind } from '../runner/index.ts';
import { UsageError } from './flags.ts';

/** Checks each --variant; a variant file becomes an absolute path so children find it from anywhere. */
export async function checkTargets(names: readonly string[]): Promise<string[]> {
  return Promise.all(names.map(async (name) => {
    const kind = targetKind(name);
    if (kind.kind === 'native') {
      if (NATIVE_ALLOCATORS.some((allocator) => allocator.name === kind.allocator)) return name;
      throw new UsageError(`--variant "${name}": unknown native allocator (expected one of ${NATIVE_TARGETS.join(', ')})`);
    }
    if (kind.kind === 'peer' || kind.kind === 'yardstick' || PRESET_NAMES.includes(name)) return name;
    if (existsSync(name)) return await checkedVariantFile(name);
    throw new UsageError(
      `--variant "${name}" is neither a preset (${PRESET_NAMES.join(', ')}), a peer (${PEER_TARGETS.join(', ')}), ` +
        `a yardstick (${YARDSTICK_TARGETS.join(', ')}), ` +
        `native:NAME (${NATIVE_ALLOCATORS.map((allocator) => allocator.name).join(', ')}) nor an existing variant file`,
    );
  }));
}

/** A variant file that does not compose would only be skipped run after run: refuse it before measuring (its boxes load). */
async function checkedVariantFile(file: string): Promise<string> {
  try {
    await loadVariant(file, process.env);
  } catch (error) {
    throw new UsageError(`--variant "${file}": ${error instanceof Error ? error.message : String(error)}; fix the file or pass a preset`);
  }
  return resolve(file);
}

/** Every preset, every peer and every native allocator this machine has. */
export function everyAvailableTarget(): string[] {
  const natives = NATIVE_ALLOCATORS.filter((allocator) => nativeAvailability(allocator.name).ok).map((allocator) => `native:${allocator.name}`);
  return [...PRESET_NAMES, ...PEER_TARGETS, ...natives];
}
