// Entry of the plan worker thread: the project runs TypeScript directly, so the worker registers tsx
// before it loads its TypeScript (whatever flags the parent process was started with). It lowers its
// scheduling priority first (see thread-priority.ts). Its helper
// threads start first, so that they load while it loads; then its own read of the job's parcels, when
// it was started with one, which goes on while the planner loads.
import { register } from 'tsx/esm/api';

register();
// Background work: below the API's thread in the CPU's queue (its helpers, started from here, inherit it).
const { backgroundNice, lowerThreadPriority } = await import('../workers/thread-priority.ts');
lowerThreadPriority(backgroundNice());
const { startHelpersAhead } = await import('./plan-helper-threads.ts');
startHelpersAhead();
const { startOwnRead } = await import('./plan-worker-read.ts');
startOwnRead();
await import('./plan-worker.ts');
