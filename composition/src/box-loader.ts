// Node only: loads the boxes a variant names from outside the workspace (a path, or an installed
// package), asynchronously, as ES modules. The core never reaches this file, so browsers bundle no fs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { throwBadConfig } from '@hakmem/contracts';
import type { BoxDescriptor, BoxMode, Environment } from '@hakmem/contracts';
import { NAMED_BOXES, isBoxPath, workspaceBoxName } from './box-choice.ts';
import { redirectContractsImports } from './contracts-redirect.ts';
import type { ExternalBoxes } from './box-choice.ts';
import { PRESETS } from './presets.ts';
import { readVariantFile } from './variant-file.ts';
import { resolveVariant } from './variant.ts';
import type { BoxChoice, ResolvedVariant, VariantConfig } from './variant.ts';

/** A variant and the boxes from outside the workspace it names, ready to compose. */
export interface LoadedVariant {
  readonly variant: ResolvedVariant;
  /** by the name the resolved variant gives each: an absolute path, or an npm package name */
  readonly boxes: ExternalBoxes;
}

/**
 * A preset name, a variant JSON file's path or a config object, resolved, with every box it names
 * from outside the workspace loaded: a path (to a box package's folder or to a module) is relative
 * to the variant file (to the working directory for an object); any other unknown name is an npm
 * package installed in a node_modules above it.
 */
export async function loadVariant(variant: string | VariantConfig, env: Environment = {}, mode: BoxMode = 'single'): Promise<LoadedVariant> {
  if (typeof variant === 'string' && Object.hasOwn(PRESETS, variant)) return { variant: resolveVariant(variant, env, 'variant', mode), boxes: new Map() };
  const fromFile = typeof variant === 'string';
  const config = fromFile ? readVariantFile(variant) : variant;
  const where = fromFile ? variant : 'variant';
  const baseDir = fromFile ? dirname(resolve(variant)) : process.cwd();
  const boxes = new Map<string, BoxDescriptor>();
  const named = isObject(config) && isObject(config.boxes) ? (config.boxes as Record<string, BoxChoice>) : undefined;
  if (named === undefined) return { variant: resolveVariant(config, env, where, mode), boxes };
  const rewritten: Record<string, BoxChoice> = {};
  for (const [role, choice] of Object.entries(named)) {
    const ref = typeof choice === 'string' ? choice : isObject(choice) && typeof choice.box === 'string' ? choice.box : undefined;
    // workspace boxes and malformed choices are resolveVariant's to take or to refuse
    if (ref === undefined || ref === '' || workspaceBoxName(ref) !== undefined) {
      rewritten[role] = choice;
      continue;
    }
    const { key, descriptor } = await loadBox(ref, baseDir, role, `${where}.boxes.${role}`);
    boxes.set(key, descriptor);
    rewritten[role] = typeof choice === 'string' ? key : { ...(choice as object), box: key };
  }
  return { variant: resolveVariant({ ...config, boxes: rewritten }, env, where, mode, boxes), boxes };
}

async function loadBox(ref: string, baseDir: string, role: string, path: string): Promise<{ key: string; descriptor: BoxDescriptor }> {
  if (isBoxPath(ref)) {
    const target = ref.startsWith('file:') ? fileURLToPath(ref) : resolve(baseDir, ref);
    if (!existsSync(target)) throwBadConfig(path, `box path "${ref}" does not exist (looked for ${target})`);
    const descriptor = statSync(target).isDirectory()
      ? await importDescriptor(packageEntry(target, path), path, roleOfPackage(target))
      : await importDescriptor(target, path, undefined);
    return { key: target, descriptor };
  }
  const dir = installedPackageDir(ref, baseDir);
  if (dir === undefined) {
    const sameRole = Object.keys(NAMED_BOXES).filter((name) => NAMED_BOXES[name]!.role === role);
    throwBadConfig(path, `box "${ref}" is no workspace box (the ${role} boxes: ${sameRole.join(', ')}) and no package installed in a node_modules above ${baseDir} (a path starts with ./ or /)`);
  }
  return { key: ref, descriptor: await importDescriptor(packageEntry(dir, path), path, roleOfPackage(dir)) };
}

function installedPackageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

interface Manifest {
  readonly exports?: unknown;
  readonly module?: string;
  readonly main?: string;
  readonly hakmem?: { readonly role?: string };
}

function readManifest(dir: string): Manifest {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : {};
}

function roleOfPackage(dir: string): string | undefined {
  return readManifest(dir).hakmem?.role;
}

/** The module a box package's folder exports: its `exports["."]` (import or default), module, main, or an index. */
function packageEntry(dir: string, path: string): string {
  const manifest = readManifest(dir);
  const dot = isObject(manifest.exports) && '.' in manifest.exports ? manifest.exports['.'] : manifest.exports;
  const exported = typeof dot === 'string' ? dot : isObject(dot) ? [dot.import, dot.default].find((entry) => typeof entry === 'string') : undefined;
  const candidates = [exported, manifest.module, manifest.main, 'index.js', 'src/index.ts', 'index.ts'].filter((entry): entry is string => typeof entry === 'string');
  const entry = candidates.map((candidate) => join(dir, candidate)).find((file) => existsSync(file));
  if (entry === undefined) throwBadConfig(path, `the box package in ${dir} names no module (package.json exports, module or main) and has no index.js`);
  return entry;
}

async function importDescriptor(file: string, path: string, packageRole: string | undefined): Promise<BoxDescriptor> {
  const loaded = (await importBoxModule(file, path)) as { box?: unknown; default?: unknown };
  const descriptor = loaded.box ?? loaded.default;
  if (!isDescriptor(descriptor)) {
    throwBadConfig(path, `${file} exports no box descriptor: export const box = { role, needs, create } (a BoxDescriptor from @hakmem/contracts)`);
  }
  if (packageRole !== undefined && packageRole !== descriptor.role) {
    throwBadConfig(path, `the box in ${file} fills role ${descriptor.role}, but its package.json's hakmem.role says ${packageRole}`);
  }
  return descriptor;
}

let typeScriptLoader: Promise<boolean> | undefined;

/**
 * A TypeScript module loads where a loader is active (the repository's CLI runs under tsx, vitest has
 * its own); elsewhere, such as the built CLI, tsx's hook is registered if tsx is installed.
 */
async function importBoxModule(file: string, path: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  redirectContractsImports();
  try {
    return await import(url);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[mc]?ts$/.test(file)) {
      const hint = /\.ts$/.test(file) ? ' (a box is an ES module: give its folder a package.json with "type": "module", or name it .mts)' : '';
      return throwBadConfig(path, `${file} failed to load: ${(error as Error).message}${hint}`);
    }
  }
  typeScriptLoader ??= registerTsx();
  if (!(await typeScriptLoader)) throwBadConfig(path, `${file} is TypeScript and no TypeScript loader is installed: compile the box to JS or install tsx`);
  // a new URL: the loader keeps the failed attempt of the first
  return import(`${url}?typescript`);
}

function isDescriptor(value: unknown): value is BoxDescriptor {
  return isObject(value) && typeof value.role === 'string' && Array.isArray(value.needs) && typeof value.create === 'function';
}

async function registerTsx(): Promise<boolean> {
  // a specifier in a variable: the bundler must leave tsx out, it is the box author's, not the package's
  const api = 'tsx/esm/api';
  try {
    const { register } = (await import(api)) as { register: () => unknown };
    register();
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
