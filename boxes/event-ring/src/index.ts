export { EventRing } from './event-ring.ts';
export type { EventRingOptions } from './event-ring.ts';
export { DEFAULT_CAPACITY, MAX_CAPACITY, eventRingRegionLength } from './layout.ts';
