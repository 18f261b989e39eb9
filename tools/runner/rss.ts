import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Peak RSS growth over a stretch of code, measured as the native harness does it: reset the peak
 * (VmHWM) through /proc/self/clear_refs, read VmRSS, run, read VmHWM. Returns undefined where /proc
 * is not there (not Linux) or the reset is refused.
 */
export function measureRssGrowth(run: () => void): number | undefined {
  // garbage of earlier passes (a warm-up's whole heap) freed during the run would lower RSS under
  // the run's own growth, down to 0: collect it first (children run with --expose-gc)
  (globalThis as { gc?: () => void }).gc?.();
  let before: number | undefined;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    before = statusBytes('VmRSS');
  } catch {
    before = undefined;
  }
  run();
  if (before === undefined) return undefined;
  const peak = statusBytes('VmHWM');
  return peak === undefined ? undefined : Math.max(0, peak - before);
}

/**
 * A JS target's footprint: the smaller of two upper bounds. Its own count (a hakmem heap's touched
 * pages count a whole page run as soon as it is handed out) and the process's RSS growth (which also
 * carries the JIT's and GC's own memory, several MiB on a short run). A growth of 0 says nothing: the
 * GC gave back as much as the run touched (thi.ng's 64 KiB on a small trace measured 0 B that way),
 * so the own count stands; 0 comes back only when neither saw anything: unmeasured.
 */
export function jsFootprint(ownCount: number, rssGrowth: number | undefined, ownCountIncomplete = false): number {
  if (rssGrowth === undefined || rssGrowth === 0) return ownCount;
  return ownCountIncomplete ? rssGrowth : Math.min(ownCount, rssGrowth);
}

function statusBytes(field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : undefined;
}
