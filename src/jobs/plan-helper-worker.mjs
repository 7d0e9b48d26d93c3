// Entry of a worker thread that computes DDP import charges for part of a plan: registers tsx, lowers
// its scheduling priority as the plan worker does (see thread-priority.ts), then loads the TypeScript
// that computes.
import { register } from 'tsx/esm/api';

register();
const { backgroundNice, lowerThreadPriority } = await import('../workers/thread-priority.ts');
lowerThreadPriority(backgroundNice());
await import('./plan-helper-worker.ts');
