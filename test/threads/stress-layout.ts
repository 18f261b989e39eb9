/** Control buffer of the stress test: a done flag per thread, then one SPSC ring per (sender, receiver). */
export const RING_CAPACITY = 1024;
const RING_WORDS = 2 + RING_CAPACITY * 2;

export function doneWord(thread: number): number {
  return thread;
}

export function ringWord(threads: number, from: number, to: number): number {
  return 64 + (from * threads + to) * RING_WORDS;
}

export function controlBytes(threads: number): number {
  return (64 + threads * threads * RING_WORDS) * 4;
}
