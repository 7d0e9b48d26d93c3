import { z } from 'zod';
import {
  type Currency,
  type CurrencyConverter,
  CurrencySchema,
  DateSchema,
  DisruptionSchema,
  IdSchema,
  InstantSchema,
  LandbridgeError,
  type Network,
  type Parcel,
  problemsFromZod,
} from '../domain/index.ts';
import { type DutyRules, type FxTables, landedCost } from '../duties/index.ts';
import { localDate, zonedToUtcMs } from '../network/index.ts';
import {
  evaluatePlan,
  type PlanDocument,
  type PlanLandedCost,
  planConsolidation,
  planDocument,
  planGreedy,
  planParcels,
  preparePlanContext,
  replanConsolidation,
  withLandedCost,
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
  /**
   * Most rounds of the planner's relaxation (each solves its master LP and prices every parcel); it
   * stops earlier once the master is within 0.02 % of the bound. Fewer rounds: a faster, weaker plan.
   */
  maxRounds: z.number().int().min(1).max(200).default(60),
  /**
   * Linking rows in the relaxation: a far tighter bound where departures carry few containers, at many
   * times the time. Absent: on up to 25,000 parcels (seconds there), off above (minutes at 100,000).
   */
  linking: z.boolean().optional(),
  /** A disruption to plan around (a node or service closed or slowed over a window). */
  disruption: z
    .object({
      id: IdSchema.optional(),
      nodeId: IdSchema.optional(),
      serviceId: IdSchema.optional(),
      from: InstantSchema,
      to: InstantSchema,
      effect: z.enum(['closed', 'delayed']),
      delayMinutes: z.number().int().positive().optional(),
      reason: z.string().min(1).max(500),
    })
    .optional(),
  /** Re-plan this earlier plan (its parcels keep their itineraries unless moving lowers cost). */
  basePlanId: z.string().min(1).max(100).optional(),
});
export type PlanParams = z.output<typeof PlanParamsSchema>;

/**
 * The sellers' import charges on a plan's DDP parcels, from the landed-cost rules: with each parcel's
 * freight as the shipping charge (it matters where duty is on a CIF basis), and at zero freight.
 */
export function ddpCharges(
  doc: PlanDocument,
  parcels: readonly Parcel[],
  landed: { readonly rules: DutyRules; readonly fx: FxTables },
  /** Ids of the services that fly: a parcel on any of them goes by the express channel. */
  airServices: ReadonlySet<string>,
  /**
   * Per parcel id: the channels and delivery dates of every itinerary the parcel could have taken. The
   * floor is the least charge over them at no freight, so it holds whatever itinerary a plan picks.
   */
  alternatives?: (id: string) => readonly { readonly channel: 'express' | 'postal'; readonly date: string }[],
): PlanLandedCost {
  const byId = new Map(parcels.map((p) => [p.id, p]));
  const byParcel = new Map<string, number>();
  const failures: { id: string; why: string }[] = [];
  let floorMinor = 0;
  const currency = doc.summary.currency as Currency;
  for (const planned of doc.parcels) {
    const p = byId.get(planned.id);
    if (p?.incoterm !== 'DDP') continue;
    const ask = (shippingMinor: number, channel: 'express' | 'postal', date: string) =>
      landedCost(
        {
          destination: p.consignee.country,
          date,
          items: p.items,
          shippingMinor,
          costsCurrency: currency,
          incoterm: 'DDP',
          channel,
          grossWeightG: p.grossWeightG,
          currency,
        },
        landed.rules,
        landed.fx,
      );
    const channel = planned.rides.some((r) =>
      airServices.has(r.departureId.slice(0, r.departureId.indexOf('@'))),
    )
      ? 'express'
      : 'postal';
    // The parcel's freight: its charges and its share of containers, not the lateness penalty.
    const freight = planned.costMinor - planned.lateDays * doc.settings.latePenaltyMinorPerDay;
    const withFreight = ask(Math.max(0, freight), channel, planned.deliveryDate);
    if (!withFreight.ok) {
      failures.push({ id: p.id, why: withFreight.message });
      continue;
    }
    byParcel.set(p.id, withFreight.totals.seller.answerMinor);
    // Charges never fall as freight rises, so at no freight, over every itinerary, they bound any plan's.
    let floor = withFreight.totals.seller.answerMinor;
    const ways = alternatives?.(p.id) ?? [{ channel, date: planned.deliveryDate }];
    const seen = new Set<string>();
    for (const w of ways) {
      const key = `${w.channel}|${w.date}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const atZero = ask(0, w.channel, w.date);
      if (!atZero.ok) {
        floor = 0;
        break;
      }
      floor = Math.min(floor, atZero.totals.seller.answerMinor);
    }
    floorMinor += floor;
  }
  return { byParcel, floorMinor, failures };
}

/** What a re-plan adds to its plan document. */
export interface ReplanResult {
  readonly basePlanId: string;
  readonly disruption: string;
  readonly affected: number;
  readonly movedCount: number;
  /** The first 1,000 parcels moved, with their previous and new first departure. */
  readonly moved: readonly { readonly parcelId: string; readonly from?: string; readonly to?: string }[];
  readonly costBeforeMinor: number;
  readonly costAfterMinor: number;
}

/** The network with a job's disruption in force, validated. */
function withDisruption(network: Network, params: PlanParams): Network {
  if (!params.disruption) return network;
  const parsed = DisruptionSchema.safeParse({
    ...params.disruption,
    id: params.disruption.id ?? 'requested',
    sources: [],
  });
  if (!parsed.success)
    throw new LandbridgeError(
      'invalid-input',
      'not a valid disruption',
      problemsFromZod(parsed.error, {}, 'disruption'),
    );
  const known = parsed.data.nodeId
    ? network.nodes.some((n) => n.id === parsed.data.nodeId)
    : network.services.some((x) => x.id === parsed.data.serviceId);
  if (!known)
    throw new LandbridgeError(
      'invalid-input',
      `the disruption names an unknown ${parsed.data.nodeId ? `node ${parsed.data.nodeId}` : `service ${parsed.data.serviceId}`}`,
    );
  return { ...network, disruptions: [...network.disruptions, parsed.data] };
}

/** The parcels a re-plan weighs: the earlier plan's window, with the job's disruption in force. */
export interface ReplanInputs {
  readonly network: Network;
  readonly stored: readonly Parcel[];
}

export async function loadReplanInputs(
  store: Store,
  network: Network,
  params: PlanParams,
  previous: PlanDocument,
  options: { sellerId?: string },
): Promise<ReplanInputs> {
  const disrupted = withDisruption(network, params);
  const fromMs = Date.parse(previous.horizon.from);
  const stored = await store.parcels.listForPlanning({
    fromMs,
    toMs: fromMs + previous.horizon.days * 86_400_000,
    ...(options.sellerId ? { sellerId: options.sellerId } : {}),
  });
  return { network: disrupted, stored };
}

export type ReplanDocument = PlanDocument & {
  replan: ReplanResult;
  moved: ReplanResult['moved'];
  disruption: string;
};

/**
 * Re-plans an earlier plan's parcels with the job's disruption in force: parcels keep their
 * itineraries unless the disruption breaks them or moving lowers the cost. No I/O: runs in a worker.
 */
export async function computeReplan(
  inputs: ReplanInputs,
  fx: CurrencyConverter,
  params: PlanParams,
  previous: PlanDocument,
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<ReplanDocument> {
  const { network: disrupted, stored } = inputs;
  const fromMs = Date.parse(previous.horizon.from);
  options.onProgress?.(0.1);
  const ctx = preparePlanContext(disrupted, fromMs, previous.horizon.days, fx, previous.settings);
  const parcels = planParcels(disrupted, stored, stored.length);
  const r = replanConsolidation(ctx, parcels, previous, await createHighsSolver(), undefined, {
    maxRounds: params.maxRounds,
    linking: params.linking,
  });
  options.onProgress?.(0.95);
  const firstBefore = new Map(previous.parcels.map((p) => [p.id, p.rides[0]?.departureId]));
  const firstAfter = new Map(r.document.parcels.map((p) => [p.id, p.rides[0]?.departureId]));
  const moved = r.moved.slice(0, 1000).map((id) => {
    const from = firstBefore.get(id);
    const to = firstAfter.get(id);
    return { parcelId: id, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  });
  const reason = params.disruption?.reason ?? 'no disruption';
  const replan: ReplanResult = {
    basePlanId: params.basePlanId ?? '',
    disruption: reason,
    affected: r.affected.length,
    movedCount: r.moved.length,
    moved,
    costBeforeMinor: r.costBeforeMinor,
    costAfterMinor: r.costAfterMinor,
  };
  return { ...r.document, replan, moved, disruption: reason };
}

/** Loads and re-plans in this thread. */
export async function runReplan(
  store: Store,
  network: Network,
  fx: CurrencyConverter,
  params: PlanParams,
  previous: PlanDocument,
  options: { sellerId?: string; onProgress?: (fraction: number) => void },
): Promise<ReplanDocument> {
  const inputs = await loadReplanInputs(store, network, params, previous, options);
  return computeReplan(inputs, fx, params, previous, options);
}

/** The parcels a plan weighs: those ready in the job's window, and the network with its disruption. */
export interface PlanInputs {
  readonly network: Network;
  readonly fromMs: number;
  readonly stored: readonly Parcel[];
}

export async function loadPlanInputs(
  store: Store,
  network: Network,
  params: PlanParams,
  options: { sellerId?: string; nowMs: number },
): Promise<PlanInputs> {
  const disrupted = withDisruption(network, params);
  const hubZone = disrupted.nodes.find((n) => n.id === disrupted.hub)?.zone ?? 'UTC';
  const from = params.from ?? localDate(options.nowMs, hubZone);
  const fromMs = zonedToUtcMs(from, '00:00', hubZone);
  const stored = await store.parcels.listForPlanning({
    fromMs,
    toMs: fromMs + params.days * 86_400_000,
    ...(options.sellerId ? { sellerId: options.sellerId } : {}),
  });
  return { network: disrupted, fromMs, stored };
}

/** Loads and plans in this thread. */
export async function runPlan(
  store: Store,
  network: Network,
  fx: CurrencyConverter,
  params: PlanParams,
  options: {
    sellerId?: string;
    nowMs: number;
    onProgress?: (fraction: number) => void;
    /** Landed-cost rules: DDP parcels' import charges join the plan's cost. */
    landed?: { readonly rules: DutyRules; readonly fx: FxTables };
  },
): Promise<PlanDocument> {
  options.onProgress?.(0.02);
  const inputs = await loadPlanInputs(store, network, params, options);
  return computePlan(inputs, fx, params, options);
}

/**
 * Plans the parcels: the planner, the greedy baseline for comparison, the plan document, and the DDP
 * parcels' import charges when landed-cost rules are given. No I/O: runs in a worker.
 */
export async function computePlan(
  inputs: PlanInputs,
  fx: CurrencyConverter,
  params: PlanParams,
  options: {
    onProgress?: (fraction: number) => void;
    /** Landed-cost rules: DDP parcels' import charges join the plan's cost. */
    landed?: { readonly rules: DutyRules; readonly fx: FxTables };
  } = {},
): Promise<PlanDocument> {
  const { network, fromMs, stored } = inputs;
  options.onProgress?.(0.1);
  const ctx = preparePlanContext(network, fromMs, params.days, fx, {
    currency: params.currency,
    latePenaltyMinorPerDay: params.latePenaltyMinorPerDay,
    carbonPriceMinorPerTonne: params.carbonPriceMinorPerTonne,
  });
  const parcels = planParcels(network, stored, stored.length);
  const solver = await createHighsSolver();
  const outcome = planConsolidation(ctx, parcels, solver, {
    maxRounds: params.maxRounds,
    linking: params.linking,
    onProgress: (_stage, f) => options.onProgress?.(0.1 + 0.8 * f),
  });
  const greedy = planGreedy(ctx, parcels, outcome.aggregation);
  const g = evaluatePlan(ctx, parcels, outcome.aggregation, greedy.assignment);
  options.onProgress?.(0.95);
  const doc = planDocument(ctx, parcels, outcome, {
    method: 'greedy: each parcel its cheapest on-time itinerary, containers first fit',
    costMinor: g.costs.totalMinor,
    onTimeRate: g.planned > 0 ? Math.round((g.onTime / g.planned) * 1e4) / 1e4 : 0,
    containers: g.containers,
  });
  if (!options.landed) return doc;
  const { candidates, commodity } = outcome.assignment;
  const indexOf = new Map(parcels.ids.map((id, p) => [id, p]));
  const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
  const air = new Set(network.services.filter((s) => s.mode === 'air').map((s) => s.id));
  const charges = ddpCharges(doc, stored, options.landed, air, (id) => {
    const p = indexOf.get(id);
    if (p === undefined || commodity[p]! < 0) return [];
    return candidates[commodity[p]!]!.map((k) => ({
      channel: k.rides.some((r) => air.has(network.services[r.service]!.id))
        ? ('express' as const)
        : ('postal' as const),
      date: isoDay(k.deliveryDay),
    }));
  });
  const withCharges = withLandedCost(doc, charges);
  // The baseline carries the same parcels' DDP charges, so that the two totals compare.
  const added = withCharges.summary.costMinor - doc.summary.costMinor;
  return doc.baseline
    ? {
        ...withCharges,
        baseline: {
          ...doc.baseline,
          costMinor: doc.baseline.costMinor + added,
          method: `${doc.baseline.method} (plus the same DDP import charges)`,
        },
      }
    : withCharges;
}
