import { describe, expect, it } from 'vitest';
import { EventRing, eventRingRegionLength } from '../../boxes/event-ring/src/index.ts';

describe('event ring (contracts A and C)', () => {
  it('rounds the capacity up to a power of two, 4096 by default', () => {
    expect(new EventRing().capacity).toBe(4096);
    expect(new EventRing({ capacity: 100 }).capacity).toBe(128);
  });

  it('hands events over in order, as triples', () => {
    const ring = new EventRing({ capacity: 4 });
    ring.push(1, 3, 10);
    ring.push(2, 5, 20);
    expect(ring.pending()).toBe(2);
    const out = new Int32Array(9);
    expect(ring.drainInto(out)).toBe(2);
    expect([...out.subarray(0, 6)]).toEqual([1, 3, 10, 2, 5, 20]);
    expect(ring.pending()).toBe(0);
  });

  it('drops and counts when full instead of waiting, and takes events again once drained', () => {
    const ring = new EventRing({ capacity: 4 });
    for (let i = 0; i < 7; i++) ring.push(1, i, i);
    expect(ring.dropped()).toBe(3);
    const out = new Int32Array(3 * 8);
    expect(ring.drainInto(out)).toBe(4);
    expect([out[1], out[10]]).toEqual([0, 3]);
    ring.push(3, 9, 9);
    expect(ring.drainInto(out)).toBe(1);
    expect(out[1]).toBe(9);
  });

  it('drains no more than the output holds', () => {
    const ring = new EventRing({ capacity: 8 });
    for (let i = 0; i < 5; i++) ring.push(1, i, 0);
    expect(ring.drainInto(new Int32Array(7))).toBe(2);
    expect(ring.pending()).toBe(3);
  });

  it('works across wrap-around of its int32 counters', () => {
    const region = new Int32Array(new SharedArrayBuffer(eventRingRegionLength(4) * 4));
    region[0] = 0x7fffffff - 1;
    region[1] = 0x7fffffff - 1;
    const ring = new EventRing({ capacity: 4, region });
    const out = new Int32Array(12);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) ring.push(1, i, round);
      expect(ring.drainInto(out)).toBe(4);
      expect([out[1], out[11]]).toEqual([0, round]);
    }
    expect(ring.dropped()).toBe(0);
  });

  it('lets a producer and a consumer built over one shared region meet there', () => {
    const region = new Int32Array(new SharedArrayBuffer(eventRingRegionLength(8) * 4));
    const producer = new EventRing({ capacity: 8, region });
    const consumer = new EventRing({ capacity: 8, region });
    for (let i = 0; i < 10; i++) producer.push(2, i, i * 2);
    expect(consumer.pending()).toBe(8);
    expect(consumer.dropped()).toBe(2);
    const out = new Int32Array(24);
    expect(consumer.drainInto(out)).toBe(8);
    producer.push(1, 42, 0);
    expect(consumer.drainInto(out)).toBe(1);
    expect(out[1]).toBe(42);
  });

  it('rejects a region too small for its capacity', () => {
    expect(() => new EventRing({ capacity: 8, region: new Int32Array(new SharedArrayBuffer(16)) })).toThrow(/region/);
  });
});
