import { NATIVE_ALLOCATORS } from '../native/index.ts';
import { PEER_NAMES, type PeerName } from '../peers/index.ts';

export const NATIVE_PREFIX = 'native:';

export type TargetKind =
  | { readonly kind: 'native'; readonly allocator: string }
  | { readonly kind: 'peer'; readonly peer: PeerName }
  | { readonly kind: 'yardstick' }
  | { readonly kind: 'hakmem'; readonly variant: string };

/** the hand-fused small allocator (tools/yardstick): the 1.0 that a composed variant is measured against */
export const YARDSTICK_TARGET = 'fused';

/** Every target name that is not a peer or `native:NAME` is a hakmem preset or variant file. */
export function targetKind(name: string): TargetKind {
  if (name.startsWith(NATIVE_PREFIX)) return { kind: 'native', allocator: name.slice(NATIVE_PREFIX.length) };
  if (name === YARDSTICK_TARGET) return { kind: 'yardstick' };
  if ((PEER_NAMES as readonly string[]).includes(name)) return { kind: 'peer', peer: name as PeerName };
  return { kind: 'hakmem', variant: name };
}

export const NATIVE_TARGETS: readonly string[] = NATIVE_ALLOCATORS.map((allocator) => NATIVE_PREFIX + allocator.name);
export const PEER_TARGETS: readonly string[] = PEER_NAMES;
