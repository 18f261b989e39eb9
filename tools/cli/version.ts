import { readFileSync } from 'node:fs';

/** package.json sits two levels up from both this file and the compiled dist/tools/cli.js. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
