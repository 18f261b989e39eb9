/**
 * xorshift32 (Marsaglia), the one generator every workload uses, in TypeScript and in the native
 * harness alike, so both sides replay the same sequence. Seed 0 is mapped to 1 (0 is a fixed point).
 * The state is kept as an int32 (same bits) so V8 never boxes it; only the result is read as uint32.
 */
export function createRng(seed: number): () => number {
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/**
 * `x % m` for uint32 x and m, exact: x / m is within 2^-21 of the true quotient, which never crosses
 * an integer, so the floor is exact. V8 compiles it to a float divide; a plain `%` on a uint32 above
 * 2^31 becomes a call to fmod and costs several times more (measured: 35 vs 6 ns per two draws).
 */
export function modU32(x: number, m: number): number {
  return x - Math.floor(x / m) * m;
}
