/** A line of an mtrace file that is not in the format; the message names the line and shows it. */
export class TraceParseError extends Error {
  readonly lineNumber: number;
  readonly line: string;

  constructor(lineNumber: number, line: string, reason: string) {
    super(`mtrace line ${lineNumber}: ${reason}: ${JSON.stringify(line)}`);
    this.name = 'TraceParseError';
    this.lineNumber = lineNumber;
    this.line = line;
  }
}
