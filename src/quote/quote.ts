import { DAY_MS } from '../domain/days.ts';
import type {
  ContainerType,
  Corridor,
  Currency,
  CurrencyConverter,
  Equipment,
  LastMileZone,
  Mode,
  Money,
} from '../domain/index.ts';
import { daysBetween, localDate } from '../network/index.ts';
import { paretoIndices } from './pareto.ts';
import type { RoutePattern } from './patterns.ts';
import {
  DEFAULT_CONSOLIDATION_FILL,
  hubHandlingMinor,
  lastMileMinor,
  lastMileRefusal,
  lineHaulMinor,
  shareChargeMinor,
} from './pricing.ts';
import { type Load, loadOf, type QuoteRequest } from './request.ts';
import { earliestRun, patternsFrom, type QuoteIndex } from './timetable.ts';

const HOUR_MS = 3_600_000;

export type CostKind = 'handling' | 'transfer' | 'line-haul' | 'last-mile' | 'landed-cost';

/** Import charges of one option, from the landed-cost rules (amounts in the quote's currency). */
export interface OptionLandedCost {
  readonly ok: boolean;
  /** Duty + VAT/GST + fees. */
  readonly totalMinor: number;
  readonly buyerAtCheckoutMinor: number;
  readonly buyerAtDoorMinor: number;
  readonly sellerMinor: number;
  readonly ruleSetId: string;
  readonly source: string;
  /** Why no amount could be given (ok false): unknown HS code, no rule in force… */
  readonly message?: string;
}

/**
 * Computes import charges for an option: the parcel's items shipped for `shippingMinor` (quote
 * currency), imported on `date` (the day it reaches the gateway).
 */
export type LandedCostHook = (
  shippingMinor: number,
  channel: 'postal' | 'express' | 'freight',
  date: string,
) => OptionLandedCost;

/** One amount of a quote's price, in the quote's currency, with the amount in the currency it was set in. */
export interface CostComponent {
  readonly kind: CostKind;
  readonly label: string;
  readonly amountMinor: number;
  readonly original: Money;
}

/** One leg of an option: a road transfer or a ride on a dated departure. */
export interface OptionLeg {
  readonly kind: 'transfer' | 'ride';
  readonly mode: Mode;
  readonly from: string;
  readonly to: string;
  readonly departAtMs: number;
  readonly arriveAtMs: number;
  readonly serviceId?: string;
  readonly departureId?: string;
  readonly co2eG: number;
}

export type OptionLabel = 'fastest' | 'cheapest' | 'greenest';

/** One itinerary worth choosing: Pareto-optimal over delivery time, cost and CO2e. */
export interface QuoteOption {
  readonly id: string;
  readonly patternId: string;
  readonly corridors: readonly Corridor[];
  readonly modes: readonly Mode[];
  readonly legs: readonly OptionLeg[];
  readonly gateway: string;
  readonly zoneId: string;
  readonly readyAtMs: number;
  readonly arriveGatewayAtMs: number;
  /** When the buyer (parcel) or the consignee at the gateway (freight) receives the goods. */
  readonly deliveryAtMs: number;
  /** The delivery day in the gateway's time zone. */
  readonly deliveryDate: string;
  /** Calendar days from the ready day (origin zone) to the delivery day. */
  readonly transitDays: number;
  readonly costMinor: number;
  readonly currency: Currency;
  readonly components: readonly CostComponent[];
  /** Well-to-wheel emissions of the trip, grams CO2e (ISO 14083 style: t × km × intensity per leg). */
  readonly co2eG: number;
  readonly labels: readonly OptionLabel[];
  readonly meetsPromise?: boolean;
  /** Import charges at the destination, when the request lists the items. */
  readonly landedCost?: OptionLandedCost;
}

export type QuoteFailureCode =
  | 'unknown-origin'
  | 'no-zone'
  | 'refused-by-last-mile'
  | 'outside-horizon'
  | 'no-exchange-rate'
  | 'no-itinerary';

export type QuoteAnswer =
  | { readonly ok: true; readonly options: readonly QuoteOption[]; readonly patternsConsidered: number }
  | { readonly ok: false; readonly code: QuoteFailureCode; readonly message: string };

export interface QuoteSettings {
  readonly fx: CurrencyConverter;
  /** Expected fill of consolidated containers, for parcel prices. Default 0.85. */
  readonly consolidationFill?: number;
  /**
   * Import charges per option (parcels with items). Under DDP the seller's share joins the price as a
   * `landed-cost` component; under DAP it is shown beside it. Applied to the Pareto options.
   */
  readonly landedCost?: LandedCostHook;
}

interface Candidate {
  readonly pattern: RoutePattern;
  readonly zone: LastMileZone;
  readonly runs: readonly number[];
  readonly arriveMs: number;
  readonly deliveryMs: number;
  readonly costMinor: number;
  readonly co2eG: number;
}

const networkCaches = new WeakMap<
  object,
  {
    equipment: Map<ContainerType, Equipment>;
    zonesByCountry: Map<string, LastMileZone[]>;
    patternsByZone: Map<string, RoutePattern[]>;
  }
>();

function cacheFor(index: QuoteIndex) {
  let c = networkCaches.get(index);
  if (!c) {
    const zonesByCountry = new Map<string, LastMileZone[]>();
    for (const z of index.network.lastMile)
      zonesByCountry.set(z.country, [...(zonesByCountry.get(z.country) ?? []), z]);
    c = {
      equipment: new Map(index.network.equipment.map((e) => [e.type, e])),
      zonesByCountry,
      patternsByZone: new Map(),
    };
    networkCaches.set(index, c);
  }
  return c;
}

/** The last-mile zone of a destination: the longest matching postcode prefix, else the country's fallback zone. */
export function zoneFor(
  zones: readonly LastMileZone[],
  postcode: string | undefined,
): LastMileZone | undefined {
  const pc = (postcode ?? '').replace(/\s+/g, '').toUpperCase();
  let best: LastMileZone | undefined;
  let bestLen = -1;
  for (const z of zones) {
    if (z.postcodePrefixes.length === 0) {
      if (bestLen < 0) {
        best = z;
        bestLen = 0;
      }
      continue;
    }
    for (const p of z.postcodePrefixes) {
      const prefix = p.replace(/\s+/g, '').toUpperCase();
      if (pc.startsWith(prefix) && prefix.length > bestLen) {
        best = z;
        bestLen = prefix.length;
      }
    }
  }
  return best;
}

function refuses(pattern: RoutePattern, load: Load): boolean {
  for (const un of load.dangerousGoods) if (pattern.forbiddenUnNumbers.has(un)) return true;
  for (const hs of load.hsCodes)
    for (const prefix of pattern.forbiddenHsPrefixes) if (hs.startsWith(prefix)) return true;
  if (load.kind === 'fcl') return false;
  return (
    load.heaviestPieceG > pattern.maxPieceWeightG ||
    load.longestSideMm > pattern.maxPieceLengthMm ||
    load.shortestSideMm > pattern.maxPieceHeightMm
  );
}

/**
 * Every itinerary worth choosing for a shipment: the Pareto set over delivery time, cost and CO2e of
 * the earliest feasible run of each route pattern that ends at a gateway of the destination's zone.
 * Respects cut-offs, transfer times at nodes, dwell on board, restrictions along the way, the
 * last-mile partner's limits, cancelled runs and runs without capacity. Options are ordered by
 * delivery time, then cost; the fastest, cheapest and greenest carry labels.
 */
export function quoteItineraries(
  index: QuoteIndex,
  request: QuoteRequest,
  settings: QuoteSettings,
): QuoteAnswer {
  const network = index.network;
  const origin = request.origin ?? network.hub;
  const originZone = index.nodeZone.get(origin);
  if (originZone === undefined)
    return { ok: false, code: 'unknown-origin', message: `no node ${origin} in the network` };
  const readyMs = Date.parse(request.readyAt);
  if (readyMs < index.fromMs || readyMs >= index.untilMs) {
    return {
      ok: false,
      code: 'outside-horizon',
      message: `ready time ${request.readyAt} is outside the quoted horizon ${new Date(index.fromMs).toISOString()} – ${new Date(index.untilMs).toISOString()}`,
    };
  }
  const cache = cacheFor(index);
  const zone = zoneFor(
    cache.zonesByCountry.get(request.destination.country) ?? [],
    request.destination.postcode,
  );
  if (!zone) {
    return {
      ok: false,
      code: 'no-zone',
      message: `the network has no last-mile zone for ${request.destination.country}`,
    };
  }
  const load = loadOf(request.shipment);
  if (load.kind === 'parcel') {
    const refusal = lastMileRefusal(zone, load);
    if (refusal) return { ok: false, code: 'refused-by-last-mile', message: refusal };
  }

  const zoneKey = `${origin}|${zone.id}`;
  let patterns = cache.patternsByZone.get(zoneKey);
  if (!patterns) {
    const gateways = new Set(zone.gateways);
    patterns = patternsFrom(index, origin).filter((p) => gateways.has(p.end));
    cache.patternsByZone.set(zoneKey, patterns);
  }

  const fill = settings.consolidationFill ?? DEFAULT_CONSOLIDATION_FILL;
  const date = request.readyAt.slice(0, 10);
  const convertCache = new Map<string, number | undefined>();
  let missingRate: string | undefined;
  const convert = (amountMinor: number, from: Currency): number => {
    if (from === request.currency) return amountMinor;
    const key = `${from}|${amountMinor}`;
    let v = convertCache.get(key);
    if (v === undefined && !convertCache.has(key)) {
      v = settings.fx.convert(amountMinor, from, request.currency, date);
      convertCache.set(key, v);
    }
    if (v === undefined) {
      missingRate = `${from}→${request.currency}`;
      return 0;
    }
    return v;
  };

  // Costs that do not depend on the pattern.
  const handling = network.hubHandling
    ? convert(hubHandlingMinor(network.hubHandling, load), network.hubHandling.currency)
    : 0;
  const lastMile = load.kind === 'parcel' ? convert(lastMileMinor(zone, load), zone.rate.currency) : 0;
  const serviceCost = new Map<number, number | undefined>();
  const transferCost = new Map<number, number>();
  const tonnes = load.weightG / 1e6;

  const candidates: Candidate[] = [];
  for (const pattern of patterns) {
    if (refuses(pattern, load)) continue;
    let t = readyMs;
    let cost = handling + lastMile;
    const runs: number[] = [];
    let feasible = true;
    for (let s = 0; s < pattern.steps.length && feasible; s++) {
      const step = pattern.steps[s]!;
      if (step.kind === 'transfer') {
        const tr = network.transfers[step.transfer]!;
        t += tr.minutes * 60_000;
        let c = transferCost.get(step.transfer);
        if (c === undefined) {
          const raw = tr.tariff ? (shareChargeMinor(tr.tariff, load, false) ?? 0) : 0;
          c = tr.tariff ? convert(raw, tr.tariff.currency) : 0;
          transferCost.set(step.transfer, c);
        }
        cost += c;
        runs.push(-1);
        continue;
      }
      let c = serviceCost.get(step.service);
      if (!serviceCost.has(step.service)) {
        const service = network.services[step.service]!;
        const raw = lineHaulMinor(service, load, cache.equipment, fill);
        c = raw === undefined ? undefined : convert(raw, service.tariff.currency);
        serviceCost.set(step.service, c);
      }
      if (c === undefined) {
        feasible = false;
        break;
      }
      cost += c;
      const tt = index.timetables[step.service]!;
      const run = earliestRun(tt, step.alight, t);
      if (run < 0) {
        feasible = false;
        break;
      }
      runs.push(run);
      t = tt.arrivals[step.alight]![run]!;
      if (s + 1 < pattern.steps.length) t += index.minTransferMs.get(step.to) ?? 0;
    }
    if (!feasible) continue;
    const extraDays = zone.gatewayDays[pattern.end] ?? 0;
    const deliveryMs =
      t +
      zone.clearanceHours * HOUR_MS +
      (load.kind === 'parcel' ? (zone.transitDays + extraDays) * DAY_MS : 0);
    candidates.push({
      pattern,
      zone,
      runs,
      arriveMs: t,
      deliveryMs,
      costMinor: cost,
      co2eG: Math.round(pattern.co2eGPerT * tonnes),
    });
  }
  if (missingRate !== undefined) {
    return { ok: false, code: 'no-exchange-rate', message: `no exchange rate ${missingRate} on ${date}` };
  }
  if (candidates.length === 0) {
    return {
      ok: false,
      code: 'no-itinerary',
      message: `no itinerary reaches ${zone.name} for this shipment from ${origin}`,
    };
  }

  const keep = paretoIndices(candidates.map((c) => [c.deliveryMs, c.costMinor, c.co2eG]));
  const chosen = keep
    .map((i) => candidates[i]!)
    .sort((a, b) => a.deliveryMs - b.deliveryMs || a.costMinor - b.costMinor);
  const best = (f: (c: Candidate) => number) => chosen.reduce((m, c) => (f(c) < f(m) ? c : m), chosen[0]!);
  const fastest = best((c) => c.deliveryMs);
  const cheapest = best((c) => c.costMinor);
  const greenest = best((c) => c.co2eG);

  let options = chosen.map((c) =>
    describe(index, request, load, c, { handling, lastMile, fill, convert }, [
      ...(c === fastest ? (['fastest'] as const) : []),
      ...(c === cheapest ? (['cheapest'] as const) : []),
      ...(c === greenest ? (['greenest'] as const) : []),
    ]),
  );
  if (settings.landedCost && request.shipment.kind === 'parcel' && request.shipment.items.length > 0) {
    options = withLandedCost(options, settings.landedCost, request.incoterm === 'DDP');
  }
  return { ok: true, options, patternsConsidered: patterns.length };
}

function describe(
  index: QuoteIndex,
  request: QuoteRequest,
  load: Load,
  c: Candidate,
  costs: { handling: number; lastMile: number; fill: number; convert: (m: number, cur: Currency) => number },
  labels: OptionLabel[],
): QuoteOption {
  const network = index.network;
  const readyMs = Date.parse(request.readyAt);
  const tonnes = load.weightG / 1e6;
  const legs: OptionLeg[] = [];
  const components: CostComponent[] = [];
  const cache = cacheFor(index);
  if (network.hubHandling) {
    const h = network.hubHandling;
    components.push({
      kind: 'handling',
      label: `Hub handling at ${network.hub}`,
      amountMinor: costs.handling,
      original: { amountMinor: hubHandlingMinor(h, load), currency: h.currency },
    });
  }
  let t = readyMs;
  const corridors = new Set<Corridor>();
  const modes = new Set<Mode>();
  const departureIds: string[] = [];
  c.pattern.steps.forEach((step, s) => {
    if (step.kind === 'transfer') {
      const tr = network.transfers[step.transfer]!;
      legs.push({
        kind: 'transfer',
        mode: 'road',
        from: tr.from,
        to: tr.to,
        departAtMs: t,
        arriveAtMs: t + tr.minutes * 60_000,
        co2eG: Math.round(tr.distanceKm * tr.co2eGPerTkm * tonnes),
      });
      t += tr.minutes * 60_000;
      if (tr.tariff) {
        const raw = shareChargeMinor(tr.tariff, load, false) ?? 0;
        components.push({
          kind: 'transfer',
          label: `Road ${tr.from} → ${tr.to}`,
          amountMinor: costs.convert(raw, tr.tariff.currency),
          original: { amountMinor: raw, currency: tr.tariff.currency },
        });
      }
      modes.add('road');
      return;
    }
    const service = network.services[step.service]!;
    const tt = index.timetables[step.service]!;
    const run = tt.departures[c.runs[s]!]!;
    departureIds.push(run.id);
    for (let j = 0; j <= step.alight; j++) {
      const leg = run.legs[j]!;
      legs.push({
        kind: 'ride',
        mode: service.mode,
        from: leg.from,
        to: leg.to,
        departAtMs: leg.departAtMs,
        arriveAtMs: leg.arriveAtMs,
        serviceId: service.id,
        departureId: run.id,
        co2eG: Math.round(leg.distanceKm * leg.co2eGPerTkm * tonnes),
      });
    }
    const raw = lineHaulMinor(service, load, cache.equipment, costs.fill)!;
    components.push({
      kind: 'line-haul',
      label: service.name,
      amountMinor: costs.convert(raw, service.tariff.currency),
      original: { amountMinor: raw, currency: service.tariff.currency },
    });
    corridors.add(service.corridor);
    modes.add(service.mode);
    t =
      run.legs[step.alight]!.arriveAtMs +
      (s + 1 < c.pattern.steps.length ? (index.minTransferMs.get(step.to) ?? 0) : 0);
  });
  if (load.kind === 'parcel') {
    components.push({
      kind: 'last-mile',
      label: `${c.zone.carrier} (${c.zone.name})`,
      amountMinor: costs.lastMile,
      original: { amountMinor: lastMileMinor(c.zone, load), currency: c.zone.rate.currency },
    });
  }
  const gatewayZone = index.nodeZone.get(c.pattern.end)!;
  const deliveryDate = localDate(c.deliveryMs, gatewayZone);
  const readyDate = localDate(readyMs, index.nodeZone.get(c.pattern.origin)!);
  return {
    id: `${c.pattern.id}@${departureIds.join('+')}`,
    patternId: c.pattern.id,
    corridors: [...corridors],
    modes: [...modes],
    legs,
    gateway: c.pattern.end,
    zoneId: c.zone.id,
    readyAtMs: readyMs,
    arriveGatewayAtMs: c.arriveMs,
    deliveryAtMs: c.deliveryMs,
    deliveryDate,
    transitDays: daysBetween(readyDate, deliveryDate),
    costMinor: c.costMinor,
    currency: request.currency,
    components,
    co2eG: c.co2eG,
    labels,
    ...(request.promisedDeliveryDate ? { meetsPromise: deliveryDate <= request.promisedDeliveryDate } : {}),
  };
}

/** Adds import charges to each option; under DDP the seller's share joins the price and the cheapest label moves with it. */
function withLandedCost(options: QuoteOption[], hook: LandedCostHook, ddp: boolean): QuoteOption[] {
  const priced = options.map((o) => {
    const channel = o.modes.includes('air') ? 'express' : 'postal';
    const lc = hook(o.costMinor, channel, o.deliveryDate);
    if (!ddp || !lc.ok || lc.sellerMinor === 0) return { ...o, landedCost: lc };
    return {
      ...o,
      landedCost: lc,
      costMinor: o.costMinor + lc.sellerMinor,
      components: [
        ...o.components,
        {
          kind: 'landed-cost' as const,
          label: `Import charges, DDP (${lc.ruleSetId})`,
          amountMinor: lc.sellerMinor,
          original: { amountMinor: lc.sellerMinor, currency: o.currency },
        },
      ],
    };
  });
  if (!ddp) return priced;
  const cheapest = priced.reduce((m, o) => (o.costMinor < m.costMinor ? o : m), priced[0]!);
  return priced.map((o) => ({
    ...o,
    labels: [...o.labels.filter((l) => l !== 'cheapest'), ...(o === cheapest ? (['cheapest'] as const) : [])],
  }));
}
