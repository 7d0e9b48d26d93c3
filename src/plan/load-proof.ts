import type { Equipment } from '../domain/index.ts';
import type { LoadBox } from '../load/index.ts';
import type { Aggregation } from './aggregate.ts';
import type { Assignment } from './assign.ts';
import type { PlanContext } from './context.ts';
import { containerNames } from './document.ts';
import { evaluatePlan, type PlanStats } from './evaluate.ts';
import { type LoadMoves, moveUnloadedParcels } from './load-moves.ts';
import type { PlanParcelInput, PlanParcels } from './parcels.ts';
import {
  type ContainerProof,
  type ContainerProofEntry,
  type PlanContainerProof,
  parcelsDigest,
  proveContainer,
  summariseProofs,
} from './prove.ts';

/** A plan whose containers the 3D loader proved, with the parcels it could not place moved. */
export interface ProvenPlan {
  /** The assignment after the moves (the same object when nothing moved). */
  readonly assignment: Assignment;
  readonly stats: PlanStats;
  readonly proof: PlanContainerProof;
  /** Whether any parcel moved or was held: the plan's document must be made again. */
  readonly changed: boolean;
}

/**
 * Loader time for trying moves: a quarter of the first proofs' limits (a container in four loaded
 * again), at least 2 s. At 100,000 parcels the moves take about 1 s of it; at 1,000,000, where most
 * containers are filled past what the loader reaches, trying them all took 283 s and held 127,379
 * parcels: past the budget, containers stay not proven with their parcels.
 */
export function moveBudgetMs(containers: number, timeLimitMs: number): number {
  return Math.max(2_000, (containers * timeLimitMs) / 4);
}

/** A parcel's box for the loader: its outer dimensions and gross weight, any orientation. */
export function boxOfParcel(p: Pick<PlanParcelInput, 'id' | 'dimensions' | 'grossWeightG'>): LoadBox {
  return {
    id: p.id,
    lengthMm: p.dimensions.lengthMm,
    widthMm: p.dimensions.widthMm,
    heightMm: p.dimensions.heightMm,
    weightG: p.grossWeightG,
  };
}

/**
 * Moves the parcels the first proofs left out (see {@link moveUnloadedParcels}), loading containers
 * again as parcels move (`timeLimitMs` each, one beam round), and states the proof of the plan as it
 * then stands: per container whether it is proven and the parcels its proof loaded, and per
 * container first not proven, where its parcels left out went. `first` are the proofs of the
 * document's containers as {@link planDocument} named them for `assignment`.
 */
export function proveAndMove(
  ctx: PlanContext,
  parcels: PlanParcels,
  aggregation: Aggregation,
  outcome: { readonly assignment: Assignment; readonly stats: PlanStats },
  first: readonly ContainerProof[],
  inputs: ReadonlyMap<string, Pick<PlanParcelInput, 'id' | 'dimensions' | 'grossWeightG'>>,
  equipment: readonly Equipment[],
  timeLimitMs: number,
): ProvenPlan {
  const before = containerNames(ctx, outcome.assignment);
  const idOf = new Map([...before].map(([id, name]) => [name, id]));
  const proofs = new Map<number, ContainerProof>();
  for (const p of first) {
    const id = idOf.get(p.id);
    if (id !== undefined) proofs.set(id, p);
  }
  const byType = new Map(equipment.map((e) => [e.type as string, e]));
  const provenFirst = first.filter((p) => p.proven).length;
  const moved = moveUnloadedParcels(ctx, parcels, outcome.assignment, proofs, {
    prove: (c) => proveContainer(c, byType.get(c.type)!, { timeLimitMs, maxRounds: 1 }),
    boxOf: (p) => boxOfParcel(inputs.get(parcels.ids[p]!)!),
    budgetMs: moveBudgetMs(first.length, timeLimitMs),
  });
  const changed = moved.parcelsMoved + moved.parcelsHeld > 0;
  const assignment = changed ? moved.assignment : outcome.assignment;
  const stats = changed ? evaluatePlan(ctx, parcels, aggregation, assignment) : outcome.stats;
  const after = containerNames(ctx, assignment);
  return {
    assignment,
    stats,
    changed,
    proof: statedProof(ctx, parcels, moved, before, after, timeLimitMs, provenFirst),
  };
}

/** The proof section of the plan document after the moves. */
function statedProof(
  ctx: PlanContext,
  parcels: PlanParcels,
  moved: LoadMoves,
  before: ReadonlyMap<number, string>,
  after: ReadonlyMap<number, string>,
  timeLimitMs: number,
  provenFirst: number,
): PlanContainerProof {
  const name = (id: number) => after.get(id) ?? before.get(id) ?? `container ${id}`;
  const byContainer: ContainerProofEntry[] = [];
  const final: ContainerProof[] = [];
  for (const [id, docName] of after) {
    const lp = moved.proofs.get(id);
    if (!lp) continue;
    const ids = lp.parcels.map((p) => parcels.ids[p]!);
    const out = new Set(lp.proof.unplaced);
    const loaded = ids.filter((x) => !out.has(x));
    byContainer.push({
      id: docName,
      proven: lp.proof.proven,
      parcels: loaded.length,
      parcelsDigest: parcelsDigest(loaded),
      volumeUtilisation: Math.round(lp.proof.volumeUtilisation * 1e4) / 1e4,
    });
    final.push({ ...lp.proof, id: docName });
  }
  byContainer.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const summary = summariseProofs(final, timeLimitMs);
  return {
    ...summary,
    provenFirst,
    byContainer,
    moves: moved.moves.map((m) => ({
      from: before.get(m.from) ?? name(m.from),
      unplaced: m.unplaced,
      why: m.why,
      to: m.to.map((t) => ({
        how: t.how,
        departures: t.departures.map((d) => ctx.departures.get(d)!.id),
        containers: t.containers.map(name),
        parcels: t.parcels,
      })),
      held: m.held,
    })),
    parcelsMoved: moved.parcelsMoved,
    parcelsHeld: moved.parcelsHeld,
    reproofs: moved.reproofs,
  };
}
