/** A line of an mtrace file that is not in the format; the message names the file and line and shows it. */
export class TraceParseError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly line: string,
    readonly reason: string,
    source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}mtrace line ${lineNumber}: ${reason}: ${JSON.stringify(line)}`);
    this.name = 'TraceParseError';
  }

  /** the same error, its message led by the file it came from */
  from(source: string): TraceParseError {
    return new TraceParseError(this.lineNumber, this.line, this.reason, source);
  }
}

/** Input that is not a trace as a whole: corrupt gzip, too large once inflated, no trace line at all. */
export class TraceInputError extends Error {
  constructor(source: string | undefined, reason: string) {
    super(`${source ? `${source}: ` : ''}${reason}`);
    this.name = 'TraceInputError';
  }
}
