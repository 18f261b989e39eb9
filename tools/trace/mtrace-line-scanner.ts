import { TraceParseError } from './trace-parse-error.ts';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const CLOSE_BRACKET = 0x5d;
const AT_SIGN = 0x40;
const OPEN_PARENTHESIS = 0x28;
const LONGEST_LINE_SHOWN = 200;
/** 13 hex digits = 52 bits: every address stays an exact double (x86-64 user space is 47 bits) */
const ADDRESS_DIGITS = 13;
/** %#lx of a 64-bit size; only failed calls can be this large */
export const SIZE_DIGITS = 16;

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) HEX_VALUE[0x30 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX_VALUE[0x61 + d] = 10 + d;
  HEX_VALUE[0x41 + d] = 10 + d;
}
const NIL = new TextEncoder().encode('(nil)');

/**
 * Walks the lines of mtrace text and reads fields in place, without making strings, so a
 * million-line trace costs no garbage per line.
 */
export class MtraceLineScanner {
  private readonly data: Uint8Array;
  private next = 0;
  private pos = 0;
  lineStart = 0;
  lineEnd = 0;
  lineNumber = 0;
  /** the current line had no newline after it: the input was cut */
  unterminated = false;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  /** Moves to the next line; false at the end of the input. */
  nextLine(): boolean {
    const { data } = this;
    if (this.next >= data.length) return false;
    const newline = data.indexOf(NEWLINE, this.next);
    this.unterminated = newline < 0;
    this.lineStart = this.next;
    this.lineEnd = this.unterminated ? data.length : newline;
    if (this.lineEnd > this.lineStart && data[this.lineEnd - 1] === CARRIAGE_RETURN) this.lineEnd--;
    this.next = this.unterminated ? data.length : newline + 1;
    this.pos = this.lineStart;
    this.lineNumber++;
    return true;
  }

  firstByte(): number {
    return this.data[this.lineStart];
  }

  lineEquals(text: Uint8Array): boolean {
    if (this.lineEnd - this.lineStart !== text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.data[this.lineStart + i] !== text[i]) return false;
    return true;
  }

  /**
   * The op character, with the cursor put after it and its space. With an `@ CALLER ` prefix the op
   * follows the last `] ` (callers hold spaces and brackets; the fields after the op hold neither).
   */
  readOp(): number {
    const { data, lineStart, lineEnd } = this;
    let op = lineStart;
    if (data[lineStart] === AT_SIGN) {
      let bracket = lineEnd - 1;
      while (bracket > lineStart && data[bracket] !== CLOSE_BRACKET) bracket--;
      if (bracket === lineStart || data[bracket + 1] !== SPACE) this.fail('caller without "] " before the op');
      op = bracket + 2;
    }
    if (op + 1 >= lineEnd || data[op + 1] !== SPACE) this.fail('no op followed by a field');
    this.pos = op + 2;
    return data[op];
  }

  /** A %p address; 0 for `(nil)`. */
  readAddress(): number {
    if (this.data[this.pos] !== OPEN_PARENTHESIS) return this.readHex(ADDRESS_DIGITS, 'address');
    for (let i = 0; i < NIL.length; i++) {
      if (this.data[this.pos + i] !== NIL[i]) this.fail('address is neither hex nor (nil)');
    }
    this.pos += NIL.length;
    return 0;
  }

  /** A %#lx number (`0x` is absent when it is 0); values over 2^53 come back rounded. */
  readHex(maxDigits: number, what: string): number {
    const { data, lineEnd } = this;
    let pos = this.pos;
    if (data[pos] === 0x30 && data[pos + 1] === 0x78 && pos + 2 < lineEnd) pos += 2;
    const digitsStart = pos;
    let value = 0;
    for (; pos < lineEnd; pos++) {
      const digit = HEX_VALUE[data[pos]];
      if (digit < 0) break;
      value = value * 16 + digit;
    }
    const digits = pos - digitsStart;
    if (digits === 0) this.fail(`${what} is not a hex number`);
    if (digits > maxDigits) this.fail(`${what} has more than ${maxDigits} hex digits`);
    this.pos = pos;
    return value;
  }

  readSpace(): void {
    if (this.pos >= this.lineEnd || this.data[this.pos] !== SPACE) this.fail('expected a space');
    this.pos++;
  }

  expectLineEnd(): void {
    if (this.pos !== this.lineEnd) this.fail('unexpected text after the last field');
  }

  lineText(): string {
    const end = Math.min(this.lineEnd, this.lineStart + LONGEST_LINE_SHOWN);
    return Buffer.from(this.data.buffer, this.data.byteOffset + this.lineStart, end - this.lineStart).toString('latin1');
  }

  fail(reason: string): never {
    throw new TraceParseError(this.lineNumber, this.lineText(), reason);
  }
}
