import { resolve } from 'node:path';
import { checkContractsReport, formatViolation } from './index.ts';

// Usage: tsx tools/contract-check/cli.ts [rootDir] [--boxes-dir <dir>]
const args = process.argv.slice(2);
const boxesFlag = args.indexOf('--boxes-dir');
const boxesDir = boxesFlag >= 0 ? args[boxesFlag + 1] : undefined;
const rootArg = args.find((arg, i) => !arg.startsWith('--') && (boxesFlag < 0 || i !== boxesFlag + 1));
const { violations, boxes } = await checkContractsReport(resolve(rootArg ?? '.'), { boxesDir });
for (const violation of violations) console.log(formatViolation(violation));
if (violations.length > 0) {
  console.log(`${violations.length} contract violation${violations.length === 1 ? '' : 's'} in ${boxes.length} boxes`);
  process.exit(1);
}
console.log(`contracts A-D and hot path: ok (${boxes.length} boxes checked)`);
