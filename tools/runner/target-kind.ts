import { NATIVE_ALLOCATORS } from '../native/index.ts';
import { PEER_NAMES, type PeerName } from '../peers/index.ts';

export const NATIVE_PREFIX = 'native:';

export type TargetKind =
  | { readonly kind: 'native'; readonly allocator: string }
  | { readonly kind: 'peer'; readonly peer: PeerName }
  | { readonly kind: 'yardstick'; readonly yardstick: YardstickName }
  | { readonly kind: 'hakmem'; readonly variant: string };

/**
 * The yardsticks (tools/yardstick): `fused`, the `hakmem` design hand-fused (what composing costs), and
 * `plain`, a plain hand-written allocator with no checks (how far the design is from what JavaScript allows).
 */
export const YARDSTICK_TARGETS = ['fused', 'plain'] as const;
export type YardstickName = (typeof YARDSTICK_TARGETS)[number];

/** Every target name that is not a peer or `native:NAME` is a hakmem preset or variant file. */
export function targetKind(name: string): TargetKind {
  if (name.startsWith(NATIVE_PREFIX)) return { kind: 'native', allocator: name.slice(NATIVE_PREFIX.length) };
  if ((YARDSTICK_TARGETS as readonly string[]).includes(name)) return { kind: 'yardstick', yardstick: name as YardstickName };
  if ((PEER_NAMES as readonly string[]).includes(name)) return { kind: 'peer', peer: name as PeerName };
  return { kind: 'hakmem', variant: name };
}

export const NATIVE_TARGETS: readonly string[] = NATIVE_ALLOCATORS.map((allocator) => NATIVE_PREFIX + allocator.name);
export const PEER_TARGETS: readonly string[] = PEER_NAMES;
