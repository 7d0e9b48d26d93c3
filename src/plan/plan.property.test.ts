import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CurrencyConverter, type Network, NetworkSchema } from '../domain/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import { DepartureDemand } from './demand.ts';
import {
  type CommodityLink,
  lagrangianBound,
  type MipSolver,
  ownChargesMinor,
  type PlanCandidate,
  type PlanParcelInput,
  planConsolidation,
  planDocument,
  planParcels,
  preparePlanContext,
  verifyPlan,
} from './index.ts';

const identity: CurrencyConverter = { convert: (a, from, to) => (from === to ? a : undefined) };
const DAY = 86_400_000;
const FROM_MS = Date.parse('2026-12-01T00:00:00Z');

/** A tiny xorshift generator, so that a failing seed rebuilds the same case. */
function rng(seed: number) {
  let s = (seed >>> 0) ^ 0x2545f491 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
  };
}

/**
 * A hub and two gateways: containers by rail to one (a container holds a few parcels), loose space by
 * air to the other (a few kg a flight), a second rail line to the other gateway; random rates,
 * schedules and slots, so that whole containers, full flights and lateness all matter.
 */
function randomCase(seed: number): { network: Network; parcels: PlanParcelInput[] } {
  const r = rng(seed);
  const node = (id: string, kind: 'hub' | 'gateway') => ({
    id,
    name: id,
    kind,
    country: kind === 'hub' ? 'CN' : 'PL',
    zone: 'UTC',
    lat: 0,
    lon: 0,
    minTransferMinutes: 0,
  });
  const every = (n: number) =>
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].filter((_, i) => i % n === 0);
  const rail = (id: string, to: string) => ({
    id,
    name: id,
    corridor: 'cr-express',
    mode: 'rail',
    operator: 'x',
    legs: [{ from: 'hub', to, transitMinutes: r.int(2, 6) * 1440, distanceKm: 5000, co2eGPerTkm: 20 }],
    schedule: { days: every(r.int(1, 3)), times: ['10:00'] },
    cutoffMinutes: 120,
    capacity: { containers: [{ type: '45G1', count: r.int(1, 2) }] },
    tariff: { currency: 'USD', perContainerMinor: { '45G1': r.int(500, 8000) } },
    restrictions: { forbiddenUnNumbers: [], forbiddenHsPrefixes: [] },
  });
  const network = NetworkSchema.parse({
    id: 'tiny',
    name: 'tiny',
    version: String(seed),
    hub: 'hub',
    equipment: [
      {
        type: '45G1',
        name: 'box',
        innerLengthMm: 1000,
        innerWidthMm: 600,
        innerHeightMm: 500,
        payloadG: r.int(8, 25) * 1000,
        tareG: 1000,
        teu: 2,
      },
    ],
    nodes: [node('hub', 'hub'), node('g1', 'gateway'), node('g2', 'gateway')],
    transfers: [],
    services: [
      rail('rail-1', 'g1'),
      rail('rail-2', 'g2'),
      {
        id: 'air',
        name: 'air',
        corridor: 'air',
        mode: 'air',
        operator: 'x',
        legs: [{ from: 'hub', to: 'g2', transitMinutes: 600, distanceKm: 5000, co2eGPerTkm: 600 }],
        schedule: { days: every(r.int(1, 2)), times: ['22:00'] },
        cutoffMinutes: 120,
        capacity: { weightKg: r.int(3, 12), volumeL: r.int(30, 150) },
        tariff: { currency: 'USD', perChargeableKgMinor: r.int(100, 900), volumetricDivisorCm3PerKg: 6000 },
        restrictions: { forbiddenUnNumbers: [], forbiddenHsPrefixes: [] },
      },
    ],
    lastMile: [
      {
        id: 'pl',
        country: 'PL',
        name: 'PL',
        gateways: ['g1', 'g2'],
        gatewayDays: { g1: r.int(0, 2) },
        carrier: 'post',
        clearanceHours: 0,
        transitDays: 1,
        rate: { currency: 'USD', baseMinor: 300, perKgMinor: 40 },
        maxWeightG: 30_000,
        maxLengthMm: 2000,
      },
    ],
    disruptions: [],
  });
  const count = r.int(2, 5);
  const parcels: PlanParcelInput[] = [];
  for (let i = 0; i < count; i++) {
    const ready = FROM_MS + r.int(0, 47) * 3_600_000;
    parcels.push({
      id: `p${i}`,
      readyAtMs: ready,
      grossWeightG: r.int(500, 7000),
      dimensions: { lengthMm: r.int(100, 600), widthMm: r.int(100, 400), heightMm: r.int(50, 400) },
      dangerousGoods: [],
      consignee: { country: 'PL', postcode: '00-001' },
      promisedDeliveryDate: new Date(ready + r.int(1, 9) * DAY).toISOString().slice(0, 10),
      incoterm: 'DAP',
      items: [{ hsCode: '610910' }],
    });
  }
  return { network, parcels };
}

/**
 * Fewest containers (of one type, at most `most`) that hold these parcels by weight and filled volume:
 * by search. Infinity when `most` do not hold them (a departure has only so many slots; searching past
 * them is exponential and answers nothing the caller uses).
 */
function fewestContainers(
  items: readonly { w: number; v: number }[],
  payload: number,
  volume: number,
  most: number,
): number {
  if (items.length === 0) return 0;
  for (let bins = 1; bins <= Math.min(items.length, most); bins++) {
    const w = new Array<number>(bins).fill(0);
    const v = new Array<number>(bins).fill(0);
    const place = (i: number): boolean => {
      if (i === items.length) return true;
      for (let b = 0; b < bins; b++) {
        if (w[b]! + items[i]!.w > payload || v[b]! + items[i]!.v > volume) continue;
        w[b]! += items[i]!.w;
        v[b]! += items[i]!.v;
        const ok = place(i + 1);
        w[b]! -= items[i]!.w;
        v[b]! -= items[i]!.v;
        if (ok) return true;
        if (w[b] === 0) break; // the other empty bins are the same
      }
      return false;
    };
    if (place(0)) return bins;
  }
  return Number.POSITIVE_INFINITY;
}

describe('consolidation planner against brute force', () => {
  let solver: MipSolver;
  beforeAll(async () => {
    solver = await createHighsSolver();
  });

  it('bounds every plan from below and never beats the exact optimum, on tiny random cases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const { network, parcels: inputs } = randomCase(seed);
        const ctx = preparePlanContext(network, FROM_MS, 3, identity);
        const parcels = planParcels(network, inputs, inputs.length);
        const outcome = planConsolidation(ctx, parcels, solver);
        const doc = planDocument(ctx, parcels, outcome);
        expect(verifyPlan(network, new Map(inputs.map((p) => [p.id, p])), doc, identity).violations).toEqual(
          [],
        );

        // Every assignment of the planned parcels to their candidates (or held), costed exactly: the
        // candidates the plan had, its route classes' first ones and those the timetable search added.
        const agg = outcome.aggregation;
        const options: { parcel: number; list: readonly PlanCandidate[] }[] = [];
        for (const c of agg.commodities)
          for (const p of c.parcels) options.push({ parcel: p, list: agg.candidates[c.routeClass]! });
        const penalty = ctx.settings.latePenaltyMinorPerDay;
        const hold = ctx.settings.holdPenaltyMinor;
        let best = Number.POSITIVE_INFINITY;
        // What the bound takes as the most any plan puts on a departure: no plan puts more than every
        // parcel with a candidate riding it.
        const demand = new DepartureDemand(ctx, agg, parcels);
        const mostLoad = new Map<number, { w: number; v: number }>();
        for (const { parcel: p, list } of options) {
          const rides = new Set(list.flatMap((cand) => cand.rides.map((ride) => ride.departure)));
          for (const key of rides) {
            const most = mostLoad.get(key) ?? { w: 0, v: 0 };
            most.w += parcels.weightG[p]!;
            most.v += parcels.volumeMm3[p]!;
            mostLoad.set(key, most);
          }
        }
        // Each parcel's own cost on each candidate (charges and lateness) and held; the containers are
        // costed per departure at the leaves. Every term is ≥ 0, so a branch whose own costs already
        // reach the best plan found is cut: the search stays exact with 50+ candidates a parcel.
        const own = options.map(({ parcel: p, list }) =>
          list.map(
            (cand) =>
              ownChargesMinor(cand, parcels.weightG[p]!, parcels.volumeMm3[p]!) +
              Math.max(0, cand.deliveryDay - parcels.promiseDay[p]!) * penalty,
          ),
        );
        const order = own.map((costs) =>
          [-1, ...costs.keys()].sort((x, y) => (costs[x] ?? hold) - (costs[y] ?? hold)),
        );
        const leastAfter = new Array<number>(options.length + 1).fill(0);
        for (let j = options.length - 1; j >= 0; j--)
          leastAfter[j] = leastAfter[j + 1]! + Math.min(hold, ...own[j]!);
        const pick = new Array<number>(options.length).fill(-1);
        const containersCost = (): number => {
          let cost = 0;
          const loads = new Map<number, { w: number; v: number }[]>();
          pick.forEach((k, j) => {
            if (k < 0) return;
            const p = options[j]!.parcel;
            for (const ride of options[j]!.list[k]!.rides) {
              const load = loads.get(ride.departure) ?? [];
              load.push({ w: parcels.weightG[p]!, v: parcels.volumeMm3[p]! });
              loads.set(ride.departure, load);
            }
          });
          for (const [key, items] of loads) {
            const d = ctx.departures.get(key)!;
            if (d.containers.length === 0) {
              const w = items.reduce((a, x) => a + x.w, 0);
              const v = items.reduce((a, x) => a + x.v, 0);
              if (w > d.weightCapG || v > d.volumeCapMm3) return Number.POSITIVE_INFINITY;
              continue;
            }
            const t = d.containers[0]!;
            const n = fewestContainers(items, t.payloadG, t.volumeMm3, t.slots);
            if (n > t.slots) return Number.POSITIVE_INFINITY;
            cost += n * Math.round(t.costMinor);
          }
          return cost;
        };
        const visit = (i: number, spent: number): void => {
          if (spent + leastAfter[i]! >= best) return;
          if (i === options.length) {
            best = Math.min(best, spent + containersCost());
            return;
          }
          for (const k of order[i]!) {
            pick[i] = k;
            visit(i + 1, spent + (k < 0 ? hold : own[i]![k]!));
          }
        };
        visit(0, 0);
        for (const [key, most] of mostLoad) {
          const [kg, m3] = demand.of(ctx.departures.get(key)!);
          expect(most.w / 1000).toBeLessThanOrEqual(kg + 1e-9);
          expect(most.v / 1e9).toBeLessThanOrEqual(m3 + 1e-12);
        }
        const held = agg.held.length * 0; // parcels with no itinerary are not in either cost
        expect(outcome.lowerBoundMinor).toBeLessThanOrEqual(best + held + 1e-6);
        // The bound with demand caps at any prices, not only the relaxation's: below the optimum, and
        // never below the bound without them.
        const r = rng(seed + 1);
        const { table, links } = outcome.relaxation;
        const settings = { latePenaltyMinorPerDay: penalty, holdPenaltyMinor: hold };
        for (let trial = 0; trial < 4; trial++) {
          const prices = {
            perKg: Float64Array.from(table.departures, () => r.int(0, 2000) / 10),
            perM3: Float64Array.from(table.departures, () => r.int(0, 400_000) / 10),
            perParcel: table.commodities.map(() => undefined),
          };
          const capped = lagrangianBound(table, agg, parcels, settings, prices, links, (d) => demand.of(d));
          expect(capped).toBeLessThanOrEqual(best + 1e-6);
          expect(capped).toBeGreaterThanOrEqual(
            lagrangianBound(table, agg, parcels, settings, prices, links) - 1e-6,
          );
        }
        // Linking prices on sets of a commodity's parcels (`linkAscent`'s rows): each set's parcels on
        // a departure are at most its most in one box times the boxes; below the optimum at any prices.
        for (let trial = 0; trial < 4; trial++) {
          const subsetLinks: CommodityLink[] = [];
          const perParcel: (Float64Array | undefined)[] = table.commodities.map(() => undefined);
          table.commodities.forEach((t, ci) => {
            const c = agg.commodities[ci]!;
            const members = Uint8Array.from({ length: c.count }, () => (r.chance(0.6) ? 1 : 0));
            const w: number[] = [];
            const v: number[] = [];
            members.forEach((x, i) => {
              if (x !== 1) return;
              w.push(parcels.weightG[c.parcels[i]!]!);
              v.push(parcels.volumeMm3[c.parcels[i]!]!);
            });
            w.sort((a, b) => a - b);
            v.sort((a, b) => a - b);
            for (let l = 0; l < t.departures.length; l++) {
              if (t.containerised[l] !== 1 || !r.chance(0.7)) continue;
              const d = table.departures[t.departures[l]!]!;
              const perContainer = d.containers.map((k) => {
                let n = 0;
                let sw = 0;
                let sv = 0;
                while (n < w.length && sw + w[n]! <= k.payloadG && sv + v[n]! <= k.volumeMm3) {
                  sw += w[n]!;
                  sv += v[n]!;
                  n++;
                }
                return n;
              });
              subsetLinks.push({
                commodity: ci,
                local: l,
                departure: t.departures[l]!,
                perContainer,
                members,
              });
              const list = perParcel[ci] ?? new Float64Array(t.departures.length);
              list[l] = r.int(0, 300_000) / 10;
              perParcel[ci] = list;
            }
          });
          const prices = {
            perKg: Float64Array.from(table.departures, () => r.int(0, 500) / 10),
            perM3: Float64Array.from(table.departures, () => r.int(0, 100_000) / 10),
            perParcel,
          };
          expect(
            lagrangianBound(table, agg, parcels, settings, prices, subsetLinks, (d) => demand.of(d)),
          ).toBeLessThanOrEqual(best + 1e-6);
        }
        expect(outcome.stats.costs.totalMinor).toBeGreaterThanOrEqual(best - 1e-6);
      }),
      { numRuns: 60, seed: 20261206 },
    );
  });
});
