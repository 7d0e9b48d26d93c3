/**
 * The tasks a pool worker runs: each takes plain data (and the contexts its caller keyed) and returns
 * plain data, or bytes (a `Uint8Array`, moved to the caller without a copy).
 */
import { LandbridgeError } from '../domain/index.ts';
import { answerLoad, type LoadAsk } from '../load/index.ts';

/** Reads a context the caller sent with the task (or an earlier one) by its key. */
export type ContextReader = (key: string) => unknown;

const TASKS = {
  /** A 3D load plan (one container or several), each checked; its time limit inside the loader. */
  'load-plan': (input: LoadAsk) => answerLoad(input),
  /** Holds its thread for `ms` (a CPU-bound wait that ignores any limit): for tests of the pool's limits. */
  spin: (input: { readonly ms: number }) => {
    const end = performance.now() + input.ms;
    let n = 0;
    while (performance.now() < end) n++;
    return n;
  },
  /** Echoes the context named `key`: for tests of the contexts' once-per-worker delivery. */
  'read-context': (input: { readonly key: string }, context: ContextReader) => context(input.key) ?? null,
  /** Fails as asked: for tests of the errors' way back. */
  fail: (input: { readonly message: string; readonly landbridge: boolean }) => {
    throw input.landbridge
      ? new LandbridgeError('invalid-input', input.message, [{ where: { field: 'x' }, why: 'because' }])
      : new Error(input.message);
  },
} satisfies Record<string, (input: never, context: ContextReader) => unknown>;

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;

/** Runs task `name` (in the worker). */
export function runTask(name: TaskName, input: unknown, context: ContextReader): unknown {
  const task = TASKS[name] as (input: unknown, context: ContextReader) => unknown;
  if (!task) throw new Error(`no task ${name}`);
  return task(input, context);
}
