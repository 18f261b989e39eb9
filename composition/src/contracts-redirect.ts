// Node only: a box outside the repository imports @hakmem/contracts, which no node_modules above it
// holds (the package is the workspace's, bundled into hakmem), or hakmem/contracts (what hakmem new-box
// writes), which may be another copy of hakmem. A resolve hook hands such a box the running core's
// contracts, so its tokens, constants and HakmemError are the core's own.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

let registered = false;

export function redirectContractsImports(): void {
  if (registered) return;
  registered = true;
  const target = JSON.stringify(runningContractsUrl());
  const hook = `export async function resolve(specifier, context, next) {
    const contracts = specifier === '@hakmem/contracts' || specifier === 'hakmem/contracts';
    return contracts ? { url: ${target}, shortCircuit: true } : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

/**
 * From the sources, the workspace package; from the build, dist/index.js, which exports all of the
 * contracts (this module is bundled into dist/node.js, or one folder down into dist/tools/).
 */
function runningContractsUrl(): string {
  try {
    return import.meta.resolve('@hakmem/contracts');
  } catch {
    const candidates = [new URL('./index.js', import.meta.url), new URL('../index.js', import.meta.url)];
    return (candidates.find((url) => existsSync(fileURLToPath(url))) ?? candidates[0]!).href;
  }
}
