import { type Aggregation, aggregate } from './aggregate.ts';
import { type Assignment, assignParcels } from './assign.ts';
import { lagrangianBound } from './bound.ts';
import type { PlanContext } from './context.ts';
import { evaluatePlan, type PlanStats } from './evaluate.ts';
import { buildModel, type ModelLayout } from './model.ts';
import type { PlanParcels } from './parcels.ts';
import type { MipResult, MipSolver } from './solver.ts';

export interface PlanRunOptions {
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
  readonly layout: ModelLayout;
  readonly assignment: Assignment;
  readonly stats: PlanStats;
  /** Proven lower bound on the aggregated model's optimum, minor units (LP relaxation, or MIP dual bound). */
  readonly lowerBoundMinor: number;
  readonly boundMethod: 'lp' | 'mip';
  /** (cost − bound) / cost, percent. */
  readonly gapPercent: number;
  /**
   * A lower bound valid for the parcel-level problem over every candidate itinerary (Lagrangian, from
   * the LP's duals); see `lagrangianBound`. The aggregated bound above assumes a commodity's parcels
   * split across itineraries in proportion, which a parcel-level plan need not.
   */
  readonly parcelLevelBoundMinor: number;
  /** (cost − parcel-level bound) / cost, percent. */
  readonly parcelLevelGapPercent: number;
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
  const aggregation = aggregate(ctx, parcels);
  stage('aggregate', 0.1);
  const layout = buildModel(ctx, aggregation);
  stage('model', 0.15);
  const lp = solver.solve(layout.model, {
    timeLimitSeconds: 600,
    relativeGap: 1e-6,
    relaxed: true,
    // Presolve costs more than it saves on these LPs (measured: 2.4 s with, 1.3 s without at 100k parcels).
    highsOptions: { presolve: 'off' },
  });
  if (lp.status !== 'optimal') throw new Error(`planner: the LP relaxation ended ${lp.status}`);
  stage('lp', 0.5);
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
  const stats = evaluatePlan(ctx, parcels, aggregation, layout, assignment);
  stage('evaluate', 1);
  const lowerBoundMinor = Math.floor(lowerBound);
  const total = stats.costs.totalMinor;
  const parcelLevelBoundMinor = lp.rowDual
    ? Math.floor(lagrangianBound(ctx, parcels, aggregation, layout, lp.rowDual))
    : 0;
  stage('bound', 1);
  return {
    aggregation,
    layout,
    assignment,
    stats,
    lowerBoundMinor,
    boundMethod,
    gapPercent: total > 0 ? ((total - lowerBoundMinor) / total) * 100 : 0,
    parcelLevelBoundMinor,
    parcelLevelGapPercent: total > 0 ? ((total - parcelLevelBoundMinor) / total) * 100 : 0,
    lp,
    ...(mip ? { mip } : {}),
    timingsMs: timings,
  };
}
