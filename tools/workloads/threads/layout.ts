import { XMALLOC_RING } from './params.ts';
import type { ThreadWorkloadParams } from './params.ts';

/** Words of the control buffer (an Int32Array over a SharedArrayBuffer) the threads of one run share. */
export const CTRL_BARRIER_COUNT = 0;
export const CTRL_BARRIER_GEN = 1;
const RINGS_WORD = 16;
/** per ring: head (consumer count), tail (producer count), then the slots */
export const RING_HEAD = 0;
export const RING_TAIL = 1;
export const RING_SLOTS = 16;
const RING_WORDS = RING_SLOTS + XMALLOC_RING;

export function ringWord(ring: number): number {
  return RINGS_WORD + ring * RING_WORDS;
}

export function larsonTableWord(threads: number): number {
  return ringWord(Math.ceil(threads / 2));
}

export function controlWords(threads: number, params: ThreadWorkloadParams): number {
  return larsonTableWord(threads) + threads * params.slots;
}

/** A reusable barrier for `parties` threads: the last to arrive bumps the generation and wakes the rest. */
export function barrier(ctrl: Int32Array, parties: number): void {
  const generation = Atomics.load(ctrl, CTRL_BARRIER_GEN);
  if (Atomics.add(ctrl, CTRL_BARRIER_COUNT, 1) === parties - 1) {
    Atomics.store(ctrl, CTRL_BARRIER_COUNT, 0);
    Atomics.add(ctrl, CTRL_BARRIER_GEN, 1);
    Atomics.notify(ctrl, CTRL_BARRIER_GEN);
    return;
  }
  while (Atomics.load(ctrl, CTRL_BARRIER_GEN) === generation) Atomics.wait(ctrl, CTRL_BARRIER_GEN, generation);
}
