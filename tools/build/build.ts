/**
 * npm run build: the package's JavaScript and declarations in dist/.
 *  - dist/index.js (the runtime core, no Node built-ins: browsers) and dist/node.js (plus variant files
 *    and process.env), ES modules sharing one chunk; contracts, boxes and composition are bundled in,
 *    inversify and reflect-metadata stay dependencies. dist/contracts.js (`hakmem/contracts`, what a box
 *    written outside the repository imports) shares the same chunk, so its tokens and errors are the core's.
 *  - dist/tools/cli.js (the bin) and the processes and threads it starts, each with every dependency
 *    bundled, laid out like the sources (two folders deep, threads three), so the URLs the tools derive
 *    from import.meta.url (page assets, C sources, children, caches) resolve the same way; beside the CLI,
 *    box-templates.json, the boxes `hakmem new-box` copies (the package ships no TypeScript sources).
 *  - dist/types/: declarations by tsc, their workspace imports rewritten to relative paths.
 */
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { TEMPLATES_FILE, workspaceTemplates } from '../cli/box-template.ts';
import { NODE_ESM_BANNER } from '../runner/bundle.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const at = (path: string) => join(ROOT, path);

rmSync(DIST, { recursive: true, force: true });

buildSync({
  entryPoints: { index: at('composition/src/index.ts'), node: at('composition/src/node.ts'), contracts: at('contracts/src/index.ts') },
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['inversify', 'reflect-metadata', 'node:*'],
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'error',
});

const tools: Record<string, string> = {
  'tools/cli': 'tools/cli/cli.ts',
  'tools/child': 'tools/runner/child.ts',
  'workloads/threads/cli': 'tools/workloads/threads/cli.ts',
  'workloads/threads/worker': 'tools/workloads/threads/worker.ts',
};
for (const [out, source] of Object.entries(tools)) {
  buildSync({
    entryPoints: [at(source)],
    outfile: join(DIST, `${out}.js`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    banner: { js: out === 'tools/cli' ? `#!/usr/bin/env node\n${NODE_ESM_BANNER}` : NODE_ESM_BANNER },
  });
}
// `hakmem check` loads the contract checker on demand: ts-morph and dependency-cruiser stay the box author's
// dev dependencies rather than every user's.
buildSync({
  entryPoints: [at('tools/contract-check/index.ts')],
  outfile: join(DIST, 'tools/contract-check.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  external: ['ts-morph', 'dependency-cruiser', 'dependency-cruiser/*'],
  banner: { js: NODE_ESM_BANNER },
});
cpSync(at('tools/report/page'), join(DIST, 'tools/page'), { recursive: true });
cpSync(at('tools/native/harness.c'), join(DIST, 'tools/harness.c'));
cpSync(at('tools/native/threads.c'), join(DIST, 'tools/threads.c'));
writeFileSync(join(DIST, 'tools', TEMPLATES_FILE), JSON.stringify(workspaceTemplates(at('boxes'))));

execFileSync(process.execPath, [at('node_modules/typescript/bin/tsc'), '-p', at('tsconfig.build.json')], { stdio: 'inherit' });
rewriteDeclarationImports(join(DIST, 'types'));

/** `@hakmem/x` and `./y.ts` in the emitted declarations become relative `.js` paths a consumer resolves. */
function rewriteDeclarationImports(dir: string): void {
  const packageDirs = workspaceDirs();
  for (const file of walk(dir).filter((path) => path.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8').replace(/(from |import\()(['"])([^'"]+)\2/g, (whole, keyword: string, quote: string, specifier: string) => {
      const packageDir = packageDirs.get(specifier);
      let target = specifier;
      if (packageDir) {
        target = relative(dirname(file), join(dir, packageDir, 'src/index.js'));
        if (!target.startsWith('.')) target = `./${target}`;
      } else if (specifier.startsWith('.')) {
        target = specifier.replace(/\.ts$/, '.js');
      }
      return `${keyword}${quote}${target}${quote}`;
    });
    writeFileSync(file, text);
  }
}

function workspaceDirs(): Map<string, string> {
  const dirs = new Map<string, string>([['@hakmem/contracts', 'contracts']]);
  for (const box of readdirSync(at('boxes'))) dirs.set(`@hakmem/${box}`, `boxes/${box}`);
  return dirs;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
