/**
 * A plan job's computation in a worker thread, so that the server keeps answering while HiGHS solves:
 * the main thread loads the parcels and stores the result; this thread plans and reports progress.
 * One worker per job (its WebAssembly memory goes when it ends).
 */
import { parentPort } from 'node:worker_threads';
import type { Parcel } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import { fxConverter } from '../files/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import { computePlan, PlanComputation, type PlanInputs, type PlanParams } from './plan-job.ts';
import { computeReplan, type ReplanInputs } from './plan-replan.ts';
import { type StartRead, startRead, takeOwnRead } from './plan-worker-read.ts';

/** What the main thread sends: everything the computation needs, as plain data. */
export type PlanTask =
  | {
      readonly kind: 'plan';
      /**
       * The parcels follow as {@link ParcelBatch}es, then {@link EndOfParcels}: the worker starts its
       * helpers and prepares the plan meanwhile. Else they came before (or are in `inputs.stored`).
       */
      readonly streamed?: boolean;
      /**
       * The worker reads the parcels itself, as its `workerData` asks (see `plan-worker-read.ts`),
       * after any in `inputs.stored`; nothing else follows the task.
       */
      readonly ownRead?: boolean;
      readonly inputs: PlanInputs;
      readonly params: PlanParams;
      readonly fxTables: FxTables;
      readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables };
    }
  | {
      readonly kind: 'replan';
      readonly inputs: ReplanInputs;
      readonly params: PlanParams;
      readonly fxTables: FxTables;
      readonly previous: PlanDocument;
      readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables };
    };

/**
 * What the worker answers: progress and stage timings, then the document as JSON text (serialised
 * here, so that the main thread neither copies nor serialises the object) or an error.
 */
export type PlanTaskMessage =
  | { readonly progress: number }
  | { readonly phase: string; readonly ms: number }
  | { readonly json: string }
  | { readonly error: string };

/**
 * Parcels sent ahead of a plan task, batch by batch as the main thread reads them (so that it never
 * copies them all at once); the task's `inputs.stored` comes after them.
 */
export interface ParcelBatch {
  readonly parcels: readonly Parcel[];
}

/** The last message of a streamed plan task: every parcel has been sent. */
export interface EndOfParcels {
  readonly end: true;
}

const port = parentPort;
if (port) {
  const received: Parcel[] = [];
  let streamed: PlanComputation | undefined;
  const post = (m: PlanTaskMessage) => port.postMessage(m);
  const fail = (e: unknown) => {
    streamed?.close();
    post({ error: (e as Error).message });
  };
  // a plan computed as its parcels come (streamed to it, or read by the worker itself)
  const startComputation = (m: Extract<PlanTask, { kind: 'plan' }>) =>
    new PlanComputation(m.inputs, fxConverter(m.fxTables), m.params, {
      onProgress: (f) => post({ progress: f }),
      onPhase: (phase, ms) => post({ phase, ms }),
      ...(m.landed ? { landed: m.landed } : {}),
    });
  // the document as JSON text, written here so the server's thread only stores it
  const postDocument = (document: unknown) => {
    const t = performance.now();
    const json = JSON.stringify(document);
    post({ phase: 'serialise', ms: performance.now() - t });
    post({ json });
  };
  const onMessage = (m: PlanTask | ParcelBatch | EndOfParcels | StartRead) => {
    // where to read the parcels, sent to a spare worker ahead of its task
    if ('startRead' in m) return startRead(m.startRead);
    if ('parcels' in m) {
      if (streamed) streamed.add(m.parcels);
      else for (const p of m.parcels) received.push(p);
      return;
    }
    if ('end' in m) {
      port.off('message', onMessage);
      const computation = streamed;
      if (!computation) return fail(new Error('the plan worker was sent no plan task'));
      void computation.finish().then(postDocument).catch(fail);
      return;
    }
    if (m.kind === 'plan' && m.ownRead) {
      port.off('message', onMessage);
      const read = takeOwnRead();
      if (!read) return fail(new Error('the plan worker was started without its read'));
      try {
        streamed = startComputation(m);
      } catch (e) {
        return fail(e);
      }
      const computation = streamed;
      computation.add(m.inputs.stored);
      void read
        .take((batch) => computation.add(batch))
        .then((ms) => {
          post({ phase: 'read', ms });
          return computation.finish();
        })
        .then(postDocument)
        .catch(fail);
      return;
    }
    if (m.kind === 'plan' && m.streamed) {
      try {
        streamed = startComputation(m);
        streamed.add([...received, ...m.inputs.stored]);
      } catch (e) {
        port.off('message', onMessage);
        fail(e);
      }
      return;
    }
    port.off('message', onMessage);
    void run(
      received.length === 0
        ? m
        : m.kind === 'plan'
          ? { ...m, inputs: { ...m.inputs, stored: [...received, ...m.inputs.stored] } }
          : { ...m, inputs: { ...m.inputs, stored: [...received, ...m.inputs.stored] } },
    );
  };
  port.on('message', onMessage);
  const run = async (task: PlanTask) => {
    try {
      const fx = fxConverter(task.fxTables);
      const onProgress = (f: number) => post({ progress: f });
      const onPhase = (phase: string, ms: number) => post({ phase, ms });
      const document: PlanDocument =
        task.kind === 'plan'
          ? await computePlan(task.inputs, fx, task.params, {
              onProgress,
              onPhase,
              ...(task.landed ? { landed: task.landed } : {}),
            })
          : await computeReplan(task.inputs, fx, task.params, task.previous, {
              onProgress,
              ...(task.landed ? { landed: task.landed } : {}),
            });
      const t = performance.now();
      const json = JSON.stringify(document);
      onPhase('serialise', performance.now() - t);
      post({ json });
    } catch (e) {
      post({ error: (e as Error).message });
    }
  };
}
