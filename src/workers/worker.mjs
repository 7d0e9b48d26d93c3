// Entry of the task pool's worker threads: the project runs TypeScript directly, so the worker
// registers tsx before it loads its TypeScript (whatever flags the parent process was started with).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
// A pool of background tasks runs below the API's thread (see thread-priority.ts).
if (workerData?.nice) {
  const { lowerThreadPriority } = await import('./thread-priority.ts');
  lowerThreadPriority(workerData.nice);
}
await import('./worker.ts');
