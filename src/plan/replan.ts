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

const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

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
  // Moved: on another itinerary than before (or newly held, or newly planned). Affected: a departure
  // of its previous itinerary no longer runs, or, staying on it, it now delivers on another day.
  const { candidate, candidates, commodity } = outcome.assignment;
  const runs = new Set<string>();
  for (const tt of ctx.index.timetables) for (const d of tt.departures) runs.add(d.id);
  const index = new Map(parcels.ids.map((id, p) => [id, p]));
  const moved: string[] = [];
  const affected: string[] = [];
  const wasPlanned = new Set<string>();
  for (const q of previous.parcels) {
    wasPlanned.add(q.id);
    const p = index.get(q.id);
    const j = p === undefined ? -1 : candidate[p]!;
    const stays = j >= 0 && j === preferred[p!];
    if (!stays) moved.push(q.id);
    const cancelled = q.rides.some((r) => !runs.has(r.departureId));
    const retimed = stays && isoDay(candidates[commodity[p!]!]![j]!.deliveryDay) !== q.deliveryDate;
    if (cancelled || retimed) affected.push(q.id);
  }
  for (let p = 0; p < parcels.count; p++)
    if (candidate[p]! >= 0 && !wasPlanned.has(parcels.ids[p]!)) moved.push(parcels.ids[p]!);
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
