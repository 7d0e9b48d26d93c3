/**
 * DDP import charges and container proofs of a plan job, shared between its thread and its helper
 * threads. The charges are the same as `planImportCharges` gives in one thread: per DDP parcel, the
 * charges on its planned trip (its freight as shipping), and the floor, the least charges at no
 * freight over every trip it could take (per channel and class of import date), capped by the former.
 */

import { isoDay } from '../domain/days.ts';
import type { Currency, Network, Parcel } from '../domain/index.ts';
import {
  type Aggregation,
  type ImportChargeParcel,
  type LandedRules,
  type PlanDocument,
  type PlanLandedCost,
  type PlanOutcome,
  type PlanParcels,
  withLandedCost,
} from '../plan/index.ts';
import type { PlanningParcel } from '../store/planning-read.ts';
import { chargeFor, type FloorTask, type TripChargeTask } from './plan-helper-worker.ts';
import { type PlanHelpers, SharedFigures } from './plan-helpers.ts';

export type Trip = { readonly channel: 'express' | 'postal'; readonly date: string };

/** What import charges read of a parcel: only this travels to the helper threads. */
export function chargeParcel(p: PlanningParcel): ImportChargeParcel {
  return {
    id: p.id,
    incoterm: p.incoterm,
    consignee: { country: p.consignee.country },
    items: p.items,
    grossWeightG: p.grossWeightG,
  };
}

/** The ids of the network's air services (a parcel on one travels express). */
export function airServicesOf(network: Network): Set<string> {
  return new Set(network.services.filter((s) => s.mode === 'air').map((s) => s.id));
}

/**
 * The distinct trips (channel: express by air, else postal; delivery date) of each route class's
 * candidates, shared by its parcels: what a DDP parcel's import charges can differ by.
 */
export function routeClassTrips(network: Network, aggregation: Aggregation): Trip[][] {
  const air = airServicesOf(network);
  return aggregation.candidates.map((list) => {
    const seen = new Map<string, Trip>();
    for (const k of list) {
      const channel = k.rides.some((r) => air.has(network.services[r.service]!.id)) ? 'express' : 'postal';
      const date = isoDay(k.deliveryDay);
      seen.set(`${channel}|${date}`, { channel, date });
    }
    return [...seen.values()];
  });
}

/** The DDP parcels' floors being computed, and where each parcel's is. */
export interface DdpFloors {
  readonly work: SharedFigures<FloorTask>;
  readonly indexOf: ReadonlyMap<string, number>;
}

/**
 * Starts the floors of the DDP parcels on the helpers, from the trips their route classes' candidates
 * offer (the same lists the plan's assignment keeps): they do not depend on the plan.
 */
export function ddpFloors(
  helpers: PlanHelpers,
  network: Network,
  stored: readonly Parcel[],
  parcels: PlanParcels,
  aggregation: Aggregation,
  currency: Currency,
  landed: LandedRules,
): DdpFloors {
  const byId = new Map(stored.map((p) => [p.id, p]));
  const tripsOf = routeClassTrips(network, aggregation);
  const tasks: FloorTask[] = [];
  const indexOf = new Map<string, number>();
  for (const c of aggregation.commodities) {
    const alternatives = tripsOf[c.routeClass]!;
    if (alternatives.length === 0) continue;
    for (const i of c.parcels) {
      const p = byId.get(parcels.ids[i]!);
      if (p?.incoterm !== 'DDP') continue;
      indexOf.set(p.id, tasks.length);
      tasks.push({ parcel: chargeParcel(p), alternatives });
    }
  }
  return { work: new SharedFigures(helpers, 'floors', tasks, currency, landed), indexOf };
}

/** The DDP parcels of a plan with their planned trips (channel, import date, freight as shipping). */
function tripTasks(
  doc: PlanDocument,
  stored: readonly Parcel[],
  air: ReadonlySet<string>,
): { parcel: Parcel; trip: TripChargeTask['trip'] }[] {
  const byId = new Map(stored.map((p) => [p.id, p]));
  const penalty = doc.settings.latePenaltyMinorPerDay;
  const out: { parcel: Parcel; trip: TripChargeTask['trip'] }[] = [];
  for (const planned of doc.parcels) {
    const p = byId.get(planned.id);
    if (p?.incoterm !== 'DDP') continue;
    const channel = planned.rides.some((r) => air.has(r.departureId.slice(0, r.departureId.indexOf('@'))))
      ? 'express'
      : 'postal';
    // The parcel's freight: its charges and its share of containers, not the lateness penalty.
    const freight = planned.costMinor - (planned.importChargesMinor ?? 0) - planned.lateDays * penalty;
    out.push({
      parcel: p,
      trip: { freightMinor: Math.max(0, freight), channel, date: planned.deliveryDate },
    });
  }
  return out;
}

/**
 * The plan with its DDP parcels' import charges: the charges on the planned trips, shared between the
 * helpers and this thread, with the floors the helpers computed meanwhile; the greedy baseline carries
 * the same parcels' charges so that the two totals compare.
 */
export async function sharedDdpCharges(
  helpers: PlanHelpers,
  doc: PlanDocument,
  network: Network,
  stored: readonly Parcel[],
  floors: DdpFloors,
  landed: LandedRules,
): Promise<PlanDocument> {
  const currency = doc.summary.currency as Currency;
  const planned = tripTasks(doc, stored, airServicesOf(network));
  const tasks: TripChargeTask[] = planned.map((t) => ({ parcel: chargeParcel(t.parcel), trip: t.trip }));
  const trips = new SharedFigures(helpers, 'trip-charges', tasks, currency, landed);
  // This thread takes its share of both; the helpers finish the floors first, then join the trips.
  floors.work.takeHere();
  const onTrip = await trips.finish();
  const floorOf = await floors.work.finish();
  const byParcel = new Map<string, number>();
  const failures: { id: string; why: string }[] = [];
  let floorMinor = 0;
  tasks.forEach((t, i) => {
    const withFreight = onTrip[i]!;
    if (Number.isNaN(withFreight)) {
      const r = chargeFor(t.parcel, t.trip, currency, landed);
      failures.push({ id: t.parcel.id, why: r.ok ? 'the charges could not be computed' : r.why });
      return;
    }
    byParcel.set(t.parcel.id, withFreight);
    const at = floors.indexOf.get(t.parcel.id);
    // No candidate trips known (not expected for a planned parcel): the planned trip's, at no freight.
    const least =
      at !== undefined
        ? floorOf[at]!
        : (() => {
            const r = chargeFor(t.parcel, { ...t.trip, freightMinor: 0 }, currency, landed);
            return r.ok ? r.minor : Number.NaN;
          })();
    floorMinor += Number.isNaN(least) ? 0 : Math.min(withFreight, least);
  });
  return applyDdpCharges(doc, { byParcel, floorMinor, failures });
}

/** The document with `charges`; the baseline plus the same charges. */
export function applyDdpCharges(doc: PlanDocument, charges: PlanLandedCost): PlanDocument {
  const withCharges = withLandedCost(doc, charges);
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

/**
 * A re-planned document with its DDP parcels' import charges, when landed-cost rules are given (see
 * {@link sharedDdpCharges}); the trips each parcel could take are its commodity's candidates.
 */
export async function withDdpCharges(
  helpers: PlanHelpers,
  doc: PlanDocument,
  network: Network,
  stored: readonly Parcel[],
  landed: LandedRules | undefined,
  outcome: Pick<PlanOutcome, 'aggregation'>,
  parcels: PlanParcels,
): Promise<PlanDocument> {
  if (!landed) return doc;
  const floors = ddpFloors(
    helpers,
    network,
    stored,
    parcels,
    outcome.aggregation,
    doc.summary.currency as Currency,
    landed,
  );
  return sharedDdpCharges(helpers, doc, network, stored, floors, landed);
}
