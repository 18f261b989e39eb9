import type { Io } from '../../tools/cli/io.ts';
import { main } from '../../tools/cli/main.ts';

/** Runs the hakmem command line in this process and returns its exit code and what it printed. */
export async function runCli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
