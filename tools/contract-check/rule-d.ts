import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import type { ICruiseResult, IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import type { ViolationSink } from './syntax.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CRUISED_DIRS = ['boxes', 'contracts', 'composition', 'tools'];

/** The root's own file when it has one (the repo), else the repo's (a fixture tree). */
function configFile(rootDir: string, name: string): string {
  return existsSync(join(rootDir, name)) ? join(rootDir, name) : join(REPO_ROOT, name);
}

/** Contract D: runs dependency-cruiser with the rules of .dependency-cruiser.js over the tree at rootDir. */
export async function checkDependencies(rootDir: string, boxesDir: string, sink: ViolationSink): Promise<void> {
  const dirs = [boxesDir, ...CRUISED_DIRS.filter((dir) => dir !== 'boxes')].filter((dir) => existsSync(join(rootDir, dir)));
  if (dirs.length === 0) return;
  const tsConfigFile = configFile(rootDir, 'tsconfig.json');
  const options = await extractDepcruiseOptions(configFile(rootDir, '.dependency-cruiser.js'));
  const reported = await cruise(
    dirs,
    { ...options, baseDir: rootDir, tsConfig: { fileName: tsConfigFile }, outputType: 'json' },
    undefined,
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const result = (typeof reported.output === 'string' ? JSON.parse(reported.output) : reported.output) as ICruiseResult;
  for (const violation of result.summary.violations) {
    const at = join(rootDir, violation.from);
    sink.addAt('D', at, importLine(result, violation, at), describe(violation, options.ruleSet?.forbidden));
  }
}

function describe(violation: IViolation, rules: ReadonlyArray<{ name?: string; comment?: string }> | undefined): string {
  const comment = rules?.find((rule) => rule.name === violation.rule.name)?.comment ?? 'forbidden dependency.';
  const cycle = violation.cycle?.length ? ` (cycle: ${violation.cycle.map((step) => step.name).join(' -> ')})` : '';
  return `${violation.from} -> ${violation.to}${cycle}, rule ${violation.rule.name}: ${comment}`;
}

/** dependency-cruiser gives no line numbers: find the line that names the module as written. */
function importLine(result: ICruiseResult, violation: IViolation, absolutePath: string): number {
  const target = violation.cycle?.[0]?.name ?? violation.to;
  const dependency = result.modules
    .find((module) => module.source === violation.from)
    ?.dependencies.find((dep) => dep.resolved === target);
  if (!dependency || !existsSync(absolutePath)) return 1;
  const lines = readFileSync(absolutePath, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`'${dependency.module}'`) || line.includes(`"${dependency.module}"`));
  return index + 1 || 1;
}
