import { aggregate } from './aggregate.ts';
import { candidateKey } from './assign.ts';
import type { PlanContext } from './context.ts';
import { type PlanDocument, planDocument } from './document.ts';
import type { PlanParcels } from './parcels.ts';
import { type PlanOutcome, type PlanRunOptions, planConsolidation } from './plan.ts';
import type { MipSolver } from './solver.ts';

/** What a re-plan changed. */
export interface Replan {
  readonly outcome: PlanOutcome;
  readonly document: PlanDocument;
  /** Parcels whose previous itinerary no longer runs as planned (a departure cancelled or retimed). */
  readonly affected: readonly string[];
  /** Parcels on a different itinerary than before (or newly held, or newly planned). */
  readonly moved: readonly string[];
  readonly costBeforeMinor: number;
  readonly costAfterMinor: number;
}

const keyOf = (rides: PlanDocument['parcels'][number]['rides'], gateway: string) =>
  `${rides.map((r) => `${r.departureId}>${r.to}`).join('|')}@${gateway}`;

/**
 * Re-plans after a disruption (the context carries the disruptions in force): a plan like any other,
 * where each parcel saves one minor unit by keeping its previous itinerary (when it still runs as
 * before), so that unaffected parcels move only when moving lowers the cost; affected parcels find
 * new itineraries.
 */
export function replanConsolidation(
  ctx: PlanContext,
  parcels: PlanParcels,
  previous: PlanDocument,
  solver: MipSolver,
  nowMs: () => number = () => 0,
  options: Omit<PlanRunOptions, 'preferred' | 'nowMs' | 'aggregation'> = {},
): Replan {
  const before = new Map(previous.parcels.map((p) => [p.id, keyOf(p.rides, p.gateway)]));
  // Each parcel's previous itinerary among its candidates now (the same departures and gateway).
  const agg = aggregate(ctx, parcels);
  const preferred = new Int16Array(parcels.count).fill(-1);
  agg.commodities.forEach((c) => {
    const list = agg.candidates[c.routeClass]!;
    let keys: Map<string, number> | undefined;
    for (const p of c.parcels) {
      const key = before.get(parcels.ids[p]!);
      if (key === undefined) continue;
      keys ??= new Map(list.map((k, j) => [candidateKey(ctx, k), j]));
      preferred[p] = keys.get(key) ?? -1;
    }
  });
  const outcome = planConsolidation(ctx, parcels, solver, { ...options, aggregation: agg, preferred, nowMs });
  const total = outcome.stats.costs.totalMinor;
  const document = planDocument(ctx, parcels, outcome);
  const after = new Map(document.parcels.map((p) => [p.id, keyOf(p.rides, p.gateway)]));
  // Affected: a departure of its previous itinerary no longer runs, or (staying) it now delivers on another day.
  const runs = new Set<string>();
  for (const tt of ctx.index.timetables) for (const d of tt.departures) runs.add(d.id);
  const delivery = new Map(document.parcels.map((p) => [p.id, p.deliveryDate]));
  const affected: string[] = [];
  for (const p of previous.parcels) {
    const cancelled = p.rides.some((r) => !runs.has(r.departureId));
    const retimed = before.get(p.id) === after.get(p.id) && delivery.get(p.id) !== p.deliveryDate;
    if (cancelled || retimed) affected.push(p.id);
  }
  const moved: string[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()]))
    if (before.get(id) !== after.get(id)) moved.push(id);
  moved.sort();
  return {
    outcome,
    document,
    affected,
    moved,
    costBeforeMinor: previous.summary.costMinor,
    costAfterMinor: total,
  };
}
