/**
 * A command run on one core through util-linux's `taskset`: on a two-core host the scheduler otherwise
 * moves a measured process between cores, and the other core keeps the parent and the system busy.
 */
export function pinnedCommand(command: string, args: readonly string[], core: number | undefined): [string, string[]] {
  return core === undefined ? [command, [...args]] : ['taskset', ['-c', String(core), command, ...args]];
}
