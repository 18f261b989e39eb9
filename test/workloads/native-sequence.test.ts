import { describe, expect, it } from 'vitest';
import { nativeAvailability, nativeRequestSequence } from '../../tools/native/index.ts';
import { runSynthetic, syntheticSpec, SYNTHETIC_WORKLOADS } from '../../tools/workloads/index.ts';
import { RecordingTarget } from './recording-target.ts';

// needs a C compiler to build the harness; without one there is nothing to compare against
const harness = nativeAvailability('glibc');

describe.runIf(harness.ok)('synthetic workloads against the native harness', () => {
  it.each(SYNTHETIC_WORKLOADS)('%s requests the same sizes in C and TypeScript', (workload) => {
    const spec = syntheticSpec(workload, { iterations: 300, ws: 8 });
    const target = new RecordingTarget();
    runSynthetic(target, spec);
    const nativeSizes = nativeRequestSequence(spec, 300).map(([, size]) => size);
    expect(target.sizes()).toEqual(nativeSizes);
  });
});
