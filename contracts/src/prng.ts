/**
 * xorshift32 (Marsaglia), the one generator every workload uses, in TypeScript and in the native
 * harness alike, so both sides replay the same sequence. Seed 0 is mapped to 1 (0 is a fixed point).
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
