import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A system allocator the native harness can run under; glibc is the process's own malloc. */
export interface NativeAllocator {
  readonly name: NativeAllocatorName;
  /** file names to look for in the multiarch library folder, first found wins; empty for glibc */
  readonly libraryFiles: readonly string[];
  /** Debian package that ships the library, or null when nothing needs installing */
  readonly debianPackage: string | null;
}

export type NativeAllocatorName = 'glibc' | 'mimalloc' | 'jemalloc' | 'tcmalloc';

export const NATIVE_ALLOCATORS: readonly NativeAllocator[] = [
  { name: 'glibc', libraryFiles: [], debianPackage: null },
  { name: 'mimalloc', libraryFiles: ['libmimalloc.so.2', 'libmimalloc.so.2.0'], debianPackage: 'libmimalloc2.0' },
  { name: 'jemalloc', libraryFiles: ['libjemalloc.so.2'], debianPackage: 'libjemalloc2' },
  { name: 'tcmalloc', libraryFiles: ['libtcmalloc_minimal.so.4'], debianPackage: 'libtcmalloc-minimal4' },
];

/** Debian's multiarch folder, where its packages put shared libraries. */
export const SYSTEM_LIBRARY_DIR = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;

export function findNativeAllocator(name: string): NativeAllocator | undefined {
  return NATIVE_ALLOCATORS.find((allocator) => allocator.name === name);
}

/** The library to LD_PRELOAD: the override when given, else the first candidate present. */
export function resolveLibrary(allocator: NativeAllocator, override?: string): string | undefined {
  if (override !== undefined) return existsSync(override) ? override : undefined;
  return allocator.libraryFiles.map((file) => join(SYSTEM_LIBRARY_DIR, file)).find((path) => existsSync(path));
}
