import type { Currency, ParcelItem } from '../domain/index.ts';
import { type DutyRules, type FxTables, type LandedCostRequest, landedCost } from '../duties/index.ts';

/** What import charges read of a parcel. */
export interface ImportChargeParcel {
  readonly id: string;
  readonly incoterm: 'DDP' | 'DAP';
  readonly consignee: { readonly country: string };
  readonly items: readonly ParcelItem[];
  readonly grossWeightG: number;
}

/** The landed-cost rules and the exchange-rate tables they convert with. */
export interface LandedRules {
  readonly rules: DutyRules;
  readonly fx: FxTables;
}

/** A trip as import charges see it: the freight (CIF bases), the channel, the import date. */
export interface ImportTrip {
  readonly freightMinor: number;
  readonly channel: 'express' | 'postal';
  readonly date: string;
}

export type ImportChargeResult =
  | { readonly ok: true; readonly minor: number }
  | { readonly ok: false; readonly why: string };

/** The landed-cost request of a DDP parcel's import charges on one trip (its freight the CIF basis). */
export function importChargeRequest(
  p: ImportChargeParcel,
  trip: ImportTrip,
  currency: Currency,
): LandedCostRequest {
  return {
    destination: p.consignee.country,
    date: trip.date,
    items: p.items,
    shippingMinor: Math.max(0, trip.freightMinor),
    costsCurrency: currency,
    incoterm: 'DDP',
    channel: trip.channel,
    grossWeightG: p.grossWeightG,
    currency,
  };
}

/** The seller's import charges on a DDP parcel for one trip (duty, taxes, fees), from the landed-cost rules. */
export function importChargeFor(
  p: ImportChargeParcel,
  trip: ImportTrip,
  currency: Currency,
  landed: LandedRules,
): ImportChargeResult {
  const r = landedCost(importChargeRequest(p, trip, currency), landed.rules, landed.fx);
  return r.ok ? { ok: true, minor: r.totals.seller.answerMinor } : { ok: false, why: r.message };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function collectDates(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 40 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (DATE.test(value)) out.add(value);
    return;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      collectDates(k, out, depth + 1);
      collectDates(v, out, depth + 1);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectDates(v, out, depth + 1);
    return;
  }
  if (typeof value === 'object') for (const v of Object.values(value)) collectDates(v, out, depth + 1);
}

/**
 * Dates on which import charges to a destination may change: every date the destination's rules and
 * the exchange-rate tables name (and the day after, for inclusive ends). Between two of them the
 * landed-cost rules compare the import date with nothing that tells the days apart, so every day of
 * one stretch gives the same charges: the class of a date is the stretch it falls in.
 */
export function importDateClasses(landed: LandedRules): (destination: string, date: string) => number {
  const fxDates = new Set<string>();
  for (const d of landed.fx.days) fxDates.add(d.date);
  for (const days of landed.fx.official?.values() ?? [])
    for (const d of days) {
      fxDates.add(d.date);
      if (d.validTo) fxDates.add(d.validTo);
    }
  const byDestination = new Map<string, string[]>();
  const cache = new Map<string, number>();
  return (destination, date) => {
    const key = `${destination}|${date}`;
    let c = cache.get(key);
    if (c !== undefined) return c;
    let breaks = byDestination.get(destination);
    if (!breaks) {
      const dates = new Set(fxDates);
      collectDates(landed.rules.byDestination.get(destination), dates);
      const all = new Set<string>();
      for (const d of dates) {
        all.add(d);
        all.add(nextDay(d));
      }
      breaks = [...all].sort();
      byDestination.set(destination, breaks);
    }
    // The number of breakpoints on or before the date.
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (breaks[mid]! <= date) lo = mid + 1;
      else hi = mid;
    }
    c = lo;
    cache.set(key, c);
    return c;
  };
}

/** Import charges on a plan's DDP parcels: each with its trip's freight, and the floor any plan pays. */
export interface PlanImportCharges {
  /** Per parcel id: the seller's import charges for its planned trip (freight as shipping, CIF bases). */
  readonly byParcel: ReadonlyMap<string, number>;
  /** Σ over DDP parcels of the least charges at no freight over every trip the parcel could take. */
  readonly floorMinor: number;
  /** Parcels whose charges could not be computed (unknown HS code, no rule), with why. */
  readonly failures: readonly { readonly id: string; readonly why: string }[];
}

/** One DDP parcel to charge: its planned trip, and the channels and dates of every trip it could take. */
export interface ImportChargeTask {
  readonly parcel: ImportChargeParcel;
  readonly trip: ImportTrip;
  readonly alternatives: readonly { readonly channel: 'express' | 'postal'; readonly date: string }[];
}

/**
 * Import charges for many DDP parcels. Charges never fall as freight rises, so at no freight, over
 * every trip a parcel could take, they bound any plan's; the trips are asked once per channel and
 * class of import date (`importDateClasses`), not once per itinerary: about three landed-cost
 * computations a parcel instead of one per distinct delivery date.
 */
export function planImportCharges(
  tasks: Iterable<ImportChargeTask>,
  currency: Currency,
  landed: LandedRules,
  classOf: (destination: string, date: string) => number = importDateClasses(landed),
): PlanImportCharges {
  const byParcel = new Map<string, number>();
  const failures: { id: string; why: string }[] = [];
  let floorMinor = 0;
  for (const t of tasks) {
    const p = t.parcel;
    const withFreight = importChargeFor(p, t.trip, currency, landed);
    if (!withFreight.ok) {
      failures.push({ id: p.id, why: withFreight.why });
      continue;
    }
    byParcel.set(p.id, withFreight.minor);
    let floor = withFreight.minor;
    const seen = new Set<string>();
    for (const w of t.alternatives.length > 0 ? t.alternatives : [t.trip]) {
      const key = `${w.channel}|${classOf(p.consignee.country, w.date)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const atZero = importChargeFor(
        p,
        { freightMinor: 0, channel: w.channel, date: w.date },
        currency,
        landed,
      );
      if (!atZero.ok) {
        floor = 0;
        break;
      }
      floor = Math.min(floor, atZero.minor);
    }
    floorMinor += floor;
  }
  return { byParcel, floorMinor, failures };
}
