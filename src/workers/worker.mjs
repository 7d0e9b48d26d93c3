// Entry of the task pool's worker threads: the project runs TypeScript directly, so the worker
// registers tsx before it loads its TypeScript (whatever flags the parent process was started with).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
