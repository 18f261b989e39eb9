export { EventRing } from './event-ring.ts';
export type { EventRingOptions } from './event-ring.ts';
export { DEFAULT_CAPACITY, MAX_CAPACITY, eventRingRegionLength } from './layout.ts';

import type { BoxDescriptor, EventSink, EventSource } from '@hakmem/contracts';
import { EventRing as EventRingBox } from './event-ring.ts';

export const box: BoxDescriptor<EventSink & EventSource> = {
  role: 'event-ring',
  needs: [],
  modes: ['single', 'shared'],
  create: (ctx) => new EventRingBox({ capacity: ctx.options.events.capacity }),
};
