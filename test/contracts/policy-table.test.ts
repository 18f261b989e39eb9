import { describe, expect, it } from 'vitest';
import { PolicyTable } from '../../boxes/policy-table/src/index.ts';

describe('policy table (contract B)', () => {
  it('starts from the defaults and publishes copies, bumping its version', () => {
    const table = new PolicyTable(3, [16, 32, 8], [64, 64, 16]);
    expect([table.refillCount(1), table.listCapacity(1), table.version()]).toEqual([32, 64, 0]);
    const refills = Int32Array.of(20, 40, 10);
    const capacities = Int32Array.of(80, 80, 20);
    table.publish(refills, capacities);
    refills[0] = 999;
    expect([table.refillCount(0), table.listCapacity(2), table.version()]).toEqual([20, 20, 1]);
  });

  it('clamps refill counts to 1..1024 and capacities to refill..65536', () => {
    const table = new PolicyTable(4, [0, 5000, 8, -3], [0, 10, 1e9, 4]);
    const refills = new Int32Array(4);
    const capacities = new Int32Array(4);
    table.snapshot(refills, capacities);
    expect([...refills]).toEqual([1, 1024, 8, 1]);
    expect([...capacities]).toEqual([1, 1024, 65536, 4]);
  });

  it('rejects arrays shorter than the class count', () => {
    const table = new PolicyTable(2, [1, 1], [1, 1]);
    expect(() => table.publish(new Int32Array(1), new Int32Array(2))).toThrow(/2 classes/);
  });
});
