import {
  type LoadBox,
  type LoadPlan,
  type LoadRequest,
  ORIENTATION_AXES,
  ORIENTATIONS,
  type Orientation,
  type Placement,
  type SupportRule,
  UPRIGHT_ORIENTATIONS,
} from './types.ts';

/** Why a load plan is wrong. */
export const LOAD_PROBLEM_REASONS = [
  'unknown-box',
  'duplicate-box',
  'missing-box',
  'dimensions',
  'orientation',
  'outside',
  'overlap',
  'floating',
  'unsupported',
  'not-stackable',
  'overloaded',
  'over-payload',
] as const;
export type LoadProblemReason = (typeof LOAD_PROBLEM_REASONS)[number];

/** One thing wrong with a load plan, naming the box (and the other box, for overlaps and stacking). */
export interface LoadProblem {
  readonly reason: LoadProblemReason;
  readonly boxId?: string;
  readonly otherBoxId?: string;
  readonly message: string;
}

/** The verdict on a load plan and how full it makes the container. */
export interface LoadCheck {
  readonly valid: boolean;
  readonly problems: readonly LoadProblem[];
  /** Volume of the placed boxes over the container's volume, 0–1. */
  readonly volumeUtilisation: number;
  /** Weight of the placed boxes over the payload, 0–1. */
  readonly weightUtilisation: number;
  readonly loadedVolumeMm3: number;
  readonly loadedWeightG: number;
}

interface Item {
  readonly p: Placement;
  readonly box: LoadBox;
  readonly x2: number;
  readonly y2: number;
  readonly z2: number;
}

function overlap1(a1: number, a2: number, b1: number, b2: number): number {
  const d = Math.min(a2, b2) - Math.max(a1, b1);
  return Math.max(d, 0);
}

function footprintOverlap(a: Item, b: Item): number {
  return overlap1(a.p.x, a.x2, b.p.x, b.x2) * overlap1(a.p.y, a.y2, b.p.y, b.y2);
}

function allowedOrientations(box: LoadBox): readonly Orientation[] {
  const base = box.orientations ?? ORIENTATIONS;
  return box.thisSideUp ? base.filter((o) => UPRIGHT_ORIENTATIONS.includes(o)) : base;
}

/**
 * Checks a load plan against its request on its own, sharing no placement logic with the loader:
 * every box known, placed at most once and either placed or listed unplaced; dimensions as placed match
 * the box turned by its orientation, which the box allows (and "this side up"); inside the container;
 * no two boxes overlap (a sweep along x); support per `support` (default: the request's option, else
 * `full`): the share of each base resting on the floor or on top faces of boxes ending exactly at its
 * bottom; nothing rests on a non-stackable box; the load above each box within its `maxLoadOnTopG`
 * (every higher box whose footprint overlaps counts in full); total weight within the payload.
 */
export function checkLoadPlan(
  request: LoadRequest,
  plan: Pick<LoadPlan, 'placements' | 'unplaced'>,
  support: SupportRule = request.options?.support ?? 'full',
): LoadCheck {
  const { container } = request;
  const problems: LoadProblem[] = [];
  const boxes = new Map<string, LoadBox>();
  for (const b of request.boxes) boxes.set(b.id, b);
  const seen = new Set<string>();
  const items: Item[] = [];
  let volume = 0;
  let weight = 0;

  for (const p of plan.placements) {
    const box = boxes.get(p.boxId);
    if (!box) {
      problems.push({
        reason: 'unknown-box',
        boxId: p.boxId,
        message: `box ${p.boxId} is not in the request`,
      });
      continue;
    }
    if (seen.has(p.boxId)) {
      problems.push({ reason: 'duplicate-box', boxId: p.boxId, message: `box ${p.boxId} is placed twice` });
      continue;
    }
    seen.add(p.boxId);
    const dims = [box.lengthMm, box.widthMm, box.heightMm];
    const axes = ORIENTATION_AXES[p.orientation];
    if (!axes) {
      problems.push({
        reason: 'orientation',
        boxId: p.boxId,
        message: `box ${p.boxId}: unknown orientation ${String(p.orientation)}`,
      });
      continue;
    }
    if (dims[axes[0]] !== p.dx || dims[axes[1]] !== p.dy || dims[axes[2]] !== p.dz)
      problems.push({
        reason: 'dimensions',
        boxId: p.boxId,
        message: `box ${p.boxId}: placed as ${p.dx}×${p.dy}×${p.dz} mm, but ${box.lengthMm}×${box.widthMm}×${box.heightMm} mm turned ${p.orientation} is ${dims[axes[0]]}×${dims[axes[1]]}×${dims[axes[2]]} mm`,
      });
    if (!allowedOrientations(box).includes(p.orientation))
      problems.push({
        reason: 'orientation',
        boxId: p.boxId,
        message: `box ${p.boxId}: orientation ${p.orientation} is not allowed (allowed: ${allowedOrientations(box).join(', ') || 'none'})`,
      });
    if (
      p.x < 0 ||
      p.y < 0 ||
      p.z < 0 ||
      p.x + p.dx > container.lengthMm ||
      p.y + p.dy > container.widthMm ||
      p.z + p.dz > container.heightMm
    )
      problems.push({
        reason: 'outside',
        boxId: p.boxId,
        message: `box ${p.boxId} at (${p.x}, ${p.y}, ${p.z}) size ${p.dx}×${p.dy}×${p.dz} mm is not inside the container ${container.lengthMm}×${container.widthMm}×${container.heightMm} mm`,
      });
    items.push({ p, box, x2: p.x + p.dx, y2: p.y + p.dy, z2: p.z + p.dz });
    volume += p.dx * p.dy * p.dz;
    weight += box.weightG;
  }

  const unplaced = new Set<string>();
  for (const id of plan.unplaced) {
    if (!boxes.has(id))
      problems.push({
        reason: 'unknown-box',
        boxId: id,
        message: `unplaced box ${id} is not in the request`,
      });
    else if (seen.has(id) || unplaced.has(id))
      problems.push({ reason: 'duplicate-box', boxId: id, message: `box ${id} is both placed and unplaced` });
    unplaced.add(id);
  }
  for (const b of request.boxes)
    if (!seen.has(b.id) && !unplaced.has(b.id))
      problems.push({
        reason: 'missing-box',
        boxId: b.id,
        message: `box ${b.id} is neither placed nor unplaced`,
      });

  // Overlaps: sweep along x; only boxes whose x-ranges meet are compared.
  const byX = items.slice().sort((a, b) => a.p.x - b.p.x);
  for (let i = 0; i < byX.length; i++) {
    const a = byX[i]!;
    for (let j = i + 1; j < byX.length; j++) {
      const b = byX[j]!;
      if (b.p.x >= a.x2) break;
      if (overlap1(a.p.y, a.y2, b.p.y, b.y2) > 0 && overlap1(a.p.z, a.z2, b.p.z, b.z2) > 0)
        problems.push({
          reason: 'overlap',
          boxId: b.p.boxId,
          otherBoxId: a.p.boxId,
          message: `box ${b.p.boxId} overlaps box ${a.p.boxId}`,
        });
    }
  }

  // Support and stacking: the boxes whose top is exactly at a box's bottom carry it.
  const byTop = new Map<number, Item[]>();
  for (const it of items) {
    const list = byTop.get(it.z2);
    if (list) list.push(it);
    else byTop.set(it.z2, [it]);
  }
  const ratio = support === 'full' ? 1 : support === 'none' ? 0 : support.ratio;
  for (const it of items) {
    if (it.p.z === 0) continue;
    let carried = 0;
    for (const below of byTop.get(it.p.z) ?? []) {
      const area = footprintOverlap(it, below);
      if (area === 0) continue;
      carried += area;
      if (below.box.stackable === false)
        problems.push({
          reason: 'not-stackable',
          boxId: below.p.boxId,
          otherBoxId: it.p.boxId,
          message: `box ${it.p.boxId} rests on box ${below.p.boxId}, which is not stackable`,
        });
    }
    if (ratio === 0) continue;
    const base = it.p.dx * it.p.dy;
    if (carried === 0)
      problems.push({
        reason: 'floating',
        boxId: it.p.boxId,
        message: `box ${it.p.boxId} at height ${it.p.z} mm rests on nothing`,
      });
    else if (carried < ratio * base - 1e-9 * base)
      problems.push({
        reason: 'unsupported',
        boxId: it.p.boxId,
        message: `box ${it.p.boxId}: ${((100 * carried) / base).toFixed(1)} % of its base is supported, ${(100 * ratio).toFixed(1)} % required`,
      });
  }

  // Load on top: every higher box whose footprint overlaps counts in full.
  for (const it of items) {
    const limit = it.box.maxLoadOnTopG;
    if (limit === undefined) continue;
    let load = 0;
    for (const other of items)
      if (other !== it && other.p.z >= it.z2 && footprintOverlap(it, other) > 0) load += other.box.weightG;
    if (load > limit)
      problems.push({
        reason: 'overloaded',
        boxId: it.p.boxId,
        message: `box ${it.p.boxId} carries ${load} g above it, more than its ${limit} g`,
      });
  }

  if (weight > container.payloadG)
    problems.push({
      reason: 'over-payload',
      message: `the boxes weigh ${weight} g, more than the payload of ${container.payloadG} g`,
    });

  const containerVolume = container.lengthMm * container.widthMm * container.heightMm;
  return {
    valid: problems.length === 0,
    problems,
    volumeUtilisation: volume / containerVolume,
    weightUtilisation: weight / container.payloadG,
    loadedVolumeMm3: volume,
    loadedWeightG: weight,
  };
}
