import { checkLoadPlan, type LoadProblem } from './check.ts';
import { loadContainer } from './load-container.ts';
import { loadContainers } from './load-containers.ts';
import type { Container, LoadBox, LoadPlan, LoadRequest, SupportRule } from './types.ts';

/** A load request as the API and CLI take it: one container, or as few as the loader manages. */
export interface LoadAsk {
  readonly container: Container;
  readonly boxes: readonly LoadBox[];
  readonly options: {
    readonly support: SupportRule;
    readonly timeLimitMs: number;
    readonly seed?: number | undefined;
    readonly multi: boolean;
  };
}

type Checked<P> = P & {
  readonly check: { readonly valid: boolean; readonly problems: readonly LoadProblem[] };
};

/** The answer: one checked plan, or the checked plans of several containers with the volume bound. */
export type LoadAnswer =
  | Checked<LoadPlan>
  | {
      readonly containers: number;
      readonly lowerBound: number;
      readonly unplaced: readonly string[];
      readonly plans: Checked<LoadPlan>[];
    };

/**
 * Builds the load plan(s) of a request within its time limit and checks each with the independent
 * checker (the first 50 problems shown).
 */
export function answerLoad(ask: LoadAsk): LoadAnswer {
  const { container } = ask;
  const { support, timeLimitMs, seed, multi } = ask.options;
  const options = { support, timeLimitMs, ...(seed !== undefined ? { seed } : {}) };
  const asked: LoadRequest = { container, boxes: [...ask.boxes], options };
  if (!multi) {
    const plan = loadContainer(asked);
    const check = checkLoadPlan(asked, plan, support);
    return { ...plan, check: { valid: check.valid, problems: check.problems.slice(0, 50) } };
  }
  const result = loadContainers(ask.boxes, container, options);
  const plans = result.plans.map((plan) => {
    // Each container is checked on its own boxes; boxes left for other containers are not its concern.
    const placed = new Set(plan.placements.map((p) => p.boxId));
    const own = { ...asked, boxes: ask.boxes.filter((b) => placed.has(b.id)) };
    const check = checkLoadPlan(own, { placements: plan.placements, unplaced: [] }, support);
    return { ...plan, check: { valid: check.valid, problems: check.problems.slice(0, 50) } };
  });
  return { containers: plans.length, lowerBound: result.lowerBound, unplaced: result.unplaced, plans };
}
