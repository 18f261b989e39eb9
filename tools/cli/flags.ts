/** A mistake in how the command was called: printed as is, with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type FlagType = 'count' | 'natural' | 'string' | 'boolean';

export interface FlagSpec {
  readonly type: FlagType;
  readonly multiple?: boolean;
  /** smallest accepted value of a number flag */
  readonly min?: number;
  /** why the minimum, said in the error */
  readonly minReason?: string;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly flags: FlagValues;
  readonly positionals: string[];
}

const EXPECTED: Record<FlagType, string> = {
  count: 'a positive integer',
  natural: 'an integer from 0 to 4294967295',
  string: 'a value',
  boolean: 'no value',
};

function parseNumber(flag: string, spec: FlagSpec, raw: string): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const min = spec.min ?? (spec.type === 'count' ? 1 : 0);
  const valid = Number.isSafeInteger(value) && value >= min && (spec.type !== 'natural' || value <= 0xffff_ffff);
  if (!valid) {
    const expected = spec.min !== undefined ? `an integer of at least ${spec.min}${spec.minReason ? ` (${spec.minReason})` : ''}` : EXPECTED[spec.type];
    throw new UsageError(`--${flag} expects ${expected}, got "${raw}"`);
  }
  return value;
}

/** Parses `--flag value`, `--flag=value` and bare positionals; `command` names the subcommand in errors. */
export function parseArgs(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    // -h is the one short flag, as every command line tool takes it
    const arg = args[i] === '-h' && specs.help ? '--help' : args[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name} for "hakmem ${command}" (see hakmem ${command} --help)`);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value, got "${inline}"`);
      flags[name] = true;
      continue;
    }
    const raw = inline ?? args[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) {
      throw new UsageError(`--${name} needs ${EXPECTED[spec.type]} after it`);
    }
    const value = spec.type === 'string' ? raw : parseNumber(name, spec, raw);
    if (spec.multiple) flags[name] = [...((flags[name] as string[] | undefined) ?? []), String(value)];
    else if (flags[name] !== undefined) throw new UsageError(`--${name} was given twice`);
    else flags[name] = value;
  }
  return { flags, positionals };
}
