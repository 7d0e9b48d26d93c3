import { aggregate } from './aggregate.ts';
import { assignParcels, candidateKey } from './assign.ts';
import { lagrangianBound, pricesFromDuals } from './bound.ts';
import type { PlanContext } from './context.ts';
import { type PlanDocument, planDocument } from './document.ts';
import { evaluatePlan } from './evaluate.ts';
import { buildModel } from './model.ts';
import type { PlanParcels } from './parcels.ts';
import { type PlanOutcome, scarceClasses, solveRelaxation } from './plan.ts';
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
 * Re-plans after a disruption (the context carries the disruptions in force): the same model as a
 * plan, where parcels may keep their previous itinerary at one minor unit less, so that unaffected
 * parcels move only when moving lowers the cost; affected parcels find new itineraries.
 */
export function replanConsolidation(
  ctx: PlanContext,
  parcels: PlanParcels,
  previous: PlanDocument,
  solver: MipSolver,
  nowMs: () => number = () => 0,
): Replan {
  const t0 = nowMs();
  const before = new Map(previous.parcels.map((p) => [p.id, keyOf(p.rides, p.gateway)]));
  const previousKey = (p: number) => before.get(parcels.ids[p]!);
  const model = (banded?: ReadonlySet<string>) => {
    const aggregation = aggregate(ctx, parcels, banded);
    const keyed = aggregation.commodities.map((c) => {
      const counts = new Map<string, number>();
      for (const p of c.parcels) {
        const key = previousKey(p);
        if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    });
    const layout = buildModel(
      ctx,
      aggregation,
      1,
      true,
      (ci, k) => keyed[ci]!.get(candidateKey(ctx, k)) ?? 0,
    );
    const { lp, rounds } = solveRelaxation(layout, solver, 0);
    if (lp.status !== 'optimal') throw new Error(`re-plan: the LP relaxation ended ${lp.status}`);
    return { aggregation, layout, lp, rounds };
  };
  // As a plan does: where departures fill, split the route classes that could ride them by volume.
  let { aggregation, layout, lp, rounds } = model();
  const scarce = scarceClasses(ctx, layout, aggregation, lp.x);
  if (ctx.settings.sizeBandOctaves > 0 && scarce.size > 0)
    ({ aggregation, layout, lp, rounds } = model(scarce));
  const assignment = assignParcels(ctx, parcels, aggregation, layout, lp.x, previousKey);
  const stats = evaluatePlan(ctx, parcels, aggregation, assignment);
  const total = stats.costs.totalMinor;
  const bound = lp.rowDual
    ? Math.min(
        total,
        Math.floor(
          lagrangianBound(
            ctx,
            parcels,
            aggregation,
            assignment.candidates,
            pricesFromDuals(layout, lp.rowDual),
            layout.links,
          ).bound,
        ),
      )
    : 0;
  const outcome: PlanOutcome = {
    aggregation,
    layout,
    generationRounds: rounds,
    refinedClasses: ctx.settings.sizeBandOctaves > 0 ? scarce.size : 0,
    assignment,
    stats,
    lowerBoundMinor: bound,
    boundMethod: 'lagrangian',
    gapPercent: total > 0 ? ((total - bound) / total) * 100 : 0,
    aggregatedBoundMinor: Math.floor(lp.objective),
    aggregatedMethod: 'lp',
    lp,
    timingsMs: { replan: nowMs() - t0 },
  };
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
