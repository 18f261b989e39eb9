export type Contract = 'A' | 'B' | 'C' | 'D' | 'hot';

/** One broken rule: where it is, what is wrong and what to do about it. */
export interface Violation {
  readonly contract: Contract;
  /** path relative to the checked root, with forward slashes */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function formatViolation(violation: Violation): string {
  return `contract ${violation.contract}: ${violation.file}:${violation.line}: ${violation.message}`;
}
