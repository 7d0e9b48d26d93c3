import { orientationMask } from './box-types.ts';
import { DEFAULT_TIME_LIMIT_MS, loadContainer } from './load-container.ts';
import {
  type Container,
  type LoadBox,
  type LoadOptions,
  type LoadPlan,
  ORIENTATION_AXES,
  ORIENTATIONS,
} from './types.ts';

/** Least search time given to one container, ms. */
const MIN_SHARE_MS = 100;

/** Load plans for a set of boxes over as few containers of one type as the loader manages. */
export interface MultiLoadPlan {
  /** One plan per container, in loading order; a plan's `unplaced` lists the boxes it was offered but left. */
  readonly plans: readonly LoadPlan[];
  /**
   * Boxes in no plan: those that fit no container alone (too big in every allowed orientation, or
   * heavier than the payload).
   */
  readonly unplaced: readonly string[];
  /**
   * Lower bound on the number of containers: max(⌈box volume / container volume⌉, ⌈weight / payload⌉)
   * over the boxes that fit.
   */
  readonly lowerBound: number;
}

/** Whether a box fits the container alone, in some allowed orientation and within the payload. */
export function fitsContainer(box: LoadBox, c: Container): boolean {
  if (box.weightG > c.payloadG) return false;
  const mask = orientationMask(box);
  const dims = [box.lengthMm, box.widthMm, box.heightMm];
  return ORIENTATIONS.some((o, i) => {
    const [a, b, h] = ORIENTATION_AXES[o];
    return (
      (mask & (1 << i)) !== 0 && dims[a]! <= c.lengthMm && dims[b]! <= c.widthMm && dims[h]! <= c.heightMm
    );
  });
}

/**
 * Loads all boxes into as few containers of one type as it can: fills one container at a time with
 * the single-container loader (most volume first) and takes the boxes left to the next. When it ends
 * with more containers than the volume and weight bound, it tries once more to load the last two
 * containers' boxes into one. `options.timeLimitMs` (default 5 s) is the time for all containers, shared
 * out by the number of containers still expected, and honoured: when it runs out, the boxes not yet
 * loaded are left unplaced.
 */
export function loadContainers(
  boxes: readonly LoadBox[],
  container: Container,
  options: LoadOptions = {},
): MultiLoadPlan {
  const clock = options.clock ?? ((): number => globalThis.performance.now());
  const deadline = clock() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const containerVolume = container.lengthMm * container.widthMm * container.heightMm;
  const volumeOf = (b: LoadBox): number => b.lengthMm * b.widthMm * b.heightMm;
  const fit: LoadBox[] = [];
  const unplaced: string[] = [];
  for (const b of boxes) {
    if (fitsContainer(b, container)) fit.push(b);
    else unplaced.push(b.id);
  }
  let volume = 0;
  let weight = 0;
  for (const b of fit) {
    volume += volumeOf(b);
    weight += b.weightG;
  }
  const lowerBound =
    fit.length === 0
      ? 0
      : Math.max(Math.ceil(volume / containerVolume), Math.ceil(weight / container.payloadG));

  const byId = new Map(fit.map((b) => [b.id, b]));
  const left = (): number => Math.max(MIN_SHARE_MS, Math.floor(deadline - clock()));
  // no container's search, first greedy load included, runs past the limit of the whole
  const hardDeadline = deadline;
  const plans: LoadPlan[] = [];
  let rest: readonly LoadBox[] = fit;
  while (rest.length > 0 && clock() < deadline) {
    // share the time left over the containers still expected (at 90 % full), plus one for the last try
    const restVolume = rest.reduce((s, b) => s + volumeOf(b), 0);
    const expected = Math.max(1, Math.ceil(restVolume / (0.9 * containerVolume))) + 1;
    const share = Math.max(MIN_SHARE_MS, Math.floor(left() / expected));
    const plan = loadContainer(
      { container, boxes: rest },
      { ...options, timeLimitMs: share, clock, hardDeadline },
    );
    if (plan.placements.length === 0) break;
    plans.push(plan);
    rest = plan.unplaced.map((id) => byId.get(id)!);
  }
  for (const b of rest) unplaced.push(b.id);
  if (plans.length > lowerBound && plans.length >= 2 && deadline - clock() >= MIN_SHARE_MS) {
    const lastTwo = plans.slice(-2).flatMap((p) => p.placements.map((pl) => byId.get(pl.boxId)!));
    const merged = loadContainer(
      { container, boxes: lastTwo },
      { ...options, timeLimitMs: left(), clock, hardDeadline },
    );
    if (merged.unplaced.length === 0) plans.splice(-2, 2, merged);
  }
  return { plans, unplaced, lowerBound };
}
