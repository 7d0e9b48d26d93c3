/**
 * Issue 11 item 16: the plan job's DDP import charges, computed by helper threads (the floors while the
 * plan is solved, then the planned trips shared), are exactly those of `planImportCharges` in one
 * thread over the same parcels and trips.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Currency } from '../src/domain/index.ts';
import { landedCost, sellerLandedCharges } from '../src/duties/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { computePlan, PlanComputation, PlanParamsSchema } from '../src/jobs/plan-job.ts';
import {
  aggregate,
  type ImportChargeTask,
  planImportCharges,
  planParcels,
  preparePlanContext,
} from '../src/plan/index.ts';
import { storedParcels } from './fixtures/stored-parcels.ts';

const url = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const network = readNetworkFile(url('../data/network/chongqing.yaml'));
const fxTables = readFxFile(url('../data/fx/rates.yaml'));
const fx = fxConverter(fxTables);
const landed = { rules: readDutyRules(url('../data/duties')), fx: fxTables };

describe('DDP import charges of a plan job, shared between threads', () => {
  it('takes the seller’s share as the full landed cost states it, failures alike', () => {
    const { parcels } = generateParcels({ count: 400, seed: 9, from: '2026-12-01', days: 3 });
    let compared = 0;
    for (const p of parcels) {
      for (const [channel, date, shippingMinor] of [
        ['express', '2026-12-05', 0],
        ['postal', '2027-01-20', 1234],
      ] as const) {
        const request = {
          destination: p.consignee.country,
          date,
          items: p.items,
          shippingMinor,
          costsCurrency: 'USD' as const,
          incoterm: 'DDP' as const,
          channel,
          grossWeightG: p.grossWeightG,
          currency: 'USD' as const,
        };
        const full = landedCost(request, landed.rules, landed.fx);
        const lean = sellerLandedCharges(request, landed.rules, landed.fx);
        if (full.ok) expect(lean).toEqual({ ok: true, answerMinor: full.totals.seller.answerMinor });
        else expect(lean).toEqual(full);
        compared++;
      }
    }
    expect(compared).toBe(800);
    // An unknown destination fails the same way.
    const bad = { destination: 'XX', date: '2026-12-05', items: [], currency: 'USD' as const };
    expect(sellerLandedCharges(bad, landed.rules, landed.fx)).toEqual(
      landedCost(bad, landed.rules, landed.fx),
    );
  });

  it('are those one thread computes: per parcel, the total, the floor in the bound, the failures', async () => {
    const { fromMs, stored } = await storedParcels(1200, 5);
    const params = PlanParamsSchema.parse({ from: '2026-12-01', days: 3, proveContainers: false });
    const inputs = { network, fromMs, stored };
    const [without, shared] = await Promise.all([
      computePlan(inputs, fx, params, { helpers: 0 }),
      computePlan(inputs, fx, params, { landed, helpers: 2 }),
    ]);
    const ddp = stored.filter((p) => p.incoterm === 'DDP').length;
    expect(ddp).toBeGreaterThan(100);

    // One thread, as before: each planned DDP parcel with every trip its route class offers.
    const ctx = preparePlanContext(network, fromMs, 3, fx, {
      currency: params.currency,
      latePenaltyMinorPerDay: params.latePenaltyMinorPerDay,
      carbonPriceMinorPerTonne: params.carbonPriceMinorPerTonne,
    });
    const pp = planParcels(network, stored, stored.length);
    const agg = aggregate(ctx, pp);
    const air = new Set(network.services.filter((s) => s.mode === 'air').map((s) => s.id));
    const tripsOf = new Map<string, { channel: 'express' | 'postal'; date: string }[]>();
    for (const c of agg.commodities)
      for (const i of c.parcels)
        tripsOf.set(
          pp.ids[i]!,
          agg.candidates[c.routeClass]!.map((k) => ({
            channel: k.rides.some((r) => air.has(network.services[r.service]!.id)) ? 'express' : 'postal',
            date: new Date(k.deliveryDay * 86_400_000).toISOString().slice(0, 10),
          })),
        );
    const byId = new Map(stored.map((p) => [p.id, p]));
    const tasks: ImportChargeTask[] = [];
    for (const planned of without.parcels) {
      const p = byId.get(planned.id)!;
      if (p.incoterm !== 'DDP') continue;
      const channel = planned.rides.some((r) => air.has(r.departureId.slice(0, r.departureId.indexOf('@'))))
        ? 'express'
        : 'postal';
      const freight = planned.costMinor - planned.lateDays * params.latePenaltyMinorPerDay;
      tasks.push({
        parcel: p,
        trip: { freightMinor: Math.max(0, freight), channel, date: planned.deliveryDate },
        alternatives: tripsOf.get(p.id) ?? [],
      });
    }
    const one = planImportCharges(tasks, params.currency as Currency, landed);
    expect(one.byParcel.size).toBeGreaterThan(100);

    const charged = new Map(
      shared.parcels.flatMap((p) => (p.importChargesMinor ? [[p.id, p.importChargesMinor] as const] : [])),
    );
    const nonZero = new Map([...one.byParcel].filter(([, v]) => v !== 0));
    expect(charged).toEqual(nonZero);
    const total = [...one.byParcel.values()].reduce((a, b) => a + b, 0);
    expect(shared.summary.components.landedCostMinor).toBe(total);
    expect(shared.summary.costMinor).toBe(without.summary.costMinor + total);
    expect(shared.summary.relaxationMinor).toBe(without.summary.relaxationMinor + one.floorMinor);
    expect(shared.summary.lowerBoundMinor).toBe(
      Math.min(shared.summary.costMinor, without.summary.lowerBoundMinor + one.floorMinor),
    );
    expect(shared.summary.importChargeFailures).toBe(one.failures.length);
  }, 120_000);

  it('are the same when the parcels come batch by batch to a job whose helpers started first', async () => {
    const { fromMs, stored } = await storedParcels(900, 11);
    const params = PlanParamsSchema.parse({ from: '2026-12-01', days: 3, proveMsPerContainer: 2_000 });
    const here = await computePlan({ network, fromMs, stored }, fx, params, { landed, helpers: 0 });
    const streamed = new PlanComputation({ network, fromMs }, fx, params, { landed, helpers: 2 });
    for (let i = 0; i < stored.length; i += 97) streamed.add(stored.slice(i, i + 97));
    const shared = await streamed.finish();
    expect(shared.summary.components.landedCostMinor).toBeGreaterThan(0);
    expect(shared.containerProof?.containers).toBeGreaterThan(0);
    expect(JSON.stringify(shared)).toBe(JSON.stringify(here));
  }, 120_000);
});
