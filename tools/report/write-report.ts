import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReportData } from './types.ts';
import { renderReportHtml } from './render-page.ts';

/** Writes the report as one self-contained HTML file (creating its directory), openable from disk offline. */
export function writeReport(data: ReportData, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderReportHtml(data));
}
