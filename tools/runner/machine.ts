import { cpus, platform, release, totalmem } from 'node:os';

/** One line naming the machine, so a report says where its numbers come from. */
export function describeMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (totalmem() / 2 ** 30).toFixed(1);
  return `${model} x ${cores.length}, ${memoryGiB} GiB, ${platform()} ${release()}, Node ${process.version}`;
}
