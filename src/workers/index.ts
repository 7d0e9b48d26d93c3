/** Worker threads for CPU-heavy requests: a small shared pool, its tasks, and their time limits. */
export {
  defaultPoolSize,
  type RunOptions,
  TaskPool,
  type TaskPoolStats,
  TaskTimeoutError,
} from './task-pool.ts';
export type { TaskInput, TaskName, TaskOutput } from './tasks.ts';
export {
  apiNice,
  BACKGROUND_NICE,
  backgroundNice,
  lowerThreadPriority,
  POOL_NICE,
  poolNice,
  setThreadPriority,
} from './thread-priority.ts';
