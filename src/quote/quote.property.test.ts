import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Currency,
  type CurrencyConverter,
  type Network,
  type NetworkInput,
  NetworkSchema,
  type Service,
} from '../domain/index.ts';
import { expandDepartures } from '../network/index.ts';
import { DEFAULT_PLAN_SETTINGS } from '../plan/index.ts';
import { prepareQuoteIndex, quoteItineraries } from './index.ts';
import { paretoIndices } from './pareto.ts';
import {
  DEFAULT_CONSOLIDATION_FILL,
  hubHandlingMinor,
  lastMileMinor,
  lineHaulMinor,
  shareChargeMinor,
} from './pricing.ts';
import { loadOf, type QuoteRequest, QuoteRequestSchema } from './request.ts';

const identity: CurrencyConverter = { convert: (a, from, to) => (from === to ? a : undefined) };
const DAY = 86_400_000;
const FROM_MS = Date.parse('2026-12-01T00:00:00Z');
const HORIZON_DAYS = 10;
const TRIP_DAYS = 30;

/** A tiny xorshift generator so a failing seed reproduces the same network. */
function rng(seed: number) {
  let s = (seed >>> 0) ^ 0x9e3779b9 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const ZONES = ['Asia/Shanghai', 'Europe/Warsaw', 'UTC', 'America/New_York'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function randomNetwork(seed: number): { network: Network; fullIds: Set<string> } {
  const r = rng(seed);
  const nodeCount = r.int(3, 7);
  const ids = Array.from({ length: nodeCount }, (_, i) => (i === 0 ? 'hub' : `n${i}`));
  const nodes = ids.map((id) => ({
    id,
    name: id,
    kind: id === 'hub' ? ('hub' as const) : ('gateway' as const),
    country: 'PL',
    zone: r.pick(ZONES),
    lat: 0,
    lon: 0,
    minTransferMinutes: r.pick([0, 60, 240, 720]),
  }));
  const services: NetworkInput['services'] = [];
  const serviceCount = r.int(2, 8);
  for (let s = 0; s < serviceCount; s++) {
    const legCount = r.int(1, 3);
    const stops = [r.chance(0.5) ? 'hub' : r.pick(ids)];
    for (let j = 0; j < legCount; j++) {
      const options = ids.filter((x) => !stops.includes(x));
      if (options.length === 0) break;
      stops.push(r.pick(options));
    }
    if (stops.length < 2) continue;
    const mode = r.pick(['rail', 'sea', 'air'] as const);
    const containers = mode !== 'air';
    services.push({
      id: `s${s}`,
      name: `s${s}`,
      corridor: mode === 'air' ? 'air' : 'cr-express',
      mode,
      operator: 'x',
      legs: stops.slice(1).map((to, j) => ({
        from: stops[j]!,
        to,
        transitMinutes: r.int(1, 120) * 60,
        dwellMinutes: r.pick([0, 0, 180, 600]),
        distanceKm: r.int(100, 5000),
        co2eGPerTkm: r.pick([10, 20, 600, 800]),
      })),
      schedule: {
        days: DAYS.filter(() => r.chance(0.4))
          .concat(r.pick(DAYS))
          .filter((d, i, a) => a.indexOf(d) === i),
        times: [r.pick(['00:30', '06:00', '10:00', '18:45', '23:15'])],
      },
      cutoffMinutes: r.pick([0, 120, 1440]),
      capacity: containers ? { containers: [{ type: '45G1', count: 10 }] } : { weightKg: 20_000 },
      tariff: containers
        ? { currency: 'USD', perContainerMinor: { '45G1': r.int(1000, 900_000) } }
        : { currency: 'USD', perChargeableKgMinor: r.int(50, 900), volumetricDivisorCm3PerKg: 6000 },
      restrictions: {
        forbiddenUnNumbers: r.chance(0.3) ? ['UN3480'] : r.chance(0.2) ? ['UN3480', 'UN3481'] : [],
        forbiddenHsPrefixes: r.chance(0.15) ? ['8526'] : [],
        ...(r.chance(0.2) ? { maxPieceWeightG: r.int(1000, 40_000) } : {}),
      },
    });
  }
  const transfers: NetworkInput['transfers'] = [];
  for (let t = 0; t < r.int(0, 3); t++) {
    const from = r.pick(ids);
    const to = r.pick(ids.filter((x) => x !== from));
    transfers.push({
      from,
      to,
      minutes: r.int(0, 48) * 60,
      distanceKm: r.int(1, 900),
      co2eGPerTkm: 90,
      ...(r.chance(0.5) ? { tariff: { currency: 'USD', perKgMinor: r.int(1, 50) } } : {}),
    });
  }
  const gateways = ids.slice(1).filter(() => r.chance(0.6));
  if (gateways.length === 0) gateways.push(ids[nodeCount - 1]!);
  const gatewayDays: Record<string, number> = {};
  for (const g of gateways) if (r.chance(0.3)) gatewayDays[g] = r.int(1, 3);
  const disruptions: NetworkInput['disruptions'] = [];
  if (r.chance(0.4) && services.length > 0) {
    const start = FROM_MS + r.int(0, HORIZON_DAYS + 5) * DAY;
    const closeNode = r.chance(0.5);
    disruptions.push({
      id: 'd1',
      ...(closeNode ? { nodeId: r.pick(ids) } : { serviceId: r.pick(services).id }),
      from: new Date(start).toISOString(),
      to: new Date(start + r.int(1, 10) * DAY).toISOString(),
      effect: r.chance(0.5) ? 'closed' : 'delayed',
      delayMinutes: r.int(1, 200) * 60,
      reason: 'random',
    });
  }
  const network = NetworkSchema.parse({
    id: 'random',
    name: 'random',
    version: String(seed),
    hub: 'hub',
    hubHandling: { currency: 'USD', perParcelMinor: 50, perKgMinor: 10, perContainerMinor: 5000 },
    equipment: [
      {
        type: '45G1',
        name: 'hc',
        innerLengthMm: 12032,
        innerWidthMm: 2352,
        innerHeightMm: 2698,
        payloadG: 26_500_000,
        tareG: 3_900_000,
        teu: 2,
      },
    ],
    nodes,
    transfers,
    services,
    lastMile: [
      {
        id: 'pl',
        country: 'PL',
        name: 'PL',
        gateways,
        gatewayDays,
        carrier: 'post',
        clearanceHours: r.int(0, 48),
        transitDays: r.int(0, 5),
        rate: { currency: 'USD', baseMinor: 500, perKgMinor: 30 },
        maxWeightG: 30_000,
        maxLengthMm: 2000,
      },
    ],
    disruptions,
  });
  // Mark some departures as full.
  const fullIds = new Set<string>();
  for (const d of expandDepartures(network, FROM_MS, FROM_MS + (HORIZON_DAYS + TRIP_DAYS) * DAY)) {
    if (r.chance(0.15)) fullIds.add(d.id);
  }
  return { network, fullIds };
}

function randomRequest(seed: number): QuoteRequest {
  const r = rng(seed * 7919 + 13);
  return QuoteRequestSchema.parse({
    readyAt: new Date(
      FROM_MS + r.int(0, HORIZON_DAYS * 24 - 1) * 3_600_000 + r.int(0, 59) * 60_000,
    ).toISOString(),
    destination: { country: 'PL' },
    currency: 'USD',
    shipment: {
      kind: 'parcel',
      grossWeightG: r.int(100, 35_000),
      dimensions: { lengthMm: r.int(50, 1200), widthMm: r.int(50, 600), heightMm: r.int(20, 600) },
      dangerousGoods: r.chance(0.3) ? [r.pick(['UN3480', 'UN3481'])] : [],
      items: [
        {
          description: 'x',
          hsCode: r.chance(0.2) ? '852692' : '610910',
          quantity: 1,
          unitValueMinor: 100,
          currency: 'USD',
          originCountry: 'CN',
        },
      ],
    },
  });
}

/**
 * Every itinerary, by depth-first search over dated departures (any run, not only the earliest),
 * with the same rules as the engine, written without its route patterns or binary searches.
 */
function bruteForce(network: Network, fullIds: ReadonlySet<string>, request: QuoteRequest): number[][] {
  const load = loadOf(request.shipment);
  const zone = network.lastMile[0]!;
  if (load.weightG > zone.maxWeightG || load.longestSideMm > zone.maxLengthMm) return [];
  const departures = expandDepartures(network, FROM_MS, FROM_MS + (HORIZON_DAYS + TRIP_DAYS) * DAY).filter(
    (d) => !fullIds.has(d.id),
  );
  const services = new Map(network.services.map((s) => [s.id, s]));
  const minTransfer = new Map(network.nodes.map((n) => [n.id, n.minTransferMinutes * 60_000]));
  const equipment = new Map(network.equipment.map((e) => [e.type, e]));
  const tonnes = load.weightG / 1e6;
  const base = hubHandlingMinor(network.hubHandling!, load) + lastMileMinor(zone, load);
  const allows = (s: Service) =>
    !load.dangerousGoods.some((un) => s.restrictions.forbiddenUnNumbers.includes(un)) &&
    !load.hsCodes.some((hs) => s.restrictions.forbiddenHsPrefixes.some((p) => hs.startsWith(p))) &&
    (s.restrictions.maxPieceWeightG === undefined || load.heaviestPieceG <= s.restrictions.maxPieceWeightG) &&
    (s.restrictions.maxPieceLengthMm === undefined ||
      load.longestSideMm <= s.restrictions.maxPieceLengthMm) &&
    (s.restrictions.maxPieceHeightMm === undefined || load.shortestSideMm <= s.restrictions.maxPieceHeightMm);
  const out: number[][] = [];
  const visit = (
    node: string,
    readyMs: number,
    cost: number,
    co2: number,
    rides: number,
    transfers: number,
    seen: Set<string>,
    afterRide: boolean,
  ) => {
    if (rides + transfers > 0 && zone.gateways.includes(node)) {
      const delivery =
        readyMs + zone.clearanceHours * 3_600_000 + (zone.transitDays + (zone.gatewayDays[node] ?? 0)) * DAY;
      out.push([delivery, base + cost, Math.round(co2 * tonnes)]);
    }
    const leaveMs = readyMs + (afterRide ? (minTransfer.get(node) ?? 0) : 0);
    if (transfers < 2) {
      for (const t of network.transfers) {
        if (t.from !== node || seen.has(t.to)) continue;
        const c = t.tariff ? shareChargeMinor(t.tariff, load, false)! : 0;
        visit(
          t.to,
          leaveMs + t.minutes * 60_000,
          cost + c,
          co2 + t.distanceKm * t.co2eGPerTkm,
          rides,
          transfers + 1,
          new Set([...seen, t.to]),
          false,
        );
      }
    }
    if (rides >= 3) return;
    for (const d of departures) {
      if (d.origin !== node || d.cutoffAtMs < leaveMs) continue;
      const s = services.get(d.serviceId)!;
      if (!allows(s)) continue;
      const price = lineHaulMinor(s, load, equipment, DEFAULT_CONSOLIDATION_FILL);
      if (price === undefined) continue;
      const now = new Set(seen);
      let legCo2 = 0;
      for (let j = 0; j < d.legs.length; j++) {
        const leg = d.legs[j]!;
        if (now.has(leg.to)) break;
        now.add(leg.to);
        legCo2 += leg.distanceKm * leg.co2eGPerTkm;
        visit(leg.to, leg.arriveAtMs, cost + price, co2 + legCo2, rides + 1, transfers, new Set(now), true);
      }
    }
  };
  visit('hub', Date.parse(request.readyAt), 0, 0, 0, 0, new Set(['hub']), false);
  const keep = paretoIndices(out);
  return keep.map((i) => out[i]!);
}

const key = (rows: number[][]) =>
  rows
    .map((r) => r.join(','))
    .sort()
    .filter((x, i, a) => a.indexOf(x) === i);

describe('quote search against brute force', () => {
  it('returns exactly the Pareto set of every itinerary, on 600 random networks', () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const { network, fullIds } = randomNetwork(seed);
        const index = prepareQuoteIndex(network, {
          fromMs: FROM_MS,
          horizonDays: HORIZON_DAYS,
          tripDays: TRIP_DAYS,
          fullDepartureIds: fullIds,
        });
        for (let q = 0; q < 3; q++) {
          const request = randomRequest(seed + q);
          const answer = quoteItineraries(index, request, { fx: identity });
          const engine = answer.ok ? answer.options.map((o) => [o.deliveryAtMs, o.costMinor, o.co2eG]) : [];
          const oracle = bruteForce(network, fullIds, request);
          if (oracle.length > 0) nonEmpty++;
          expect(key(engine)).toEqual(key(oracle));
        }
      }),
      { numRuns: 600, seed: 20261125 },
    );
    // The random networks must exercise the search, not only the empty answer.
    expect(nonEmpty).toBeGreaterThan(300);
  });
});

describe('quote rules', () => {
  it('never offers an itinerary over a service that forbids the goods', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { network } = randomNetwork(seed);
      const index = prepareQuoteIndex(network, {
        fromMs: FROM_MS,
        horizonDays: HORIZON_DAYS,
        tripDays: TRIP_DAYS,
      });
      const request = randomRequest(seed);
      const answer = quoteItineraries(index, request, { fx: identity });
      if (!answer.ok) continue;
      for (const o of answer.options) {
        for (const leg of o.legs) {
          if (leg.serviceId === undefined) continue;
          const s = network.services.find((x) => x.id === leg.serviceId)!;
          for (const un of (request.shipment as { dangerousGoods: string[] }).dangerousGoods) {
            expect(s.restrictions.forbiddenUnNumbers).not.toContain(un);
          }
        }
      }
    }
  });

  it('prices in the quote currency through the converter, and fails clearly without a rate', () => {
    const { network } = randomNetwork(42);
    const index = prepareQuoteIndex(network, {
      fromMs: FROM_MS,
      horizonDays: HORIZON_DAYS,
      tripDays: TRIP_DAYS,
    });
    const request = { ...randomRequest(42), currency: 'EUR' as Currency };
    const answer = quoteItineraries(index, request, { fx: identity });
    if (answer.ok) throw new Error('expected a failure without a USD→EUR rate');
    expect(answer.code === 'no-exchange-rate' || answer.code === 'no-itinerary').toBe(true);
  });
});

describe('consolidated container shares', () => {
  it('are priced at the fill the planner plans containers to', () => {
    // A quote that assumed fuller containers than any plan loads would promise prices no plan keeps.
    expect(DEFAULT_CONSOLIDATION_FILL).toBe(DEFAULT_PLAN_SETTINGS.containerFill);
  });
});
