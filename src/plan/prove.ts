import type { Equipment } from '../domain/index.ts';
import { checkLoadPlan, containerOf, type LoadBox, loadContainer } from '../load/index.ts';
import type { PlanDocument } from './document.ts';
import type { PlanParcelInput } from './parcels.ts';

/** One planned container to prove: its type's inside and payload, and its parcels as boxes. */
export interface ContainerToProve {
  readonly id: string;
  readonly type: string;
  readonly boxes: readonly LoadBox[];
}

/** What the 3D loader made of one planned container. */
export interface ContainerProof {
  readonly id: string;
  /** Every parcel placed, and the independent checker accepts the load plan. */
  readonly proven: boolean;
  /** Parcels the loader could not place (ids), when not proven. */
  readonly unplaced: readonly string[];
  /** Why the checker refused the plan, when it did. */
  readonly problems: readonly string[];
  readonly volumeUtilisation: number;
  readonly elapsedMs: number;
  /**
   * The loader stopped at its hard deadline, its first greedy load perhaps unfinished: the parcels
   * left out may be left out for want of time, not of room (they are not moved for it).
   */
  readonly ranOutOfTime?: boolean;
}

/** What the 3D proof says of one container of the plan as it stands. */
export interface ContainerProofEntry {
  readonly id: string;
  /** Its load plan holds every parcel in it and the checker accepts it. */
  readonly proven: boolean;
  /** Parcels the proof loaded (every parcel riding the container, when proven). */
  readonly parcels: number;
  /** {@link parcelsDigest} of the ids of the parcels the proof was given. */
  readonly parcelsDigest: string;
  readonly volumeUtilisation: number;
}

/** Where the parcels the loader could not place in one container went. */
export interface ContainerMoves {
  /** The container, as the plan first named it. */
  readonly from: string;
  readonly unplaced: number;
  readonly why: string;
  /**
   * Groups of those parcels moved: `sibling` into another container of the same departure (loaded
   * again with them), `new-container` into one opened on it, `itinerary` onto another itinerary
   * (the `departures` it rides now, in the `containers` named; none on loose rides).
   */
  readonly to: readonly {
    readonly how: 'sibling' | 'new-container' | 'itinerary';
    readonly departures: readonly string[];
    readonly containers: readonly string[];
    readonly parcels: number;
  }[];
  /** Parcels held (`container-load`). */
  readonly held: number;
}

/** The 3D proof of a plan's containers: how many were loaded and checked, and which not. */
export interface PlanContainerProof {
  readonly containers: number;
  readonly proven: number;
  /** Containers the loader could not load whole (or the checker refused), with the parcels left out. */
  readonly notProven: readonly { readonly id: string; readonly unplaced: number; readonly why: string }[];
  /** Loader effort per container. */
  readonly timeLimitMs: number;
  /** Containers proven by the first loads, before any parcel moved. */
  readonly provenFirst?: number;
  /** Every container of the plan and what its proof loaded (`landbridge plan verify` checks these). */
  readonly byContainer?: readonly ContainerProofEntry[];
  /** Per container the loader could not load whole at first, where the parcels left out went. */
  readonly moves?: readonly ContainerMoves[];
  readonly parcelsMoved?: number;
  /** Parcels held because no container could take them (`container-load`). */
  readonly parcelsHeld?: number;
  /** Loader runs after the first proofs (containers loaded again after parcels moved). */
  readonly reproofs?: number;
}

/**
 * A digest of a set of parcel ids (order does not matter): FNV-1a, two 32-bit lanes, over the ids
 * sorted and joined by newlines; 16 hex digits. Names what a container's proof loaded, so that a
 * checker can tell whether the parcels riding it are the same.
 */
export function parcelsDigest(ids: readonly string[]): string {
  const text = [...ids].sort().join('\n');
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ (c + i), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** The planned containers of a document with their parcels as boxes (any orientation, stackable). */
export function containersToProve(
  doc: PlanDocument,
  parcels: ReadonlyMap<string, Pick<PlanParcelInput, 'id' | 'dimensions' | 'grossWeightG'>>,
): ContainerToProve[] {
  const boxes = new Map<string, LoadBox[]>();
  for (const p of doc.parcels)
    for (const r of p.rides) {
      if (!r.containerId) continue;
      const input = parcels.get(p.id);
      if (!input) continue;
      const list = boxes.get(r.containerId) ?? [];
      list.push({
        id: p.id,
        lengthMm: input.dimensions.lengthMm,
        widthMm: input.dimensions.widthMm,
        heightMm: input.dimensions.heightMm,
        weightG: input.grossWeightG,
      });
      boxes.set(r.containerId, list);
    }
  return doc.departures.flatMap((d) =>
    d.containers.map((c) => ({ id: c.id, type: c.type, boxes: boxes.get(c.id) ?? [] })),
  );
}

/**
 * Loads one planned container with the 3D loader (block building with beam search; full support) and
 * checks the load plan with the loader's independent checker: proven when every parcel is placed and
 * the checker accepts.
 */
export function proveContainer(
  c: ContainerToProve,
  equipment: Equipment,
  options: { readonly timeLimitMs: number; readonly maxRounds?: number; readonly clock?: () => number },
): ContainerProof {
  const container = containerOf(equipment);
  const request = { container, boxes: [...c.boxes], options: { support: 'full' as const } };
  // The first greedy load runs to its end (see proofHardLimitMs): a container is not called
  // unloadable because the loader ran out of time (at 200 ms, 6 of 11 at 100,000 parcels did).
  const clock = options.clock ?? (() => globalThis.performance.now());
  const started = clock();
  const hardMs = proofHardLimitMs(options.timeLimitMs, c.boxes.length);
  const plan = loadContainer(request, {
    timeLimitMs: options.timeLimitMs,
    hardDeadline: started + hardMs,
    ...(options.maxRounds !== undefined ? { maxRounds: options.maxRounds } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const check = checkLoadPlan(request, plan, 'full');
  const problems = check.valid ? [] : check.problems.slice(0, 5).map((p) => `${p.reason}: ${p.message}`);
  return {
    id: c.id,
    proven: check.valid && plan.unplaced.length === 0,
    unplaced: plan.unplaced,
    problems,
    volumeUtilisation: plan.volumeUtilisation,
    elapsedMs: plan.stats.elapsedMs,
    ...(plan.unplaced.length > 0 && clock() - started >= hardMs ? { ranOutOfTime: true } : {}),
  };
}

/** How far past its time limit the loader may run to finish its first greedy load, as a multiple. */
const HARD_LIMIT_FACTOR = 10;

/** Time the loader may take per box to finish its first greedy load, whatever the limit. */
const HARD_LIMIT_MS_PER_BOX = 1;

/**
 * How long a container's proof may run to finish its first greedy load: 10 times the limit, and at
 * least 1 ms a box. The greedy load's time grows with the boxes: at 100,000 parcels (fill 0.65) a
 * container of 4,367 cartons, nearly all of different sizes, loads whole in 1.5 s alone, but took
 * just over 2 s on the plan job's busy threads and, stopped at 10 × 200 ms, was called unloadable
 * (55 % loaded), which moved its parcels and proved their new containers again.
 */
export function proofHardLimitMs(timeLimitMs: number, boxes: number): number {
  return Math.max(HARD_LIMIT_FACTOR * timeLimitMs, HARD_LIMIT_MS_PER_BOX * boxes);
}

/** Sums proofs into the plan's statement. */
export function summariseProofs(proofs: readonly ContainerProof[], timeLimitMs: number): PlanContainerProof {
  const notProven = proofs
    .filter((p) => !p.proven)
    .map((p) => ({
      id: p.id,
      unplaced: p.unplaced.length,
      why:
        p.problems.length > 0
          ? `the checker refuses the load plan (${p.problems[0]})`
          : p.ranOutOfTime
            ? `the loader ran out of time with ${p.unplaced.length} parcels left out`
            : `${p.unplaced.length} ${p.unplaced.length === 1 ? 'parcel' : 'parcels'} could not be placed`,
    }));
  return { containers: proofs.length, proven: proofs.length - notProven.length, notProven, timeLimitMs };
}

/** Proves containers one after the other, at `timeLimitMs` each (one beam round: the greedy load). */
export function proveAll(
  containers: readonly ContainerToProve[],
  equipment: readonly Equipment[],
  timeLimitMs: number,
): ContainerProof[] {
  const byType = new Map(equipment.map((e) => [e.type as string, e]));
  return containers.map((c) => proveContainer(c, byType.get(c.type)!, { timeLimitMs, maxRounds: 1 }));
}
