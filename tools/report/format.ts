/**
 * Number formatting for the report. Charts get values already divided by a unit picked here
 * (`pickUnit`), so the page script never needs its own copy of these rules.
 */

export interface Unit {
  /** what one plotted value means, e.g. 'MiB' or 'M ops/s' */
  readonly label: string;
  readonly divisor: number;
}

const RATE_UNITS: readonly Unit[] = [
  { label: 'ops/s', divisor: 1 },
  { label: 'k ops/s', divisor: 1e3 },
  { label: 'M ops/s', divisor: 1e6 },
  { label: 'G ops/s', divisor: 1e9 },
];

const BYTE_UNITS: readonly Unit[] = [
  { label: 'B', divisor: 1 },
  { label: 'KiB', divisor: 1024 },
  { label: 'MiB', divisor: 1024 ** 2 },
  { label: 'GiB', divisor: 1024 ** 3 },
];

const TIME_UNITS: readonly Unit[] = [
  { label: 'ns', divisor: 1 },
  { label: 'µs', divisor: 1e3 },
  { label: 'ms', divisor: 1e6 },
  { label: 's', divisor: 1e9 },
];

export type Quantity = 'rate' | 'bytes' | 'nanoseconds';

const UNITS: Record<Quantity, readonly Unit[]> = { rate: RATE_UNITS, bytes: BYTE_UNITS, nanoseconds: TIME_UNITS };

/** The largest unit in which `value` is still at least 1, so numbers stay short. */
export function pickUnit(quantity: Quantity, value: number): Unit {
  const units = UNITS[quantity];
  const magnitude = Math.abs(value);
  let chosen = units[0]!;
  for (const unit of units) if (magnitude >= unit.divisor) chosen = unit;
  return chosen;
}

/** Three significant digits, without exponent notation and without trailing zeros after the point. */
export function formatSignificant(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const fixed = value.toFixed(decimals);
  return decimals === 0 ? fixed : fixed.replace(/\.?0+$/, '');
}

export function formatQuantity(quantity: Quantity, value: number): string {
  const unit = pickUnit(quantity, value);
  return `${formatSignificant(value / unit.divisor)} ${unit.label}`;
}

/** A range in one unit, the one of its upper end: '13.1 – 14 M ops/s'. */
export function formatRange(quantity: Quantity, low: number, high: number): string {
  const unit = pickUnit(quantity, high);
  return `${formatSignificant(low / unit.divisor)} – ${formatSignificant(high / unit.divisor)} ${unit.label}`;
}

export const formatRate = (opsPerSec: number): string => formatQuantity('rate', opsPerSec);
export const formatBytes = (bytes: number): string => formatQuantity('bytes', bytes);
export const formatNanoseconds = (ns: number): string => formatQuantity('nanoseconds', ns);

/** A throughput ratio such as 1.08×. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`;
}

/** A ratio as a signed change, e.g. 1.08 → '+8.0%', so the table says how much faster or slower. */
export function formatChange(ratio: number): string {
  const percent = (ratio - 1) * 100;
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)}%`;
}
