/** A live block and the tag its bytes were written with. */
export interface Block {
  readonly ptr: number;
  readonly size: number;
  readonly tag: number;
}

const STEP = 97;

/** Writes the block's first and last byte and every 97th byte from its tag and offset. */
export function writePattern(u8: Uint8Array, block: Block): void {
  for (let i = 0; i < block.size; i += STEP) u8[block.ptr + i] = (block.tag + i) & 0xff;
  u8[block.ptr + block.size - 1] = (block.tag + block.size - 1) & 0xff;
}

/** What the block no longer holds; `wholeBlock` false checks only the strided bytes (a prefix after realloc shrank it). */
export function patternErrors(u8: Uint8Array, block: Block, wholeBlock = true): string[] {
  let bad = 0;
  for (let i = 0; i < block.size; i += STEP) if (u8[block.ptr + i] !== ((block.tag + i) & 0xff)) bad++;
  if (wholeBlock && u8[block.ptr + block.size - 1] !== ((block.tag + block.size - 1) & 0xff)) bad++;
  return bad === 0 ? [] : [`block ${block.ptr} (${block.size} bytes) lost ${bad} of its pattern bytes`];
}
