// Worker bootstrap: workers do not inherit the parent's tsx loader (an `--import tsx` in execArgv is
// not applied to worker threads on Node 20), so each registers it here and then imports its
// TypeScript entry, given as a file URL in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
