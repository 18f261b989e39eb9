/** Where a command writes; tests pass their own. */
export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

export const PROCESS_IO: Io = { stdout: process.stdout, stderr: process.stderr };
