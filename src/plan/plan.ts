import { type Aggregation, aggregate } from './aggregate.ts';
import { type Assignment, assignParcels } from './assign.ts';
import { lagrangianBound, pricesFromDuals, raisePrices } from './bound.ts';
import type { PlanContext } from './context.ts';
import { evaluatePlan, type PlanStats } from './evaluate.ts';
import { buildModel, type ConsolidationModel } from './model.ts';
import type { PlanParcels } from './parcels.ts';
import type { MipResult, MipSolver } from './solver.ts';

export interface PlanRunOptions {
  /** Rounds of column generation after the first LP (candidates join when they would lower its cost). Default 0. */
  readonly generationRounds?: number;
  /** Seconds the MIP may take after the LP; 0 for the LP bound alone. Default 0. */
  readonly mipSeconds?: number;
  /** Called at each stage with a fraction 0–1 of the way. */
  readonly onProgress?: (stage: string, fraction: number) => void;
  /** A clock for stage timings (the core reads none of its own). */
  readonly nowMs?: () => number;
}

/** A solved consolidation plan with its lower bound and how it was reached. */
export interface PlanOutcome {
  readonly aggregation: Aggregation;
  readonly layout: ConsolidationModel;
  /** Rounds of column generation the LP took. */
  readonly generationRounds: number;
  /** Route classes split by volume because they could ride a full departure (0 when none was full). */
  readonly refinedClasses: number;
  readonly assignment: Assignment;
  readonly stats: PlanStats;
  /**
   * The plan's lower bound: valid for every plan of these parcels over the candidate itineraries
   * (Lagrangian relaxation of the capacities, multipliers from the LP's duals; see `lagrangianBound`).
   */
  readonly lowerBoundMinor: number;
  readonly boundMethod: 'lagrangian';
  /** (cost − lower bound) / cost, percent. */
  readonly gapPercent: number;
  /**
   * The optimum of the aggregated model's relaxation (LP, or the MIP's dual bound). It is not a bound
   * on plans: that model keeps each commodity's parcels in proportion and a pruned set of itineraries,
   * which plans that pick parcel by parcel can beat. Reported for what it says about the model.
   */
  readonly aggregatedBoundMinor: number;
  readonly aggregatedMethod: 'lp' | 'mip';
  readonly lp: MipResult;
  readonly mip?: MipResult;
  readonly timingsMs: Readonly<Record<string, number>>;
}

/**
 * Plans parcels: aggregates them into route-class commodities with candidate itineraries, solves the
 * aggregated model's LP relaxation with HiGHS (and the MIP with integer container counts when time
 * is given), turns flows into whole parcels in containers, and reports cost, bound and gap.
 */
export function planConsolidation(
  ctx: PlanContext,
  parcels: PlanParcels,
  solver: MipSolver,
  options: PlanRunOptions = {},
): PlanOutcome {
  const now = options.nowMs ?? (() => 0);
  const timings: Record<string, number> = {};
  let t = now();
  const stage = (name: string, fraction: number) => {
    const t2 = now();
    timings[name] = t2 - t;
    t = t2;
    options.onProgress?.(name, fraction);
  };
  const maxRounds = options.generationRounds ?? 0;
  let aggregation = aggregate(ctx, parcels);
  stage('aggregate', 0.1);
  let layout = buildModel(ctx, aggregation, 1, true, undefined, maxRounds > 0);
  stage('model', 0.15);
  let { lp, rounds } = solveRelaxation(layout, solver, maxRounds, (round, of) =>
    options.onProgress?.('lp', 0.15 + (0.2 * round) / of),
  );
  if (lp.status !== 'optimal') throw new Error(`planner: the LP relaxation ended ${lp.status}`);
  stage('lp', 0.35);
  // Where departures are full, which parcels ride them matters: split the route classes that could
  // ride a full departure by volume, and solve again, so that the model can carry the smaller parcels.
  const scarce = scarceClasses(ctx, layout, aggregation, lp.x);
  if (ctx.settings.sizeBandOctaves > 0 && scarce.size > 0) {
    aggregation = aggregate(ctx, parcels, scarce);
    layout = buildModel(ctx, aggregation, 1, true, undefined, maxRounds > 0);
    stage('refine', 0.4);
    ({ lp, rounds } = solveRelaxation(layout, solver, maxRounds, (round, of) =>
      options.onProgress?.('lp', 0.4 + (0.1 * round) / of),
    ));
    if (lp.status !== 'optimal') throw new Error(`planner: the LP relaxation ended ${lp.status}`);
    stage('lp-refined', 0.5);
  }
  let flows = lp.x;
  let lowerBound = lp.objective;
  let boundMethod: 'lp' | 'mip' = 'lp';
  let mip: MipResult | undefined;
  if ((options.mipSeconds ?? 0) > 0) {
    mip = solver.solve(layout.model, { timeLimitSeconds: options.mipSeconds!, relativeGap: 1e-4 });
    if (mip.x.length > 0) flows = mip.x;
    if (Number.isFinite(mip.dualBound) && mip.dualBound > lowerBound) {
      lowerBound = mip.dualBound;
      boundMethod = 'mip';
    }
    stage('mip', 0.8);
  }
  const assignment = assignParcels(ctx, parcels, aggregation, layout, flows);
  stage('assign', 0.95);
  const stats = evaluatePlan(ctx, parcels, aggregation, assignment);
  stage('evaluate', 1);
  const total = stats.costs.totalMinor;
  const lowerBoundMinor = lp.rowDual
    ? Math.min(total, Math.floor(planBound(ctx, parcels, layout, aggregation, assignment, lp)))
    : 0;
  stage('bound', 1);
  return {
    aggregation,
    layout,
    generationRounds: rounds,
    refinedClasses: ctx.settings.sizeBandOctaves > 0 ? scarce.size : 0,
    assignment,
    stats,
    lowerBoundMinor,
    boundMethod: 'lagrangian',
    gapPercent: total > 0 ? ((total - lowerBoundMinor) / total) * 100 : 0,
    aggregatedBoundMinor: Math.floor(lowerBound),
    aggregatedMethod: boundMethod,
    lp,
    ...(mip ? { mip } : {}),
    timingsMs: timings,
  };
}

/**
 * Solves the model's LP relaxation by column generation: the candidates it holds first, then any
 * candidate whose reduced cost is negative joins, until none is or `maxRounds` run out (rounds, not
 * time, so that plans are reproducible). One solver session, each solve from the last basis.
 */
export function solveRelaxation(
  layout: ConsolidationModel,
  solver: MipSolver,
  maxRounds: number,
  onRound?: (round: number, of: number) => void,
): { lp: MipResult; rounds: number } {
  const session = solver.openRelaxation(layout.model, {
    timeLimitSeconds: 600,
    relativeGap: 1e-6,
    relaxed: true,
    // Presolve costs more than it saves on these LPs (measured: 2.4 s with, 1.3 s without at 100k parcels).
    highsOptions: { presolve: 'off' },
  });
  layout.commit();
  let rounds = 0;
  try {
    let lp = session.solve();
    while (lp.status === 'optimal' && lp.rowDual && rounds < maxRounds) {
      if (layout.price(lp.rowDual) === 0) break;
      rounds++;
      session.add(layout.change());
      layout.commit();
      lp = session.solve();
      onRound?.(rounds, maxRounds);
    }
    return { lp, rounds };
  } finally {
    session.dispose();
  }
}

/**
 * Route classes (keys) with a candidate in the model that rides a full departure: every slot of a
 * container type taken, or loose capacity used up, in the LP solution `x`.
 */
export function scarceClasses(
  ctx: PlanContext,
  layout: ConsolidationModel,
  agg: Aggregation,
  x: Float64Array,
): Set<string> {
  const full = fullDepartures(ctx, layout, agg, x);
  const out = new Set<string>();
  agg.commodities.forEach((c, ci) => {
    if (layout.candidates[ci]!.some((k) => k.rides.some((r) => full.has(r.departure))))
      out.add(agg.routeClasses[c.routeClass]!.key);
  });
  return out;
}

/** Departures (keys) the LP solution `x` fills: every slot of a container type, or the loose capacity. */
export function fullDepartures(
  ctx: PlanContext,
  layout: ConsolidationModel,
  agg: Aggregation,
  x: Float64Array,
): Set<number> {
  const full = new Set<number>();
  for (const c of layout.containerCols)
    if ((x[c.col] ?? 0) >= c.departure.containers[c.type]!.slots - 1e-6) full.add(c.departure.key);
  const looseG = new Map<number, number>();
  const looseMm3 = new Map<number, number>();
  agg.commodities.forEach((c, ci) => {
    layout.candidates[ci]!.forEach((k, j) => {
      const flow = x[layout.flowCols[ci]![j]!] ?? 0;
      if (flow <= 0) return;
      for (const r of k.rides) {
        if (r.containerised) continue;
        looseG.set(r.departure, (looseG.get(r.departure) ?? 0) + (flow * c.weightG) / c.count);
        looseMm3.set(r.departure, (looseMm3.get(r.departure) ?? 0) + (flow * c.volumeMm3) / c.count);
      }
    });
  });
  for (const [key, g] of looseG) {
    const d = ctx.departures.get(key)!;
    if (g >= d.weightCapG * (1 - 1e-6) || (looseMm3.get(key) ?? 0) >= d.volumeCapMm3 * (1 - 1e-6))
      full.add(key);
  }
  return full;
}

/**
 * The plan's lower bound: the Lagrangian bound at the LP's duals, and, where the LP fills departures,
 * at prices raised from them on the full departures and on those the model has no row for (one
 * sweep of `raisePrices`); the larger.
 */
function planBound(
  ctx: PlanContext,
  parcels: PlanParcels,
  layout: ConsolidationModel,
  aggregation: Aggregation,
  assignment: Assignment,
  lp: MipResult,
): number {
  const prices = pricesFromDuals(layout, lp.rowDual!);
  const lists = assignment.candidates;
  const atDuals = lagrangianBound(ctx, parcels, aggregation, lists, prices, layout.links).bound;
  const moving = fullDepartures(ctx, layout, aggregation, lp.x);
  if (moving.size === 0) return atDuals;
  // Departures no candidate in the model rides have no dual (a price of 0): let them clear too.
  for (const list of lists)
    for (const k of list)
      for (const r of k.rides) if (!layout.departureRows.has(r.departure)) moving.add(r.departure);
  const raised = raisePrices(ctx, parcels, aggregation, lists, prices, layout.links, 1, moving);
  return Math.max(atDuals, lagrangianBound(ctx, parcels, aggregation, lists, raised, layout.links).bound);
}
