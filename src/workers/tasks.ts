/**
 * The tasks a pool worker runs: each takes plain data (and the contexts its caller keyed) and returns
 * plain data, or bytes (a `Uint8Array`, moved to the caller without a copy).
 */
import { Hub } from '../api/hub.ts';
import { loadAnswerJson } from '../api/load-plans.routes.ts';
import { type PlanRead, readPlan } from '../api/plans.routes.ts';
import { answerQuote, quoteAnswerJson } from '../api/quotes.routes.ts';
import { type CompressedPlan, withPlanJson } from '../api/stats.routes.ts';
import { LandbridgeError } from '../domain/index.ts';
import { fxConverter } from '../files/index.ts';
import { answerLoad, type LoadAsk } from '../load/index.ts';
import type { QuoteRequest } from '../quote/index.ts';
import { type ParcelStatsInput, parcelStats } from '../stats/index.ts';
import type { HubContext } from './hub-context.ts';
import { WORKER_CONTEXTS } from './task-pool.ts';

/** Reads a context the caller sent with the task (or an earlier one) by its key. */
export type ContextReader = (key: string) => unknown;

/**
 * The hubs of the newest context keys, each built once per worker (its quote index is rebuilt each new
 * day): single quotes come here too, and a server of several hubs alternates between them.
 */
const hubs = new Map<string, { hub: Hub; now: { ms: number } }>();
function hubOf(key: string, context: ContextReader, nowMs: number): Hub {
  let entry = hubs.get(key);
  if (!entry) {
    const c = context(key) as HubContext | undefined;
    if (!c) throw new Error(`the worker was not sent the hub context ${key}`);
    const now = { ms: nowMs };
    const hub = new Hub(c.network, fxConverter(c.fxTables), () => now.ms, { rules: c.rules, fx: c.fxTables });
    entry = { hub, now };
    hubs.set(key, entry);
    if (hubs.size > WORKER_CONTEXTS) hubs.delete(hubs.keys().next().value!);
  }
  entry.now.ms = nowMs;
  return entry.hub;
}

const encoder = new TextEncoder();

const TASKS = {
  /** The dashboard's parcel figures from the rows the store gave (see `parcelStats`). */
  'parcel-stats': (
    input: {
      readonly hubKey: string;
      readonly nowMs: number;
      readonly input: ParcelStatsInput;
      readonly planGzip?: CompressedPlan;
    },
    context: ContextReader,
  ) => {
    const hub = hubOf(input.hubKey, context, input.nowMs);
    return parcelStats(withPlanJson(input.input, input.planGzip), hub.network, hub.fx);
  },
  /** A stored plan read: its view or CSV as bytes, or one parcel's place (see `readPlan`). */
  'plan-read': (input: PlanRead) => readPlan(input),
  /**
   * A batch of quotes answered as the API answers them, returned as the JSON bytes of
   * `{ results: [...] }` (sent as they are: no copy, no serialising in the main thread).
   */
  quotes: (
    input: { readonly hubKey: string; readonly nowMs: number; readonly requests: readonly QuoteRequest[] },
    context: ContextReader,
  ) => {
    const hub = hubOf(input.hubKey, context, input.nowMs);
    return encoder.encode(JSON.stringify({ results: input.requests.map((r) => answerQuote(hub, r)) }));
  },

  /** One quote answered as the API answers it, returned as the JSON bytes the route sends. */
  quote: (
    input: { readonly hubKey: string; readonly nowMs: number; readonly request: QuoteRequest },
    context: ContextReader,
  ) => encoder.encode(quoteAnswerJson(answerQuote(hubOf(input.hubKey, context, input.nowMs), input.request))),
  /**
   * A 3D load plan (one container or several), each checked; its time limit inside the loader. Answers
   * the JSON bytes the route sends (see `loadAnswerJson`).
   */
  'load-plan': (input: LoadAsk) => encoder.encode(loadAnswerJson(answerLoad(input))),
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
