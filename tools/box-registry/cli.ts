// npm run generate:boxes writes the workspace box registry; npm run check:boxes fails when it is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generate.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const checkOnly = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of Object.entries(generatedFiles(ROOT))) {
  const file = join(ROOT, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
  if (checkOnly) {
    console.error(`${path} is stale: a box was added, removed or renamed under boxes/. Run npm run generate:boxes (then npm install).`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
