import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runNativeThreads } from '../../tools/native/threads.ts';

const hasCompiler = spawnSync('cc', ['--version']).status === 0;

describe.skipIf(!hasCompiler)('native thread workloads', () => {
  it('larson takes the warm-up rounds and counts only the timed ones', () => {
    const result = runNativeThreads('glibc', 'larson', 2, { slots: 100, rounds: 2, iterations: 1000, warmup: 3 });
    expect(result.ops).toBe(2 * 2 * 1000);
    expect(result.seconds).toBeGreaterThan(0);
  });
});
