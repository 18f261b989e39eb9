export { PolicyTable } from './policy-table.ts';
export { MAX_CAPACITY, MAX_REFILL, MIN_REFILL } from './bounds.ts';
