import { z } from 'zod';
import { type CurrencyConverter, CurrencySchema, DateSchema, type Network } from '../domain/index.ts';
import { localDate, zonedToUtcMs } from '../network/index.ts';
import {
  evaluatePlan,
  type PlanDocument,
  planConsolidation,
  planDocument,
  planGreedy,
  planParcels,
  preparePlanContext,
} from '../plan/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import type { Store } from '../store/index.ts';

/** What a plan job is asked: the horizon of ready days and the money the planner weighs. */
export const PlanParamsSchema = z.object({
  /** First ready day in the hub's calendar; today when absent. */
  from: DateSchema.optional(),
  days: z.number().int().min(1).max(31).default(14),
  currency: CurrencySchema.default('USD'),
  latePenaltyMinorPerDay: z.number().int().min(0).max(10_000_000).default(500),
  carbonPriceMinorPerTonne: z.number().int().min(0).max(100_000_000).default(0),
});
export type PlanParams = z.output<typeof PlanParamsSchema>;

/**
 * Plans the stored parcels ready in the job's window (one seller's when `sellerId` is given): the
 * planner, the greedy baseline for comparison, and the plan document.
 */
export async function runPlan(
  store: Store,
  network: Network,
  fx: CurrencyConverter,
  params: PlanParams,
  options: { sellerId?: string; nowMs: number; onProgress?: (fraction: number) => void },
): Promise<PlanDocument> {
  const hubZone = network.nodes.find((n) => n.id === network.hub)?.zone ?? 'UTC';
  const from = params.from ?? localDate(options.nowMs, hubZone);
  const fromMs = zonedToUtcMs(from, '00:00', hubZone);
  const toMs = fromMs + params.days * 86_400_000;
  options.onProgress?.(0.02);
  const stored = await store.parcels.listForPlanning({
    fromMs,
    toMs,
    ...(options.sellerId ? { sellerId: options.sellerId } : {}),
  });
  options.onProgress?.(0.1);
  const ctx = preparePlanContext(network, fromMs, params.days, fx, {
    currency: params.currency,
    latePenaltyMinorPerDay: params.latePenaltyMinorPerDay,
    carbonPriceMinorPerTonne: params.carbonPriceMinorPerTonne,
  });
  const parcels = planParcels(network, stored, stored.length);
  const solver = await createHighsSolver();
  const outcome = planConsolidation(ctx, parcels, solver, {
    onProgress: (_stage, f) => options.onProgress?.(0.1 + 0.8 * f),
  });
  const greedy = planGreedy(ctx, parcels, outcome.aggregation);
  const g = evaluatePlan(ctx, parcels, outcome.aggregation, greedy.assignment);
  options.onProgress?.(0.95);
  return planDocument(ctx, parcels, outcome, {
    method: 'greedy: each parcel its cheapest on-time itinerary, containers first fit',
    costMinor: g.costs.totalMinor,
    onTimeRate: g.planned > 0 ? Math.round((g.onTime / g.planned) * 1e4) / 1e4 : 0,
    containers: g.containers,
  });
}
