import type { Aggregation } from './aggregate.ts';
import { type Assignment, MAX_RIDES } from './assign.ts';
import { ownChargesMinor } from './candidates.ts';
import type { PlanContext } from './context.ts';
import type { PlanParcels } from './parcels.ts';

/** Costs of a plan by component, in whole minor units of the plan currency. */
export interface PlanCosts {
  readonly containersMinor: number;
  /** Hub handling, road transfers, loose line-haul (air per chargeable kg), last mile. */
  readonly perParcelMinor: number;
  readonly latenessMinor: number;
  readonly carbonMinor: number;
  /** Parcels held for want of capacity (or of room the 3D loader can reach), at the hold penalty. */
  readonly heldMinor: number;
  readonly totalMinor: number;
}

export interface PlanStats {
  readonly costs: PlanCosts;
  readonly planned: number;
  readonly onTime: number;
  readonly late: number;
  readonly lateDays: number;
  readonly held: number;
  readonly co2eKg: number;
  readonly containers: number;
  /** Per parcel: cost in minor units (its per-parcel charges, lateness and its share of containers). */
  readonly parcelCostMinor: Float64Array;
  /** Per parcel: delivery day (days since 1970-01-01), or -1 when held. */
  readonly deliveryDay: Int32Array;
}

/**
 * The exact cost of an assignment: each container opened at its rate, each parcel's own charges
 * rounded to a minor unit, lateness at the penalty per day. Container costs are shared among the
 * parcels in the container by volume for the per-parcel figure.
 */
export function evaluatePlan(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  a: Assignment,
): PlanStats {
  const penalty = ctx.settings.latePenaltyMinorPerDay;
  const parcelCostMinor = new Float64Array(parcels.count);
  const deliveryDay = new Int32Array(parcels.count).fill(-1);
  let perParcel = 0;
  let lateness = 0;
  let carbon = 0;
  let planned = 0;
  let onTime = 0;
  let lateDays = 0;
  let co2eG = 0;
  for (let p = 0; p < parcels.count; p++) {
    const j = a.candidate[p]!;
    if (j < 0) continue;
    const k = a.candidates[a.commodity[p]!]![j]!;
    planned++;
    const kg = parcels.weightG[p]! / 1000;
    const own = ownChargesMinor(k, parcels.weightG[p]!, parcels.volumeMm3[p]!);
    const carbonCost = Math.round((kg / 1000) * (k.co2eGPerT / 1e6) * ctx.settings.carbonPriceMinorPerTonne);
    const late = Math.max(0, k.deliveryDay - parcels.promiseDay[p]!);
    deliveryDay[p] = k.deliveryDay;
    if (late === 0) onTime++;
    lateDays += late;
    perParcel += own - carbonCost;
    carbon += carbonCost;
    lateness += late * penalty;
    parcelCostMinor[p] = own + late * penalty;
    co2eG += (kg / 1000) * k.co2eGPerT;
  }
  let containersMinor = 0;
  let containers = 0;
  for (const list of a.loading.containers.values()) {
    for (const c of list) {
      if (c.parcels.length === 0) continue;
      const cost = Math.round(ctx.departures.get(c.departure)!.containers[c.type]!.costMinor);
      containersMinor += cost;
      containers++;
      for (const p of c.parcels)
        parcelCostMinor[p] = parcelCostMinor[p]! + (cost * parcels.volumeMm3[p]!) / Math.max(1, c.volumeMm3);
    }
  }
  const heldMinor = (a.heldForCapacity.length + (a.heldForLoad?.length ?? 0)) * ctx.settings.holdPenaltyMinor;
  const totalMinor = containersMinor + perParcel + lateness + carbon + heldMinor;
  void agg;
  void MAX_RIDES;
  return {
    costs: {
      containersMinor,
      perParcelMinor: perParcel,
      latenessMinor: lateness,
      carbonMinor: carbon,
      heldMinor,
      totalMinor,
    },
    planned,
    onTime,
    late: planned - onTime,
    lateDays,
    held: parcels.count - planned,
    co2eKg: Math.round(co2eG / 1000),
    containers,
    parcelCostMinor,
    deliveryDay,
  };
}
