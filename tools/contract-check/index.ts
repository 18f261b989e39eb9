import { dirname, join, resolve } from 'node:path';
import { Project, ts } from 'ts-morph';
import { checkBoxImports } from './box-imports.ts';
import { findBoxes, readBox } from './boxes.ts';
import type { Box } from './boxes.ts';
import { checkNeverBlocks } from './rule-a.ts';
import { checkPolicyScope } from './rule-b.ts';
import { checkFixedStorage } from './rule-c.ts';
import { checkDependencies } from './rule-d.ts';
import { checkHotPaths } from './rule-hot.ts';
import { ViolationSink } from './syntax.ts';
import type { Violation } from './violation.ts';

export type { Contract, Violation } from './violation.ts';
export { formatViolation } from './violation.ts';
export { LEARNER_ALLOWED_IMPORTS } from './rule-b.ts';

export interface CheckOptions {
  /** where the box packages live, relative to the root; default `boxes` */
  readonly boxesDir?: string;
}

export interface CheckReport {
  readonly violations: Violation[];
  readonly boxes: readonly Box[];
}

/**
 * Checks contracts A, B, C and the hot-path rules on the source of every box under rootDir, and D with
 * dependency-cruiser over the tree. Async because dependency-cruiser's `cruise` is.
 */
export async function checkContracts(rootDir: string, options: CheckOptions = {}): Promise<Violation[]> {
  return (await checkContractsReport(rootDir, options)).violations;
}

export async function checkContractsReport(rootDir: string, options: CheckOptions = {}): Promise<CheckReport> {
  const boxesDir = options.boxesDir ?? 'boxes';
  const sink = new ViolationSink(rootDir);
  const boxes = findBoxes(join(rootDir, boxesDir));
  checkBoxSources(boxes, sink);
  await checkDependencies(rootDir, boxesDir, sink);
  return { violations: sortViolations(sink.found), boxes };
}

function sortViolations(found: Violation[]): Violation[] {
  return found.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.contract.localeCompare(b.contract));
}

/**
 * The contract checks of one box directory anywhere (a box written outside this repository): A, B, C and
 * hot from its source as for workspace boxes, and D from its import statements.
 */
export function checkBoxDirectory(boxDir: string): CheckReport {
  const dir = resolve(boxDir);
  const box = readBox(dir);
  const sink = new ViolationSink(dirname(dir));
  checkBoxSources([box], sink, checkBoxImports);
  return { violations: sortViolations(sink.found), boxes: [box] };
}

/** Contracts A, B, C and hot, from the syntax of each box's src/ (types are only asked of a few nodes). */
export function checkBoxSources(boxes: readonly Box[], sink: ViolationSink, alsoCheck?: typeof checkBoxImports): void {
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], strict: true, noEmit: true, allowImportingTsExtensions: true },
  });
  for (const box of boxes) {
    for (const file of project.addSourceFilesAtPaths(join(box.dir, 'src/**/*.ts'))) {
      checkNeverBlocks(file, box, sink);
      checkPolicyScope(file, box, sink);
      checkFixedStorage(file, box, sink);
      checkHotPaths(file, sink);
      alsoCheck?.(file, box, sink);
    }
  }
}
