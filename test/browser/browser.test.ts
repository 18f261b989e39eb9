// The runtime core in a real browser: bundled for the browser platform (a Node built-in anywhere in
// it fails the build), served from 127.0.0.1 to headless Debian Chromium, checked against a model in
// the page; then a shared heap between the page and a worker in a cross-origin-isolated page.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCheckResult, SharedResult } from './page.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const HERE = fileURLToPath(new URL('.', import.meta.url));

interface PageApi {
  hakmemModelCheck(seed: number, operations: number): ModelCheckResult;
  hakmemSharedHeap(): Promise<SharedResult>;
}

let server: Server;
let origin = '';
let context: BrowserContext;
let page: Page;
let profile = '';
const pageProblems: string[] = [];

function bundle(entry: string): string {
  const result = buildSync({
    entryPoints: [join(HERE, entry)], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>hakmem</title><link rel="icon" href="data:,"><script type="module" src="./page.js"></script>' },
    '/page.js': { type: 'text/javascript', body: bundle('page.ts') },
    '/worker.js': { type: 'text/javascript', body: bundle('worker.ts') },
  };
  server = createServer((request, response) => {
    // /plain/... serves the same files without cross-origin isolation (no SharedArrayBuffer there)
    const url = request.url ?? '';
    const plain = url.startsWith('/plain/');
    const file = files[plain ? url.slice('/plain'.length) : url];
    if (!plain) {
      // cross-origin isolation: SharedArrayBuffer exists in the page and its worker only with both headers
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = mkdtempSync(join(tmpdir(), 'hakmem-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  page = await context.newPage();
  page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) pageProblems.push(`request outside the test server: ${request.url()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'hakmemModelCheck' in globalThis);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('in headless Chromium', () => {
  it('the browser bundle of the core has no Node built-in and no process.env in it', () => {
    const text = bundle('page.ts');
    expect(text).not.toMatch(/['"]node:[a-z]|process\.env/);
    expect(readFileSync(join(HERE, '../../composition/src/index.ts'), 'utf8')).not.toMatch(/node:/);
  });

  it('createAllocator runs thousands of random operations, checked against a model, and grows its memory', async () => {
    for (const seed of [1, 2]) {
      const result = await page.evaluate(([s, n]) => (globalThis as unknown as PageApi).hakmemModelCheck(s, n), [seed, 3000] as const);
      expect(result.errors).toEqual([]);
      expect(result.grew).toBe(true);
      expect(result.peakLive).toBeGreaterThan(20);
    }
    expect(pageProblems).toEqual([]);
  });

  it('in a page that is not cross-origin isolated the heap grows a non-shared memory, checked the same way', async () => {
    const plain = await context.newPage();
    plain.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
    await plain.goto(`${origin}/plain/`);
    await plain.waitForFunction(() => 'hakmemModelCheck' in globalThis);
    expect(await plain.evaluate(() => typeof SharedArrayBuffer)).toBe('undefined');
    const result = await plain.evaluate(([s, n]) => (globalThis as unknown as PageApi).hakmemModelCheck(s, n), [3, 3000] as const);
    expect(result).toMatchObject({ errors: [], grew: true });
    await plain.close();
    expect(pageProblems).toEqual([]);
  });

  it('createSharedHeap: the page and a worker share one heap in a cross-origin-isolated page', async () => {
    const result = await page.evaluate(() => (globalThis as unknown as PageApi).hakmemSharedHeap());
    expect(result).toEqual({ isolated: true, errors: [], workerBlocks: 700 });
    expect(pageProblems).toEqual([]);
  });
});
