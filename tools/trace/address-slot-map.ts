const EMPTY = 0;
const TWO_TO_32 = 2 ** 32;
const MIN_CAPACITY_BITS = 10;

/**
 * Hash map from traced address (an exact double up to 2^53, never 0) to slot, on typed arrays.
 * A JS Map was 5-10x slower on real traces: programs free and reuse the same addresses over and
 * over, and V8 keeps each deleted entry in its bucket chain until the table is rebuilt. Linear
 * probing with backward-shift deletion leaves no tombstones.
 */
export class AddressSlotMap {
  private bits = MIN_CAPACITY_BITS;
  private keys = new Float64Array(1 << MIN_CAPACITY_BITS);
  private values = new Uint32Array(1 << MIN_CAPACITY_BITS);
  private count = 0;

  /** Maps address to slot, replacing any slot it had. */
  set(address: number, slot: number): void {
    if (this.count * 2 >= this.keys.length) this.resize(this.bits + 1);
    const mask = this.keys.length - 1;
    let i = this.home(address);
    while (this.keys[i] !== EMPTY && this.keys[i] !== address) i = (i + 1) & mask;
    if (this.keys[i] === EMPTY) this.count++;
    this.keys[i] = address;
    this.values[i] = slot;
  }

  /** Removes address and returns its slot, or -1 if it was not there. */
  take(address: number): number {
    const { keys, values } = this;
    const mask = keys.length - 1;
    let i = this.home(address);
    while (keys[i] !== address) {
      if (keys[i] === EMPTY) return -1;
      i = (i + 1) & mask;
    }
    const slot = values[i];
    this.count--;
    // shift later entries of the probe run back so lookups never stop early at the hole
    let hole = i;
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(keys[j]);
      const reachable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (reachable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    return slot;
  }

  /** Fibonacci hashing of both 32-bit halves; the top bits of the product pick the bucket. */
  private home(address: number): number {
    const low = address >>> 0;
    const high = (address / TWO_TO_32) >>> 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.bits);
  }

  private resize(bits: number): void {
    const { keys, values } = this;
    this.bits = bits;
    this.keys = new Float64Array(1 << bits);
    this.values = new Uint32Array(1 << bits);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i], values[i]);
  }
}
