#!/usr/bin/env node
// The sources are TypeScript: register tsx's loader before importing them.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
