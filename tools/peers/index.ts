import type { WorkloadTarget } from '../workloads/types.ts';
import { JsGcPeer } from './js-gc-peer.ts';
import { ThingPeer } from './thing-peer.ts';
import type { ThingPeerOptions } from './thing-peer.ts';

export { JsGcPeer } from './js-gc-peer.ts';
export { ThingPeer } from './thing-peer.ts';
export type { ThingPeerOptions } from './thing-peer.ts';

export const PEER_NAMES = ['thi.ng', 'js-gc'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** Options for any peer; each peer reads only its own (js-gc has none). */
export type PeerOptions = ThingPeerOptions;

export function createPeer(name: PeerName, options: PeerOptions = {}): WorkloadTarget {
  switch (name) {
    case 'thi.ng':
      return new ThingPeer(options);
    case 'js-gc':
      return new JsGcPeer();
  }
}
