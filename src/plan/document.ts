import { DAY_MS, isoDay } from '../domain/days.ts';
import { toLocalIso } from '../network/index.ts';
import { MAX_RIDES } from './assign.ts';
import type { PlanCandidate } from './candidates.ts';
import type { PlanContext } from './context.ts';
import type { PlanStats } from './evaluate.ts';
import type { PlanParcels } from './parcels.ts';
import type { PlanOutcome } from './plan.ts';
import type { PlanContainerProof } from './prove.ts';

/** One parcel's place in a plan: its rides (departure and where it alights), containers, dates, cost. */
export interface PlannedParcel {
  readonly id: string;
  /** Departure ids in order, each with the node the parcel alights at. */
  readonly rides: readonly {
    readonly departureId: string;
    readonly to: string;
    readonly containerId?: string;
  }[];
  readonly gateway: string;
  readonly deliveryDate: string;
  readonly promisedDate: string;
  readonly lateDays: number;
  /**
   * The parcel's cost: its own charges (handling, road, loose line-haul, last mile, carbon), its share
   * of each container it rides by volume, lateness at the penalty, and `importChargesMinor`.
   */
  readonly costMinor: number;
  /** DDP import charges the seller bears for this trip (duty, taxes, fees), when the plan includes them. */
  readonly importChargesMinor?: number;
}

export interface PlannedContainer {
  readonly id: string;
  readonly type: string;
  readonly parcels: number;
  readonly weightG: number;
  readonly volumeMm3: number;
  /** Weight / payload, 0–1. */
  readonly weightUtilisation: number;
  /** Volume / inside volume, 0–1. */
  readonly volumeUtilisation: number;
}

export interface PlannedDeparture {
  readonly id: string;
  readonly serviceId: string;
  readonly departAt: string;
  readonly containers: readonly PlannedContainer[];
  readonly looseWeightG: number;
  readonly looseVolumeMm3: number;
}

/** What a plan's total covers: freight always; import charges on DDP parcels when computed. */
export type PlanCostBasis = 'freight' | 'freight+ddp-import-charges';

export interface PlanSummary {
  readonly currency: string;
  readonly costMinor: number;
  /**
   * What `costMinor` includes: `freight` (containers, per-parcel charges, lateness, carbon, parcels
   * held for capacity at the hold penalty) and, with `freight+ddp-import-charges`, the import charges
   * the sellers bear on DDP parcels. Plans compare only on one basis.
   */
  readonly costBasis: PlanCostBasis;
  /** Cost by component; `landedCostMinor` is the sellers' import charges on DDP parcels, when computed. */
  readonly components: PlanStats['costs'] & { readonly landedCostMinor?: number };
  /**
   * Valid for every plan of these parcels over the itineraries `boundCovers` names: the Lagrangian
   * bound of the parcel-level relaxation at its best prices.
   */
  readonly lowerBoundMinor: number;
  readonly boundMethod: 'lagrangian';
  /**
   * Which plans the bound holds for. `all-timetable-itineraries`: every plan of these parcels, each
   * parcel on any dated itinerary the timetable allows (any runs that connect, meet cut-offs and have
   * room, along the network's route patterns of at most 3 rides and 2 road transfers, to a gateway of
   * its zone) in whole containers, or held: the relaxation priced itineraries by a search over the
   * timetable at its prices until none would lower it (`itinerariesPriced` joined the route classes'
   * first candidates; `searches` pattern searches ran). `candidate-itineraries`: only plans over the
   * first candidates (per route pattern, the earliest feasible chain of runs and chains starting
   * `laterDepartures` first-ride runs later).
   */
  readonly boundCovers: {
    readonly itineraries: 'all-timetable-itineraries' | 'candidate-itineraries';
    readonly laterDepartures: number;
    readonly itinerariesPriced?: number;
    readonly searches?: number;
    /**
     * The bound over every dated itinerary of the timetable, when the relaxation searched it: the
     * same as `lowerBoundMinor` when `itineraries` is `all-timetable-itineraries`, lower when linking
     * rows (small plans) raised the bound over the candidates found.
     */
    readonly allItinerariesBoundMinor?: number;
    /**
     * Set when DDP import charges are in the bound: their floor at no freight is over the channels and
     * import dates of the plan's candidates (the first ones and those the search priced in), not yet
     * over every itinerary of the timetable.
     */
    readonly importChargeFloorCovers?: 'plan-candidates';
  };
  readonly gapPercent: number;
  /**
   * The relaxation's master LP at the end: whole parcels relaxed to fractions and containers priced
   * by the m³, over the assignments it generated. The LP optimum lies between the bound and this.
   */
  readonly relaxationMinor: number;
  /** Rounds of the relaxation (master LP solves). */
  readonly relaxationRounds: number;
  /** DDP parcels whose import charges could not be computed (unknown HS code, no rule in force). */
  readonly importChargeFailures?: number;
  readonly parcels: number;
  readonly planned: number;
  readonly held: number;
  /** Parcels held, by reason (`no-capacity`, `no-zone`, `refused-by-last-mile`, `no-itinerary`, …). */
  readonly heldByReason?: Readonly<Record<string, number>>;
  readonly onTime: number;
  readonly onTimeRate: number;
  readonly late: number;
  readonly lateDays: number;
  readonly co2eKg: number;
  readonly containers: number;
  /** Containers the 3D loader proved (every parcel placed, the load plan checked), when proven. */
  readonly containersProven?: number;
  readonly departuresUsed: number;
}

/** A plan as saved, exported and verified: `landbridge-plan/1`. */
export interface PlanDocument {
  readonly format: 'landbridge-plan/1';
  readonly network: { readonly id: string; readonly version: string };
  readonly horizon: { readonly from: string; readonly days: number };
  readonly settings: PlanContext['settings'];
  readonly summary: PlanSummary;
  readonly baseline?: {
    readonly method: string;
    readonly costMinor: number;
    readonly onTimeRate: number;
    readonly containers: number;
  };
  readonly departures: readonly PlannedDeparture[];
  readonly parcels: readonly PlannedParcel[];
  readonly held: readonly { readonly id: string; readonly reason: string }[];
  /** The first 100 DDP parcels whose import charges could not be computed, with why. */
  readonly importChargeFailures?: readonly { readonly id: string; readonly why: string }[];
  /**
   * The 3D loader's proof of the planned containers: how many it loaded whole with a load plan its
   * checker accepts, and which it could not (with the parcels left out).
   */
  readonly containerProof?: PlanContainerProof;
  /** Whose parcels the plan weighs: a seller's only, or (absent) the whole hub's. */
  readonly scope?: { readonly sellerId: string };
}

/** What a plan summary reads of the relaxation: its master's cost, rounds and what the bound covers. */
export interface PlanRelaxationSummary {
  readonly masterMinor: number;
  readonly rounds: number;
  readonly covers?: 'all-timetable-itineraries' | 'candidate-itineraries';
  readonly itinerariesPriced?: number;
  readonly timetableSearches?: number;
  readonly boundAllMinor?: number;
}

/** A planned container's name: its departure's id and its number in the departure's order. */
const containerName = (departureId: string, i: number) => `${departureId}#${i + 1}`;

/**
 * The document's name of each container of an assignment that carries parcels (by the assignment's
 * container id): the names {@link planDocument} gives them.
 */
export function containerNames(
  ctx: PlanContext,
  a: Pick<PlanOutcome['assignment'], 'loading'>,
): Map<number, string> {
  const names = new Map<number, string>();
  for (const [key, list] of a.loading.containers) {
    const d = ctx.departures.get(key)!;
    let i = 0;
    for (const c of list) if (c.parcels.length > 0) names.set(c.id, containerName(d.id, i++));
  }
  return names;
}

/** Summary figures of a plan. */
export function planSummary(
  ctx: PlanContext,
  parcels: PlanParcels,
  stats: PlanStats,
  bound: number,
  relaxation: PlanRelaxationSummary,
): PlanSummary {
  const total = stats.costs.totalMinor;
  return {
    currency: ctx.settings.currency,
    costMinor: total,
    costBasis: 'freight',
    components: stats.costs,
    lowerBoundMinor: bound,
    boundMethod: 'lagrangian',
    boundCovers: {
      itineraries: relaxation.covers ?? 'candidate-itineraries',
      laterDepartures: ctx.settings.laterDepartures,
      ...(relaxation.itinerariesPriced !== undefined
        ? { itinerariesPriced: relaxation.itinerariesPriced, searches: relaxation.timetableSearches ?? 0 }
        : {}),
      ...(relaxation.boundAllMinor !== undefined && Number.isFinite(relaxation.boundAllMinor)
        ? { allItinerariesBoundMinor: Math.min(total, Math.floor(relaxation.boundAllMinor)) }
        : {}),
    },
    relaxationMinor: Math.round(relaxation.masterMinor),
    relaxationRounds: relaxation.rounds,
    gapPercent: total > 0 ? Math.round(((total - bound) / total) * 1e6) / 1e4 : 0,
    parcels: parcels.count,
    planned: stats.planned,
    held: stats.held,
    onTime: stats.onTime,
    onTimeRate: stats.planned > 0 ? Math.round((stats.onTime / stats.planned) * 1e4) / 1e4 : 0,
    late: stats.late,
    lateDays: stats.lateDays,
    co2eKg: stats.co2eKg,
    containers: stats.containers,
    departuresUsed: 0,
  };
}

/**
 * The plan document of an outcome: summary, departures with their containers, each parcel's rides,
 * containers, dates and cost, and the parcels held with the reason. Deterministic for the same input.
 */
export function planDocument(
  ctx: PlanContext,
  parcels: PlanParcels,
  outcome: Pick<PlanOutcome, 'aggregation' | 'assignment' | 'stats' | 'lowerBoundMinor'> & {
    readonly relaxation: PlanRelaxationSummary;
  },
  baseline?: PlanDocument['baseline'],
): PlanDocument {
  const a = outcome.assignment;
  const zones = ctx.index.nodeZone;
  // Container ids: departure id + number in the departure's order.
  const containerId = new Map<number, string>();
  const departures: PlannedDeparture[] = [];
  const used = new Set<number>();
  for (const list of a.loading.containers.values())
    for (const c of list) if (c.parcels.length > 0) used.add(c.departure);
  for (const key of a.loading.looseWeightG.keys())
    if ((a.loading.looseWeightG.get(key) ?? 0) > 0) used.add(key);
  const keys = [...used].sort((x, y) => {
    const dx = ctx.departures.get(x)!;
    const dy = ctx.departures.get(y)!;
    const tx = ctx.index.timetables[dx.service]!.departures[dx.run]!.departAtMs;
    const ty = ctx.index.timetables[dy.service]!.departures[dy.run]!.departAtMs;
    return tx - ty || (dx.id < dy.id ? -1 : 1);
  });
  for (const key of keys) {
    const d = ctx.departures.get(key)!;
    const run = ctx.index.timetables[d.service]!.departures[d.run]!;
    const list = (a.loading.containers.get(key) ?? []).filter((c) => c.parcels.length > 0);
    const containers = list.map((c, i) => {
      const id = containerName(d.id, i);
      containerId.set(c.id, id);
      const t = d.containers[c.type]!;
      const innerVolume = t.volumeMm3 / ctx.settings.containerFill;
      return {
        id,
        type: t.type,
        parcels: c.parcels.length,
        weightG: Math.round(c.weightG),
        volumeMm3: Math.round(c.volumeMm3),
        weightUtilisation: Math.round((c.weightG / t.payloadG) * 1e4) / 1e4,
        volumeUtilisation: Math.round((c.volumeMm3 / innerVolume) * 1e4) / 1e4,
      };
    });
    departures.push({
      id: d.id,
      serviceId: run.serviceId,
      departAt: toLocalIso(run.departAtMs, zones.get(run.origin) ?? 'UTC'),
      containers,
      looseWeightG: Math.round(a.loading.looseWeightG.get(key) ?? 0),
      looseVolumeMm3: Math.round(a.loading.looseVolumeMm3.get(key) ?? 0),
    });
  }

  const planned: PlannedParcel[] = [];
  for (let p = 0; p < parcels.count; p++) {
    const j = a.candidate[p]!;
    if (j < 0) continue;
    const k: PlanCandidate = a.candidates[a.commodity[p]!]![j]!;
    const rides = k.rides.map((r, ri) => {
      const d = ctx.departures.get(r.departure)!;
      const s = ctx.network.services[r.service]!;
      const cid = a.rideContainer[p * MAX_RIDES + ri]!;
      return {
        departureId: d.id,
        to: s.legs[r.alight]!.to,
        ...(cid >= 0 ? { containerId: containerId.get(cid)! } : {}),
      };
    });
    const late = Math.max(0, k.deliveryDay - parcels.promiseDay[p]!);
    planned.push({
      id: parcels.ids[p]!,
      rides,
      gateway: k.gateway,
      deliveryDate: isoDay(k.deliveryDay),
      promisedDate: isoDay(parcels.promiseDay[p]!),
      lateDays: late,
      costMinor: Math.round(outcome.stats.parcelCostMinor[p]!),
    });
  }
  const held = [
    ...outcome.aggregation.held.map((h) => ({ id: parcels.ids[h.parcel]!, reason: h.reason })),
    // no room on its itineraries for less than the hold penalty: full, or room only in a container
    // whose rate (with the feeder legs it needs) costs more than holding the parcel for the next plan
    ...a.heldForCapacity.map((p) => ({ id: parcels.ids[p]!, reason: 'no-capacity' })),
    // the 3D loader could not place it in its container, and no room was found elsewhere
    ...(a.heldForLoad ?? []).map((p) => ({ id: parcels.ids[p]!, reason: 'container-load' })),
  ].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const heldByReason: Record<string, number> = {};
  for (const h of held) heldByReason[h.reason] = (heldByReason[h.reason] ?? 0) + 1;
  const summary = {
    ...planSummary(ctx, parcels, outcome.stats, outcome.lowerBoundMinor, outcome.relaxation),
    heldByReason,
    departuresUsed: departures.length,
  };
  return {
    format: 'landbridge-plan/1',
    network: { id: ctx.network.id, version: ctx.network.version },
    horizon: {
      from: new Date(ctx.fromMs).toISOString(),
      days: Math.round((ctx.untilMs - ctx.fromMs) / DAY_MS),
    },
    settings: ctx.settings,
    summary,
    ...(baseline ? { baseline } : {}),
    departures,
    parcels: planned,
    held,
  };
}

/**
 * The document with `baseline` in its place (after the summary), as {@link planDocument} given it
 * would have made it: the same keys in the same order.
 */
export function withBaseline(
  doc: PlanDocument,
  baseline: NonNullable<PlanDocument['baseline']>,
): PlanDocument {
  const { format, network, horizon, settings, summary, baseline: _old, ...rest } = doc;
  return { format, network, horizon, settings, summary, baseline, ...rest };
}

/** The plan as CSV: a row a parcel (parcel id, departure ids, container ids, gateway, dates, cost). */
export function planCsv(doc: PlanDocument): string {
  const lines = [
    'parcel_id,departure_ids,container_ids,gateway,delivery_date,promised_date,late_days,cost_minor,currency',
  ];
  for (const p of doc.parcels) {
    lines.push(
      [
        p.id,
        p.rides.map((r) => r.departureId).join(' '),
        p.rides
          .map((r) => r.containerId ?? '')
          .join(' ')
          .trim(),
        p.gateway,
        p.deliveryDate,
        p.promisedDate,
        p.lateDays,
        p.costMinor,
        doc.summary.currency,
      ].join(','),
    );
  }
  for (const h of doc.held) lines.push(`${h.id},,,,,,,,${doc.summary.currency}`);
  return `${lines.join('\n')}\n`;
}

/** Import charges the sellers bear on a plan's DDP parcels: with the plan's freight, and at no freight. */
export interface PlanLandedCost {
  /** Per parcel id: the seller's import charges with the parcel's freight as shipping (CIF bases). */
  readonly byParcel: ReadonlyMap<string, number>;
  /** Σ of the same charges at zero shipping: what any plan pays at least (charges never fall as freight rises). */
  readonly floorMinor: number;
  /** Parcels whose charges could not be computed (unknown HS code, no rule), with why. */
  readonly failures: readonly { readonly id: string; readonly why: string }[];
}

/**
 * Adds DDP import charges to a plan: to each parcel's cost, to the total (as `landedCostMinor`), and
 * their floor at zero freight to the lower bound, which stays valid.
 */
export function withLandedCost(doc: PlanDocument, landed: PlanLandedCost): PlanDocument {
  let total = 0;
  const parcels = doc.parcels.map((p) => {
    const add = landed.byParcel.get(p.id) ?? 0;
    total += add;
    return add === 0 ? p : { ...p, costMinor: p.costMinor + add, importChargesMinor: add };
  });
  const s = doc.summary;
  const costMinor = s.costMinor + total;
  const lowerBoundMinor = Math.min(costMinor, s.lowerBoundMinor + landed.floorMinor);
  return {
    ...doc,
    parcels,
    ...(landed.failures.length > 0 ? { importChargeFailures: landed.failures.slice(0, 100) } : {}),
    summary: {
      ...s,
      costMinor,
      costBasis: 'freight+ddp-import-charges',
      components: { ...s.components, landedCostMinor: total, totalMinor: costMinor },
      importChargeFailures: landed.failures.length,
      lowerBoundMinor,
      boundCovers: { ...s.boundCovers, importChargeFloorCovers: 'plan-candidates' },
      gapPercent: costMinor > 0 ? Math.round(((costMinor - lowerBoundMinor) / costMinor) * 1e6) / 1e4 : 0,
      relaxationMinor: s.relaxationMinor + landed.floorMinor,
    },
  };
}
