import { spawn } from 'node:child_process';
import { pinnedCommand } from '../native/pinned.ts';
import { childBundle } from './bundle.ts';
import type { ChildMessage, ChildReport, ChildRequest } from './protocol.ts';

const STDERR_TAIL_CHARS = 2000;

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/**
 * Runs one request in a fresh Node process (its own JIT and heap) and resolves with its report.
 * A run past `timeoutSeconds` is killed: some peers are quadratic on large live sets. With `core`, the
 * child runs on that core only.
 */
export function runInChild(request: ChildRequest, timeoutSeconds = Infinity, core?: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const [command, args] = pinnedCommand(process.execPath, ['--expose-gc', childBundle(), JSON.stringify(request)], core);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = Number.isFinite(timeoutSeconds)
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutSeconds * 1000)
      : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`${request.target}: run took longer than ${timeoutSeconds} s and was stopped`));
        return;
      }
      let message: ChildMessage;
      try {
        message = JSON.parse(lastLine(stdout)) as ChildMessage;
      } catch {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        reject(new Error(`${request.target}: child process failed (${why})${stderr ? `: ${stderr.trim()}` : ''}`));
        return;
      }
      if ('error' in message) reject(new Error(message.error));
      else resolve(message);
    });
  });
}
