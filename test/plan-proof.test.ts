/**
 * Issue 14: the plan job proves its containers with the 3D loader and moves the parcels the loader
 * could not place (another container, another itinerary, or held for `container-load`); the stored
 * document's costs, claims and totals follow the moves, and `verifyPlan` accepts it, import charges
 * recomputed.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Currency, Network } from '../src/domain/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { computePlan, PlanParamsSchema } from '../src/jobs/plan-job.ts';
import { importChargeFor, verifyPlan } from '../src/plan/index.ts';
import { storedParcels } from './fixtures/stored-parcels.ts';

const url = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const sample = readNetworkFile(url('../data/network/chongqing.yaml'));
const fxTables = readFxFile(url('../data/fx/rates.yaml'));
const fx = fxConverter(fxTables);
const landed = { rules: readDutyRules(url('../data/duties')), fx: fxTables };

/**
 * The sample network with containers 300 mm high inside (as long as needed to keep their volume):
 * the planner, which weighs volume and weight, fills them as before; the loader cannot place a parcel
 * whose shortest side is over 300 mm (about 1 % of generated parcels).
 */
const LOW_MM = 300;
const network: Network = {
  ...sample,
  equipment: sample.equipment.map((e) => ({
    ...e,
    innerHeightMm: LOW_MM,
    innerLengthMm: Math.ceil((e.innerLengthMm * e.innerHeightMm) / LOW_MM),
  })),
};

describe('a plan job’s containers, proven by the 3D loader, with the parcels it cannot place moved', () => {
  it('moves or holds every parcel the loader leaves out; every container left is proven; verify passes', async () => {
    const { fromMs, stored } = await storedParcels(3000, 5);
    const params = PlanParamsSchema.parse({ from: '2026-12-01', days: 3, proveMsPerContainer: 200 });
    const doc = await computePlan({ network, fromMs, stored }, fx, params, { landed, helpers: 1 });
    const proof = doc.containerProof!;
    const s = doc.summary;
    const tooTall = new Set(
      stored
        .filter((p) => Math.min(p.dimensions.lengthMm, p.dimensions.widthMm, p.dimensions.heightMm) > LOW_MM)
        .map((p) => p.id),
    );
    expect(tooTall.size).toBeGreaterThan(5);

    // The first loads left parcels out; they moved or were held, and what is left is proven.
    expect(proof.provenFirst!).toBeLessThan(s.containers);
    expect(proof.moves!.length).toBeGreaterThan(0);
    // Some onto another itinerary (by air: no container takes them), the others held.
    expect(proof.parcelsMoved!).toBeGreaterThan(0);
    expect(proof.parcelsHeld!).toBeGreaterThan(0);
    expect(proof.moves!.flatMap((m) => m.to.map((t) => t.how))).toContain('itinerary');
    expect(proof.notProven).toEqual([]);
    expect(proof.proven).toBe(s.containers);
    expect(s.containersProven).toBe(s.containers);
    expect(proof.byContainer).toHaveLength(s.containers);

    // No parcel the loader cannot place rides a container; those held say why.
    for (const p of doc.parcels)
      if (tooTall.has(p.id)) expect(p.rides.every((r) => r.containerId === undefined)).toBe(true);
    const heldForLoad = doc.held.filter((h) => h.reason === 'container-load');
    expect(heldForLoad).toHaveLength(proof.parcelsHeld!);
    expect(s.heldByReason?.['container-load'] ?? 0).toBe(proof.parcelsHeld!);
    for (const h of heldForLoad) expect(tooTall.has(h.id)).toBe(true);
    const m = proof.moves!;
    expect(m.reduce((a, x) => a + x.held, 0)).toBe(proof.parcelsHeld!);

    // The document's costs, claims, totals and DDP import charges follow the moves.
    const byId = new Map(stored.map((p) => [p.id, p]));
    const check = verifyPlan(network, byId, doc, fx, {
      importCharges: (id, trip) => importChargeFor(byId.get(id)!, trip, s.currency as Currency, landed),
    });
    expect(check.violations).toEqual([]);
    expect(check.importChargesChecked).toBe(true);
    expect(s.components.heldMinor).toBe(
      doc.held.filter((h) => h.reason === 'no-capacity' || h.reason === 'container-load').length *
        doc.settings.holdPenaltyMinor,
    );
  }, 120_000);
});
