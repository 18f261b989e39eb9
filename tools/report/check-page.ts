/**
 * Opens a written report in headless Chromium and says whether it rendered cleanly: no console
 * error, no uncaught exception, no network request, and a uPlot chart in every chart placeholder.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
/** the page must fit a common laptop screen: nothing may widen it past this */
export const PAGE_WIDTH = 1400;

/** Chromium flags for a quiet, offline, sandbox-free run in a container. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PageCheck {
  readonly ok: boolean;
  /** console errors, uncaught exceptions, network requests, missing charts, overflow and empty legend rows, in the order seen */
  readonly consoleErrors: string[];
  /** path of the full-page PNG, when one was asked for */
  readonly screenshot?: string;
}

export interface PageCheckOptions {
  /** where to write a full-page PNG screenshot */
  readonly screenshot?: string;
}

export async function checkPageInChromium(
  file: string,
  options: PageCheckOptions = {},
): Promise<PageCheck | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: "install Debian's chromium to check the report (apt-get install chromium)" };

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: PAGE_WIDTH, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    // the page must be self-contained: anything but its own file and data: URLs is a leak
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('file:') && !url.startsWith('data:')) consoleErrors.push(`network request: ${url}`);
    });

    await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
    const placeholders = await page.locator('[data-chart]').count();
    const rendered = await page.locator('[data-chart]:has(.uplot canvas)').count();
    if (rendered < placeholders) consoleErrors.push(`only ${rendered} of ${placeholders} charts rendered`);
    const pageWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    if (pageWidth > PAGE_WIDTH) consoleErrors.push(`the page is ${pageWidth} px wide, wider than its ${PAGE_WIDTH} px window`);
    const emptyLegendRows = await page.locator('.u-legend .u-value').evaluateAll((cells) => cells.filter((cell) => /^\s*(–|-)?\s*$/.test(cell.textContent ?? '')).length);
    if (emptyLegendRows > 0) consoleErrors.push(`${emptyLegendRows} chart legend entries show no value`);

    if (options.screenshot !== undefined) await page.screenshot({ path: options.screenshot, fullPage: true });
    return {
      ok: consoleErrors.length === 0,
      consoleErrors,
      ...(options.screenshot !== undefined ? { screenshot: options.screenshot } : {}),
    };
  } finally {
    await browser.close();
  }
}
