/**
 * A mutex in one i32 word of shared memory (Drepper's futex mutex): 0 free, 1 held, 2 held and
 * someone may be waiting. For cold paths only (page heap, segments, pool partial lists): an uncontended
 * acquire/release is one compareExchange and one exchange; a contended one spins briefly, then sleeps
 * in Atomics.wait until the holder's release notifies it.
 */
const SPINS = 64;

export function lockWord(i32: Int32Array, word: number): void {
  if (Atomics.compareExchange(i32, word, 0, 1) === 0) return;
  for (let spin = 0; spin < SPINS; spin++) {
    if (Atomics.load(i32, word) === 0 && Atomics.compareExchange(i32, word, 0, 1) === 0) return;
  }
  // Mark "contended" and sleep until the word is released; whoever wins after a wait keeps the 2,
  // so its release wakes the next sleeper (a spurious wake costs one notify, never a lost one).
  while (Atomics.exchange(i32, word, 2) !== 0) Atomics.wait(i32, word, 2);
}

export function unlockWord(i32: Int32Array, word: number): void {
  if (Atomics.exchange(i32, word, 0) === 2) Atomics.notify(i32, word, 1);
}
