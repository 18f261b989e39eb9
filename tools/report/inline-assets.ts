/** The files the page carries inside itself, read at report time so the page needs no network. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readPackageFile(specifier: string): string {
  return readFileSync(require.resolve(specifier), 'utf8');
}

function readOwnFile(relative: string): string {
  return readFileSync(new URL(relative, import.meta.url), 'utf8');
}

/** Script text may not contain '</script' (it would close the element); escaping the slash is harmless in JS. */
function safeInScript(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script');
}

export interface PageAssets {
  readonly uplotCss: string;
  readonly uplotJs: string;
  readonly reportCss: string;
  readonly drawChartsJs: string;
}

export function readPageAssets(): PageAssets {
  return {
    uplotCss: readPackageFile('uplot/dist/uPlot.min.css'),
    uplotJs: safeInScript(readPackageFile('uplot/dist/uPlot.iife.min.js')),
    reportCss: readOwnFile('./page/report.css'),
    drawChartsJs: safeInScript(readOwnFile('./page/draw-charts.js')),
  };
}
