#!/usr/bin/env node
// The command from the sources, for working in the repository (npm start, the tests): tsx loads the
// TypeScript. The package's bin is the compiled dist/tools/cli.js (npm run build), which needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
