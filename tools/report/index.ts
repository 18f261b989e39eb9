export { writeReport } from './write-report.ts';
export type * from './types.ts';
// checkPageInChromium (./check-page.ts) is imported directly by the tests: it needs playwright-core, a
// dev dependency the packaged CLI must not pull in.
