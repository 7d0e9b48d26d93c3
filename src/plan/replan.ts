import { isoDay } from '../domain/days.ts';
import { aggregate } from './aggregate.ts';
import { candidateKey } from './assign.ts';
import {
  candidateOn,
  classReadyMs,
  type PlanCandidate,
  patternAdmits,
  patternCharges,
  type RouteClass,
} from './candidates.ts';
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
  /** Both on the freight basis (`summary.costBasis`): import charges left out of the earlier plan's figure. */
  readonly costBeforeMinor: number;
  readonly costAfterMinor: number;
}

/** A plan's total without import charges: what the planner itself costs. */
export function freightCostMinor(doc: PlanDocument): number {
  return doc.summary.costMinor - (doc.summary.components.landedCostMinor ?? 0);
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
  const first = aggregate(ctx, parcels);
  // A previous itinerary the timetable search found is not among the first candidates: it joins them
  // when it still runs as before, so that its parcels can keep it too.
  const lists = first.candidates.map((l) => [...l]);
  const runIds = new Map<string, { service: number; run: number }>();
  ctx.index.timetables.forEach((tt, service) => {
    tt.departures.forEach((d, run) => {
      runIds.set(d.id, { service, run });
    });
  });
  const previousRides = new Map(previous.parcels.map((p) => [p.id, p]));
  const preferred = new Int16Array(parcels.count).fill(-1);
  first.commodities.forEach((c) => {
    const list = lists[c.routeClass]!;
    let keys: Map<string, number> | undefined;
    for (const p of c.parcels) {
      const key = before.get(parcels.ids[p]!);
      if (key === undefined) continue;
      keys ??= new Map(list.map((k, j) => [candidateKey(ctx, k), j]));
      let j = keys.get(key);
      if (j === undefined) {
        const q = previousRides.get(parcels.ids[p]!)!;
        const k = itineraryOf(ctx, first.routeClasses[c.routeClass]!, q.rides, q.gateway, runIds);
        if (k && list.length < 30_000) {
          j = list.length;
          list.push(k);
          keys.set(key, j);
        }
      }
      preferred[p] = j ?? -1;
    }
  });
  const agg = { ...first, candidates: lists };
  // No linking-price ascent unless asked for: a re-plan answers a disruption, and the ascent (about
  // 3x the relaxation's time at 100,000 parcels) only tightens the bound; the itineraries it found for
  // the previous plan are among the candidates already, as each parcel's previous itinerary.
  const outcome = planConsolidation(ctx, parcels, solver, {
    linkAscent: false,
    ...options,
    aggregation: agg,
    preferred,
    nowMs,
  });
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
    costBeforeMinor: freightCostMinor(previous),
    costAfterMinor: total,
  };
}

/**
 * A previous plan's itinerary for a route class, when it still runs as before: the route pattern that
 * takes the same services to the same stops and gateway, the same runs, each still catching its
 * cut-off with room. Undefined otherwise.
 */
function itineraryOf(
  ctx: PlanContext,
  rc: RouteClass,
  rides: PlanDocument['parcels'][number]['rides'],
  gateway: string,
  runs: ReadonlyMap<string, { service: number; run: number }>,
): PlanCandidate | undefined {
  const dated = rides.map((r) => runs.get(r.departureId));
  if (dated.some((d) => d === undefined)) return undefined;
  for (let pi = 0; pi < ctx.patterns.length; pi++) {
    const p = ctx.patterns[pi]!;
    if (p.end !== gateway || p.rides !== rides.length || !patternAdmits(ctx, pi, rc)) continue;
    const steps = p.steps.filter((x) => x.kind === 'ride');
    if (!steps.every((x, i) => x.service === dated[i]!.service && x.to === rides[i]!.to)) continue;
    const charges = patternCharges(ctx, pi, rc.zone);
    if (!charges) continue;
    let t = classReadyMs(ctx, rc);
    let r = 0;
    let ok = true;
    p.steps.forEach((step, si) => {
      if (!ok) return;
      if (step.kind === 'transfer') {
        t += ctx.network.transfers[step.transfer]!.minutes * 60_000;
        return;
      }
      const tt = ctx.index.timetables[step.service]!;
      const run = dated[r++]!.run;
      if (tt.full[run] === 1 || tt.cutoffs[run]! < t) {
        ok = false;
        return;
      }
      t = tt.arrivals[step.alight]![run]!;
      if (si + 1 < p.steps.length) t += ctx.index.minTransferMs.get(step.to) ?? 0;
    });
    if (ok)
      return candidateOn(
        ctx,
        rc,
        pi,
        charges,
        dated.map((d) => d!.run),
        t,
      );
  }
  return undefined;
}
