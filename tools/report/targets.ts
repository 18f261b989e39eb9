/**
 * Which targets are peers and which are hakmem variants, and the colour each one keeps across every
 * chart and table of the page, so a variant is recognisable at a glance.
 */

const PEER_NAMES = new Set(['thi.ng', 'js-gc']);

export function isPeer(target: string): boolean {
  return target.startsWith('native:') || PEER_NAMES.has(target);
}

/** Saturated hues for the variants under study. */
const VARIANT_COLORS = ['#1f6fd1', '#e4572e', '#17a66b', '#8e44ad', '#e6a100', '#d6336c', '#0fa3b1', '#6b8e23'];
/** Muted, darker tones for the peers, so they read as the background they are compared against. */
const PEER_COLORS = ['#6c757d', '#8d6e63', '#4a5a6a', '#a1887f', '#78909c', '#9e9d24'];

export interface TargetStyle {
  readonly target: string;
  readonly peer: boolean;
  readonly color: string;
}

/** Variants first, then peers, each group in order of first appearance. */
export function styleTargets(targets: Iterable<string>): TargetStyle[] {
  const unique = [...new Set(targets)];
  const variants = unique.filter((t) => !isPeer(t));
  const peers = unique.filter(isPeer);
  return [
    ...variants.map((target, i) => ({ target, peer: false, color: VARIANT_COLORS[i % VARIANT_COLORS.length]! })),
    ...peers.map((target, i) => ({ target, peer: true, color: PEER_COLORS[i % PEER_COLORS.length]! })),
  ];
}
