export { writeReport } from './write-report.ts';
export { checkPageInChromium } from './check-page.ts';
export type { PageCheck, PageCheckOptions } from './check-page.ts';
export type * from './types.ts';
