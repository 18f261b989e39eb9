// The hakmem command: compiled to dist/tools/cli.js for the package's bin, run through tsx by bin.mjs in the repository.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
