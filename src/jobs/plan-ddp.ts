/**
 * A plan job's DDP import charges, computed as the job goes rather than after it: the helper threads
 * keep the DDP parcels as the job's thread reads them and compute what they can of the floors then
 * (the charges at no freight for the few trips a parcel can take); the rest of the floors while the
 * planner runs; the charges on the planned trips, shared with the job's thread, once the plan is
 * known. The figures are those of `plan-charges.ts` (one landed-cost computation per parcel, channel
 * where it matters and class of import date): only when and where they are computed changes.
 */

import { DAY_MS } from '../domain/days.ts';
import type { Currency, Network } from '../domain/index.ts';
import type {
  Aggregation,
  ImportChargeParcel,
  LandedRules,
  PlanDocument,
  PlanParcels,
} from '../plan/index.ts';
import type { PlanningParcel } from '../store/planning-read.ts';
import { airServicesOf, applyDdpCharges, chargeParcel, routeClassTrips } from './plan-charges.ts';
import {
  channelMatters,
  chargeFor,
  classesFor,
  type FloorTask,
  KeptDdpParcels,
  type PlanHelperRequest,
  plannedTripCharge,
  type SharedWork,
  type TripLookup,
  takeIndexed,
  tripAt,
} from './plan-helper-worker.ts';
import type { PlanHelpers } from './plan-helpers.ts';

type Trip = FloorTask['alternatives'][number];
type Distributed<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * Indexed figures shared by the helpers and this thread through a counter in shared memory (see
 * `SharedWork`): the helpers start when it is made, this thread joins with `takeHere()`. A helper
 * that fails leaves every figure to this thread: the answer is the same.
 */
class SharedIndexed {
  readonly #work: SharedWork;
  readonly #running: Promise<unknown>[];

  constructor(
    helpers: PlanHelpers,
    request: { readonly kind: 'ddp-floors' | 'ddp-trips' } & Record<string, unknown>,
    private readonly n: number,
    private readonly one: (i: number) => number,
    currency: Currency,
    chunk = 250,
  ) {
    this.#work = {
      currency,
      next: new SharedArrayBuffer(4),
      out: new SharedArrayBuffer(8 * Math.max(1, n)),
      chunk,
    };
    this.#running =
      n === 0
        ? []
        : Array.from({ length: helpers.size }, (_, i) =>
            helpers.ask(i, { ...request, ...this.#work } as Distributed<PlanHelperRequest>),
          );
  }

  takeHere(): void {
    takeIndexed(this.n, this.#work, this.one);
  }

  async finish(): Promise<Float64Array> {
    this.takeHere();
    const answers = await Promise.all(this.#running);
    const out = new Float64Array(this.#work.out, 0, this.n);
    if (answers.some((a) => a === undefined)) for (let i = 0; i < this.n; i++) out[i] = this.one(i);
    return Float64Array.from(out);
  }
}

/** The DDP import charges of one plan job, fed with its parcels as they are read. */
export class DdpCharges {
  /** The DDP parcels in the order read, with the early floor figures the helpers sent back. */
  readonly #kept = new KeptDdpParcels();
  /** Per parcel read (in order), its index among the DDP parcels, or -1. */
  readonly #ddpOf: number[] = [];
  #batches = 0;
  /** Set to 1 when the floors start: the helpers stop computing early ones. */
  readonly #stopEarly = new SharedArrayBuffer(4);
  #floors:
    | {
        work: SharedIndexed;
        taskOf: Int32Array;
        /** Per task, its list of trips; its keys' figures in `keyOut` from `keyAt`. */
        list: Int32Array;
        keys: readonly (readonly string[])[];
        keyOut: Float64Array;
        keyAt: Int32Array;
        shared: SharedArrayBuffer;
      }
    | undefined;
  /** The charges on the planned trips, started once the plan is known. */
  #trips:
    | {
        work: SharedIndexed;
        m: { index: Int32Array; freightMinor: Float64Array; express: Uint8Array; day: Int32Array };
        ids: string[];
      }
    | undefined;
  /** Set once every floor is known: this thread may then read their figures per key. */
  #floorsKnown = false;

  constructor(
    private readonly helpers: PlanHelpers,
    private readonly currency: Currency,
    private readonly landed: LandedRules,
  ) {}

  /** Takes the next parcels read: the DDP ones go to every helper, one of which computes their early floors. */
  add(batch: readonly PlanningParcel[]): void {
    const start = this.#kept.size;
    const parcels: ImportChargeParcel[] = [];
    const days: number[] = [];
    for (const p of batch) {
      if (p.incoterm !== 'DDP') {
        this.#ddpOf.push(-1);
        continue;
      }
      this.#ddpOf.push(start + parcels.length);
      parcels.push(chargeParcel(p));
      days.push(Math.floor(p.readyAtMs / DAY_MS));
    }
    if (parcels.length === 0) return;
    const readyDays = Int32Array.from(days);
    this.#kept.add(start, parcels, readyDays);
    const size = this.helpers.size;
    const earlyBy = size > 0 ? this.#batches++ % size : -1;
    for (let h = 0; h < size; h++)
      void this.helpers
        .ask(h, {
          kind: 'ddp-parcels',
          start,
          parcels,
          readyDays,
          ...(h === earlyBy ? { early: { currency: this.currency, stop: this.#stopEarly } } : {}),
        })
        .then((a) => {
          // This thread uses the early figures that have come back when it takes floors itself.
          if (a?.kind === 'ddp-early') this.#kept.setEarly(a.start, a.values);
        });
  }

  /**
   * Starts the floors: each DDP parcel's least charges at no freight over the trips its route class's
   * candidates offer (per channel where it matters and class of import date), from the early figures
   * where they cover them. The helpers compute them while this thread plans.
   */
  startFloors(network: Network, aggregation: Aggregation): void {
    Atomics.store(new Int32Array(this.#stopEarly), 0, 1);
    const classOf = classesFor(this.landed);
    // The trips of each route class, one per key `floorOf` tells them apart by, per destination.
    const lists: Trip[][] = [];
    const keys: string[][] = [];
    const listOf = new Map<string, number>();
    const tripsOf = routeClassTrips(network, aggregation);
    const listFor = (routeClass: number, destination: string): number => {
      const id = `${routeClass}|${destination}`;
      let at = listOf.get(id);
      if (at !== undefined) return at;
      const byChannel = channelMatters(this.landed, destination);
      const distinct = new Map<string, Trip>();
      for (const w of tripsOf[routeClass]!) {
        const key = `${byChannel ? w.channel : ''}|${classOf(destination, w.date)}`;
        if (!distinct.has(key)) distinct.set(key, w);
      }
      at = lists.length;
      lists.push([...distinct.values()]);
      keys.push([...distinct.keys()]);
      listOf.set(id, at);
      return at;
    };
    const taskOf = new Int32Array(this.#kept.size).fill(-1);
    const index: number[] = [];
    const list: number[] = [];
    for (const c of aggregation.commodities) {
      if (tripsOf[c.routeClass]!.length === 0) continue;
      for (const i of c.parcels) {
        const g = this.#ddpOf[i] ?? -1;
        if (g < 0) continue;
        taskOf[g] = index.length;
        index.push(g);
        list.push(listFor(c.routeClass, this.#kept.at(g).consignee.country));
      }
    }
    const idx = Int32Array.from(index);
    const lst = Int32Array.from(list);
    // Each task's figure per key too, for the planned trips the freight cannot change the charges of.
    const keyAt = new Int32Array(idx.length + 1);
    for (let i = 0; i < idx.length; i++) keyAt[i + 1] = keyAt[i]! + keys[lst[i]!]!.length;
    const shared = new SharedArrayBuffer(8 * Math.max(1, keyAt[idx.length]!));
    const keyOut = new Float64Array(shared).fill(Number.NaN);
    const work = new SharedIndexed(
      this.helpers,
      { kind: 'ddp-floors', index: idx, list: lst, lists, keys, keyOut: shared, keyAt },
      idx.length,
      (i) =>
        this.#kept.floor(idx[i]!, lists[lst[i]!]!, keys[lst[i]!]!, this.currency, this.landed, {
          out: keyOut,
          at: keyAt[i]!,
        }),
      this.currency,
    );
    this.#floors = { work, taskOf, list: lst, keys, keyOut, keyAt, shared };
  }

  /**
   * Starts the charges on the planned trips of `bare` (the plan's document before its baseline): this
   * thread first takes the floors left (so that every floor is known before any helper starts the
   * trips), then the helpers take the trips, ahead of the containers' proofs sent after.
   */
  startTrips(bare: PlanDocument, network: Network, parcels: PlanParcels): void {
    const trip = tripOfPlanned(network, bare);
    const index: number[] = [];
    const freight: number[] = [];
    const express: number[] = [];
    const day: number[] = [];
    const ids: string[] = [];
    // The document lists planned parcels in the planner's order: walk both.
    let p = 0;
    for (const planned of bare.parcels) {
      while (p < parcels.count && parcels.ids[p] !== planned.id) p++;
      const g = this.#ddpOf[p] ?? -1;
      if (g < 0) continue;
      const t = trip(planned);
      index.push(g);
      freight.push(t.freightMinor);
      express.push(t.express);
      day.push(t.day);
      ids.push(planned.id);
    }
    const m = {
      index: Int32Array.from(index),
      freightMinor: Float64Array.from(freight),
      express: Uint8Array.from(express),
      day: Int32Array.from(day),
    };
    const floors = this.#floors;
    floors?.work.takeHere();
    const lookup: TripLookup | undefined = floors && {
      taskOf: floors.taskOf,
      list: floors.list,
      keys: floors.keys,
      keyAt: floors.keyAt,
      keyOut: floors.shared,
    };
    const work = new SharedIndexed(
      this.helpers,
      { kind: 'ddp-trips', ...m, ...(lookup ? { lookup } : {}) },
      index.length,
      (i) =>
        plannedTripCharge(
          this.#kept.at(m.index[i]!),
          m.index[i]!,
          tripAt(m, i),
          this.currency,
          this.landed,
          this.#floorsKnown ? lookup : undefined,
          floors?.keyOut,
        ),
      this.currency,
    );
    this.#trips = { work, m, ids };
  }

  /**
   * The plan with its DDP parcels' import charges (see `withLandedCost`): the charges on the planned
   * trips (started by {@link startTrips}, this thread takes those left), and the floors; the greedy
   * baseline carries the same parcels' charges so that the two totals compare. `doc` is the document
   * `startTrips` was given, with its baseline and scope, or that document after parcels moved (their
   * 3D proofs): a parcel whose trip changed (freight, channel or date) is charged here on its new
   * trip, a parcel no longer planned is not charged.
   */
  async apply(doc: PlanDocument, network: Network, parcels: PlanParcels): Promise<PlanDocument> {
    if (!this.#trips) this.startTrips(doc, network, parcels);
    const { work, m, ids } = this.#trips!;
    const floors = this.#floors;
    const floorOfTask = floors ? await floors.work.finish() : new Float64Array(0);
    this.#floorsKnown = true;
    const onTrip = await work.finish();
    const index = m.index;
    const byParcel = new Map<string, number>();
    const failures: { id: string; why: string }[] = [];
    const planned = new Map(doc.parcels.map((p) => [p.id, p]));
    const trip = tripOfPlanned(network, doc);
    let floorMinor = 0;
    for (let i = 0; i < index.length; i++) {
      const g = m.index[i]!;
      const now = planned.get(ids[i]!);
      if (!now) continue;
      const t = trip(now);
      const same = t.freightMinor === m.freightMinor[i] && t.express === m.express[i] && t.day === m.day[i];
      if (!same) {
        m.freightMinor[i] = t.freightMinor;
        m.express[i] = t.express;
        m.day[i] = t.day;
        const r = chargeFor(this.#kept.at(g), tripAt(m, i), this.currency, this.landed);
        onTrip[i] = r.ok ? r.minor : Number.NaN;
      }
      const withFreight = onTrip[i]!;
      if (Number.isNaN(withFreight)) {
        const r = chargeFor(this.#kept.at(g), tripAt(m, i), this.currency, this.landed);
        failures.push({ id: ids[i]!, why: r.ok ? 'the charges could not be computed' : r.why });
        continue;
      }
      byParcel.set(ids[i]!, withFreight);
      const task = floors?.taskOf[g] ?? -1;
      // No candidate trips known (not expected for a planned parcel): the planned trip's, at no freight.
      const least =
        task >= 0
          ? floorOfTask[task]!
          : (() => {
              const r = chargeFor(
                this.#kept.at(g),
                { ...tripAt(m, i), freightMinor: 0 },
                this.currency,
                this.landed,
              );
              return r.ok ? r.minor : Number.NaN;
            })();
      floorMinor += Number.isNaN(least) ? 0 : Math.min(withFreight, least);
    }
    return applyDdpCharges(doc, { byParcel, floorMinor, failures });
  }
}

/**
 * A planned parcel's trip as its import charges see it: its freight (its cost less lateness and import
 * charges), whether it flies (express) and its delivery day.
 */
function tripOfPlanned(
  network: Network,
  doc: PlanDocument,
): (p: PlanDocument['parcels'][number]) => { freightMinor: number; express: number; day: number } {
  const air = airServicesOf(network);
  const penalty = doc.settings.latePenaltyMinorPerDay;
  return (p) => ({
    freightMinor: Math.max(0, p.costMinor - (p.importChargesMinor ?? 0) - p.lateDays * penalty),
    express: p.rides.some((r) => air.has(r.departureId.slice(0, r.departureId.indexOf('@')))) ? 1 : 0,
    day: Math.round(Date.parse(`${p.deliveryDate}T00:00:00Z`) / DAY_MS),
  });
}
