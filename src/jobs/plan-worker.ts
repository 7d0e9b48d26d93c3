/**
 * A plan job's computation in a worker thread, so that the server keeps answering while HiGHS solves:
 * the main thread loads the parcels and stores the result; this thread plans and reports progress.
 * One worker per job (its WebAssembly memory goes when it ends).
 */
import { parentPort } from 'node:worker_threads';
import type { DutyRules, FxTables } from '../duties/index.ts';
import { fxConverter } from '../files/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import {
  computePlan,
  computeReplan,
  type PlanInputs,
  type PlanParams,
  type ReplanInputs,
} from './plan-job.ts';

/** What the main thread sends: everything the computation needs, as plain data. */
export type PlanTask =
  | {
      readonly kind: 'plan';
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
    };

/** What the worker answers: progress, then the document or an error. */
export type PlanTaskMessage =
  | { readonly progress: number }
  | { readonly document: PlanDocument }
  | { readonly error: string };

const port = parentPort;
if (port) {
  port.once('message', async (task: PlanTask) => {
    const post = (m: PlanTaskMessage) => port.postMessage(m);
    try {
      const fx = fxConverter(task.fxTables);
      const onProgress = (f: number) => post({ progress: f });
      const document =
        task.kind === 'plan'
          ? await computePlan(task.inputs, fx, task.params, {
              onProgress,
              ...(task.landed ? { landed: task.landed } : {}),
            })
          : await computeReplan(task.inputs, fx, task.params, task.previous, { onProgress });
      post({ document });
    } catch (e) {
      post({ error: (e as Error).message });
    }
  });
}
