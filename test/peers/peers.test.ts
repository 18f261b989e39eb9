import { describe, expect, it } from 'vitest';
import { createRng } from '../../contracts/src/prng.ts';
import { createPeer, JsGcPeer, PEER_NAMES, ThingPeer } from '../../tools/peers/index.ts';
import type { WorkloadTarget } from '../../tools/workloads/types.ts';

type ReadByte = (ptr: number, offset: number) => number;

/**
 * Random malloc / free / realloc with every byte written; each live block is checked against
 * a copy of what was written, so lost data or overlapping blocks show up.
 */
function churnAndVerify(target: WorkloadTarget, readByte: ReadByte, operations: number): void {
  const next = createRng(7);
  const live = new Map<number, Uint8Array>();
  const fill = (ptr: number, expected: Uint8Array, from: number): void => {
    for (let offset = from; offset < expected.length; offset++) {
      expected[offset] = next() & 255;
      target.writeByte(ptr, offset, expected[offset]!);
    }
  };
  const verify = (ptr: number, expected: Uint8Array): void => {
    for (let offset = 0; offset < expected.length; offset++) {
      if (readByte(ptr, offset) !== expected[offset]) throw new Error(`block ${ptr} byte ${offset} changed`);
    }
  };

  for (let i = 0; i < operations; i++) {
    const choice = next() % 10;
    const size = 1 + (next() % 600);
    const victims = [...live.keys()];
    const victim = victims.length > 0 ? victims[next() % victims.length]! : 0;
    if (choice < 5 || victim === 0) {
      const ptr = target.malloc(size);
      expect(ptr).toBeGreaterThan(0);
      expect(live.has(ptr)).toBe(false);
      const expected = new Uint8Array(size);
      fill(ptr, expected, 0);
      live.set(ptr, expected);
    } else if (choice < 8) {
      verify(victim, live.get(victim)!);
      target.free(victim);
      live.delete(victim);
    } else {
      const old = live.get(victim)!;
      verify(victim, old);
      const moved = target.realloc(victim, size);
      expect(moved).toBeGreaterThan(0);
      live.delete(victim);
      const expected = new Uint8Array(size);
      expected.set(old.subarray(0, Math.min(old.length, size)));
      verify(moved, expected.subarray(0, Math.min(old.length, size)));
      fill(moved, expected, Math.min(old.length, size));
      live.set(moved, expected);
    }
    if (i % 100 === 0) for (const [ptr, expected] of live) verify(ptr, expected);
  }
  for (const [ptr, expected] of live) verify(ptr, expected);
  for (const ptr of live.keys()) target.free(ptr);
}

describe('JS peers', () => {
  it('createPeer makes every listed peer under its own name', () => {
    for (const name of PEER_NAMES) expect(createPeer(name, { poolBytes: 1 << 20 }).name).toBe(name);
  });

  it('thi.ng keeps every block intact through random malloc/free/realloc', () => {
    const peer = new ThingPeer({ poolBytes: 4 << 20 });
    churnAndVerify(peer, (ptr, offset) => peer.readByte(ptr, offset), 3000);
    expect(peer.footprintBytes()).toBeGreaterThan(0);
  });

  it('thi.ng returns 0 when the pool is full and reports its high-water top', () => {
    const peer = new ThingPeer({ poolBytes: 4096 });
    const first = peer.malloc(1000);
    expect(first).toBeGreaterThan(0);
    expect(peer.malloc(100_000)).toBe(0);
    const peak = peer.footprintBytes();
    expect(peak).toBeGreaterThanOrEqual(first + 1000);
    peer.free(first);
    expect(peer.footprintBytes()).toBe(peak);
  });

  it('thi.ng releases the old block when realloc moves it', () => {
    const peer = new ThingPeer({ poolBytes: 4096 });
    const first = peer.malloc(100);
    const second = peer.malloc(100);
    const moved = peer.realloc(first, 1500);
    expect(moved).not.toBe(first);
    peer.free(moved);
    peer.free(second);
    // fits only if nothing is left allocated: 4096 bytes less MemPool's state and one header
    expect(peer.malloc(4000)).toBeGreaterThan(0);
  });

  it('js-gc keeps every block intact, read back through its own arrays', () => {
    const peer = new JsGcPeer();
    churnAndVerify(peer, (handle, offset) => peer.block(handle)[offset]!, 3000);
    expect(peer.footprintBytes()).toBeGreaterThanOrEqual(0);
  });

  it('js-gc reuses freed handles so they stay small', () => {
    const peer = new JsGcPeer();
    const a = peer.malloc(8);
    const b = peer.malloc(8);
    expect([a, b]).toEqual([1, 2]);
    peer.free(a);
    expect(peer.malloc(16)).toBe(1);
    expect(() => peer.block(3)).toThrow(/not allocated/);
  });
});
