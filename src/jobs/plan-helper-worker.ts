/**
 * Parts of a plan job in worker threads, so that it uses every core: DDP import charges for a share
 * of the parcels (the landed-cost rules are pure, each parcel's charges independent), and 3D proofs
 * of a share of the planned containers. A helper takes any number of requests, answered in order with
 * their `id`; the landed-cost rules come once, with `init`.
 */
import { parentPort } from 'node:worker_threads';
import { isoDay } from '../domain/days.ts';
import type { Currency, Equipment } from '../domain/index.ts';
import { sellerLandedCharges } from '../duties/index.ts';
import {
  type ContainerProof,
  type ContainerToProve,
  type ImportChargeParcel,
  type ImportChargeResult,
  type ImportTrip,
  importChargeRequest,
  importDateClasses,
  type LandedRules,
  proveContainer,
} from '../plan/index.ts';

/** A DDP parcel's least import charges at no freight over the trips it could take (channel and date). */
export interface FloorTask {
  readonly parcel: ImportChargeParcel;
  readonly alternatives: readonly { readonly channel: 'express' | 'postal'; readonly date: string }[];
}

/** A DDP parcel's import charges on its planned trip. */
export interface TripChargeTask {
  readonly parcel: ImportChargeParcel;
  readonly trip: ImportTrip;
}

export type PlanHelperRequest = { readonly id?: number } & (
  | { readonly kind: 'init'; readonly landed: LandedRules }
  | {
      /**
       * DDP parcels of a job as its thread reads them, kept by every helper at their job-wide indices
       * (`start` on): the later charge requests name them by index. With `early`, this helper also
       * computes their early floor figures ({@link earlyFloorKeys}).
       */
      readonly kind: 'ddp-parcels';
      readonly start: number;
      readonly parcels: readonly ImportChargeParcel[];
      readonly readyDays: Int32Array;
      /**
       * Compute their early floors, in this currency, until the job's thread sets `stop` (an
       * Int32Array's first element) to 1: the floors have started then, and take the rest.
       */
      readonly early?: { readonly currency: Currency; readonly stop: SharedArrayBuffer };
    }
  | ({
      /** Floors of kept DDP parcels: task i is parcel `index[i]` over the trips `lists[list[i]]`. */
      readonly kind: 'ddp-floors';
      readonly index: Int32Array;
      readonly list: Int32Array;
      readonly lists: readonly (readonly FloorTask['alternatives'][number][])[];
      /** The keys `floorOf` tells the trips of each list apart by, in the same order. */
      readonly keys: readonly (readonly string[])[];
      /**
       * Each task's figure per key (`Float64Array`, NaN where none), from `keyAt[i]` on for task i: the
       * charges on a planned trip where the freight cannot change them.
       */
      readonly keyOut: SharedArrayBuffer;
      readonly keyAt: Int32Array;
    } & SharedWork)
  | ({
      /** Charges of kept DDP parcels on their planned trips: task i is parcel `index[i]`. */
      readonly kind: 'ddp-trips';
      readonly index: Int32Array;
      readonly freightMinor: Float64Array;
      /** 1 express, 0 postal. */
      readonly express: Uint8Array;
      /** The import (delivery) date as a UTC day number. */
      readonly day: Int32Array;
      /** The floors' figures per key, for the parcels whose charges the freight cannot change. */
      readonly lookup?: TripLookup;
    } & SharedWork)
  | {
      /** Proofs shared through the counter `next`: each thread proves the next container not taken. */
      readonly kind: 'prove-shared';
      readonly containers: readonly ContainerToProve[];
      readonly equipment: readonly Equipment[];
      readonly timeLimitMs: number;
      readonly next: SharedArrayBuffer;
    }
  | ({ readonly kind: 'floors'; readonly tasks: readonly FloorTask[] } & SharedWork)
  | ({ readonly kind: 'trip-charges'; readonly tasks: readonly TripChargeTask[] } & SharedWork)
);

/**
 * Work shared by threads through memory: each takes the next chunk of `chunk` tasks from the counter
 * `next` (an Int32Array's first element) and writes each task's figure at its index in `out` (NaN
 * when the parcel cannot be charged), until none is left.
 */
export interface SharedWork {
  readonly currency: Currency;
  readonly next: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
  readonly chunk: number;
}

export type PlanHelperAnswer = { readonly id?: number } & (
  | { readonly kind: 'ready' }
  | { readonly kind: 'floors' | 'trip-charges'; readonly chunks: number }
  | { readonly kind: 'held' }
  | { readonly kind: 'ddp-early'; readonly start: number; readonly values: Float64Array }
  | {
      readonly kind: 'prove-shared';
      readonly proofs: readonly { readonly at: number; readonly proof: ContainerProof }[];
    }
  | { readonly kind: 'error'; readonly error: string }
);

/**
 * The seller's import charges on a DDP parcel for one trip: `importChargeFor`'s figure, computed
 * without the landed cost's lines and notes.
 */
export function chargeFor(
  p: ImportChargeParcel,
  trip: ImportTrip,
  currency: Currency,
  landed: LandedRules,
): ImportChargeResult {
  const r = sellerLandedCharges(importChargeRequest(p, trip, currency), landed.rules, landed.fx);
  return r.ok ? { ok: true, minor: r.answerMinor } : { ok: false, why: r.message };
}

/**
 * Where a floor writes each of its trips' figures (their charges at no freight): `out[at + k]` for the
 * k-th of its distinct keys, in the order of its alternatives.
 */
export interface PerKey {
  readonly out: Float64Array;
  readonly at: number;
}

/** A parcel's least charges at no freight over its trips; NaN when one of them cannot be charged. */
export function floorOf(t: FloorTask, currency: Currency, landed: LandedRules, perKey?: PerKey): number {
  const classOf = classesFor(landed);
  let floor = Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  // Where no rule of the destination names a channel, express and postal trips charge alike.
  const byChannel = channelMatters(landed, t.parcel.consignee.country);
  for (const w of t.alternatives) {
    const key = `${byChannel ? w.channel : ''}|${classOf(t.parcel.consignee.country, w.date)}`;
    if (seen.has(key)) continue;
    const r = chargeFor(t.parcel, { freightMinor: 0, channel: w.channel, date: w.date }, currency, landed);
    if (perKey) perKey.out[perKey.at + seen.size] = r.ok ? r.minor : Number.NaN;
    seen.add(key);
    if (!r.ok) return Number.NaN;
    floor = Math.min(floor, r.minor);
  }
  return floor;
}

/**
 * Where the floors keep each key's figure (see the `ddp-floors` request): per kept DDP parcel its floor
 * task (-1 for none), per task its list of trips, whose keys are `keys[list]`, and its figures in
 * `keyOut` (a `Float64Array`, NaN where none) from `keyAt[task]` on.
 */
export interface TripLookup {
  readonly taskOf: Int32Array;
  readonly list: Int32Array;
  readonly keys: readonly (readonly string[])[];
  readonly keyAt: Int32Array;
  readonly keyOut: SharedArrayBuffer;
}

/**
 * A kept DDP parcel's (`g`) charges on its planned trip; NaN when they cannot be computed. Where the
 * freight cannot change them ({@link freightMatters}) they are its floor's figure for the trip's
 * channel and class of date, when the floors have it (`out`, the lookup's figures); else computed.
 * The same figure either way: whichever the floors' progress, the answer does not change.
 */
export function plannedTripCharge(
  parcel: ImportChargeParcel,
  g: number,
  trip: ImportTrip,
  currency: Currency,
  landed: LandedRules,
  lookup: TripLookup | undefined,
  out: Float64Array | undefined,
): number {
  const destination = parcel.consignee.country;
  const task = lookup && out ? lookup.taskOf[g]! : -1;
  if (task >= 0 && !freightMatters(landed, destination)) {
    const key = `${channelMatters(landed, destination) ? trip.channel : ''}|${classesFor(landed)(destination, trip.date)}`;
    const k = lookup!.keys[lookup!.list[task]!]!.indexOf(key);
    const known = k < 0 ? Number.NaN : out![lookup!.keyAt[task]! + k]!;
    if (!Number.isNaN(known)) return known;
  }
  const r = chargeFor(parcel, trip, currency, landed);
  return r.ok ? r.minor : Number.NaN;
}

/** A parcel's charges on its trip; NaN when they cannot be computed. */
export function tripChargeOf(t: TripChargeTask, currency: Currency, landed: LandedRules): number {
  const r = chargeFor(t.parcel, t.trip, currency, landed);
  return r.ok ? r.minor : Number.NaN;
}

/** Takes chunks of `work` until none is left (see {@link SharedWork}); returns how many it took. */
export function takeShare<T>(
  tasks: readonly T[],
  work: SharedWork,
  one: (t: T, currency: Currency, landed: LandedRules) => number,
  landed: LandedRules,
): number {
  const next = new Int32Array(work.next);
  const out = new Float64Array(work.out);
  let taken = 0;
  for (;;) {
    const start = Atomics.add(next, 0, 1) * work.chunk;
    if (start >= tasks.length) return taken;
    taken++;
    const end = Math.min(tasks.length, start + work.chunk);
    for (let i = start; i < end; i++) out[i] = one(tasks[i]!, work.currency, landed);
  }
}

function namesChannels(value: unknown, depth = 0): boolean {
  if (depth > 40 || value === null || typeof value !== 'object') return false;
  if (value instanceof Map) return [...value.values()].some((v) => namesChannels(v, depth + 1));
  if (Array.isArray(value)) return value.some((v) => namesChannels(v, depth + 1));
  const o = value as Record<string, unknown>;
  if (o.channels !== undefined) return true;
  return Object.values(o).some((v) => namesChannels(v, depth + 1));
}

const channelsByRules = new WeakMap<LandedRules, Map<string, boolean>>();
/**
 * Whether the channel can change a destination's charges: the landed-cost rules read it only where a
 * tier's conditions or a fee name `channels`; a destination whose rules name none charges alike.
 */
export function channelMatters(landed: LandedRules, destination: string): boolean {
  let byDestination = channelsByRules.get(landed);
  if (!byDestination) {
    byDestination = new Map();
    channelsByRules.set(landed, byDestination);
  }
  let matters = byDestination.get(destination);
  if (matters === undefined) {
    const book = landed.rules.byDestination.get(destination);
    matters = book === undefined || namesChannels(book.data);
    byDestination.set(destination, matters);
  }
  return matters;
}

function namesShipping(value: unknown, depth = 0): boolean {
  if (depth > 40 || value === null || typeof value !== 'object') return false;
  if (value instanceof Map) return [...value.values()].some((v) => namesShipping(v, depth + 1));
  if (Array.isArray(value)) return value.some((v) => v === 'shipping' || namesShipping(v, depth + 1));
  return Object.values(value as Record<string, unknown>).some((v) => namesShipping(v, depth + 1));
}

const freightByRules = new WeakMap<LandedRules, Map<string, boolean>>();
/**
 * Whether the freight can change a destination's charges: the landed-cost rules read the shipping
 * only where a rule set values goods CIF (customs value plus shipping) or a base or threshold names
 * `shipping`; a destination whose rules do neither charges a parcel alike at any freight, so that its
 * charges on the planned trip are those at no freight for the trip's channel and class of date.
 */
export function freightMatters(landed: LandedRules, destination: string): boolean {
  let byDestination = freightByRules.get(landed);
  if (!byDestination) {
    byDestination = new Map();
    freightByRules.set(landed, byDestination);
  }
  let matters = byDestination.get(destination);
  if (matters === undefined) {
    const book = landed.rules.byDestination.get(destination);
    matters =
      book === undefined ||
      book.data.ruleSets.some((rs) => rs.valueBasis === 'CIF') ||
      namesShipping(book.data);
    byDestination.set(destination, matters);
  }
  return matters;
}

const classesByRules = new WeakMap<LandedRules, ReturnType<typeof importDateClasses>>();
/** The classes of import date of `landed`, made once per rules. */
export function classesFor(landed: LandedRules): ReturnType<typeof importDateClasses> {
  let c = classesByRules.get(landed);
  if (!c) {
    c = importDateClasses(landed);
    classesByRules.set(landed, c);
  }
  return c;
}

function answer(m: PlanHelperRequest, landed: LandedRules | undefined): PlanHelperAnswer {
  const id = m.id === undefined ? {} : { id: m.id };
  switch (m.kind) {
    case 'init':
      return { ...id, kind: 'ready' };
    case 'floors':
      if (!landed) throw new Error('the plan helper was not sent the landed-cost rules');
      return { ...id, kind: m.kind, chunks: takeShare(m.tasks, m, floorOf, landed) };
    case 'trip-charges':
      if (!landed) throw new Error('the plan helper was not sent the landed-cost rules');
      return { ...id, kind: m.kind, chunks: takeShare(m.tasks, m, tripChargeOf, landed) };
    case 'ddp-parcels': {
      kept.add(m.start, m.parcels, m.readyDays);
      if (!m.early) return { ...id, kind: 'held' };
      if (!landed) throw new Error('the plan helper was not sent the landed-cost rules');
      const values = earlyFloors(
        m.parcels,
        m.readyDays,
        m.early.currency,
        landed,
        new Int32Array(m.early.stop),
      );
      kept.setEarly(m.start, values);
      return { ...id, kind: 'ddp-early', start: m.start, values };
    }
    case 'ddp-floors': {
      if (!landed) throw new Error('the plan helper was not sent the landed-cost rules');
      const keyOut = new Float64Array(m.keyOut);
      const chunks = takeIndexed(m.index.length, m, (i) =>
        kept.floor(m.index[i]!, m.lists[m.list[i]!]!, m.keys[m.list[i]!]!, m.currency, landed, {
          out: keyOut,
          at: m.keyAt[i]!,
        }),
      );
      return { ...id, kind: 'floors', chunks };
    }
    case 'ddp-trips': {
      if (!landed) throw new Error('the plan helper was not sent the landed-cost rules');
      const lookup = m.lookup;
      const out = lookup ? new Float64Array(lookup.keyOut) : undefined;
      const chunks = takeIndexed(m.index.length, m, (i) =>
        plannedTripCharge(kept.at(m.index[i]!), m.index[i]!, tripAt(m, i), m.currency, landed, lookup, out),
      );
      return { ...id, kind: 'trip-charges', chunks };
    }
    case 'prove-shared': {
      const next = new Int32Array(m.next);
      const byType = new Map(m.equipment.map((e) => [e.type as string, e]));
      const proofs: { at: number; proof: ContainerProof }[] = [];
      for (;;) {
        const at = Atomics.add(next, 0, 1);
        if (at >= m.containers.length) break;
        const c = m.containers[at]!;
        proofs.push({
          at,
          proof: proveContainer(c, byType.get(c.type)!, { timeLimitMs: m.timeLimitMs, maxRounds: 1 }),
        });
      }
      return { ...id, kind: 'prove-shared', proofs };
    }
  }
}

/**
 * A job's DDP parcels at their job-wide indices, with the day each is ready and their early floor
 * figures where this thread has them (two slots a parcel, see {@link earlyFloors}).
 */
export class KeptDdpParcels {
  readonly #parcels: ImportChargeParcel[] = [];
  readonly #readyDay: number[] = [];
  #early = new Float64Array(0);

  get size(): number {
    return this.#parcels.length;
  }

  add(start: number, parcels: readonly ImportChargeParcel[], readyDays: Int32Array): void {
    for (let i = 0; i < parcels.length; i++) {
      this.#parcels[start + i] = parcels[i]!;
      this.#readyDay[start + i] = readyDays[i]!;
    }
  }

  at(g: number): ImportChargeParcel {
    const p = this.#parcels[g];
    if (!p) throw new Error(`no DDP parcel ${g} is kept here`);
    return p;
  }

  setEarly(start: number, values: Float64Array): void {
    const need = 2 * start + values.length;
    if (this.#early.length < need) {
      const grown = new Float64Array(Math.max(need, 2 * this.#early.length)).fill(-1);
      grown.set(this.#early);
      this.#early = grown;
    }
    this.#early.set(values, 2 * start);
  }

  /**
   * Parcel `g`'s floor over `alternatives` (told apart by `keys`, as `floorOf` does): from its early
   * figures when they cover every key, else computed.
   */
  floor(
    g: number,
    alternatives: FloorTask['alternatives'],
    keys: readonly string[],
    currency: Currency,
    landed: LandedRules,
    /** Where each key's figure goes too. */
    perKey?: PerKey,
  ): number {
    const parcel = this.at(g);
    if (2 * g + 1 < this.#early.length) {
      const known = earlyFloorKeys(landed, parcel.consignee.country, this.#readyDay[g]!);
      let floor = Number.POSITIVE_INFINITY;
      let covered = known.length > 0;
      let failed = false;
      const values: number[] = [];
      for (let i = 0; covered && i < keys.length; i++) {
        const slot = known[0]?.key === keys[i] ? 0 : known[1]?.key === keys[i] ? 1 : -1;
        const v = slot < 0 ? -1 : this.#early[2 * g + slot]!;
        if (v === -1) covered = false;
        else if (Number.isNaN(v)) {
          failed = true;
          break;
        } else {
          values.push(v);
          floor = Math.min(floor, v);
        }
      }
      if (failed) return Number.NaN;
      if (covered && keys.length > 0) {
        if (perKey) perKey.out.set(values, perKey.at);
        return floor;
      }
    }
    return floorOf({ parcel, alternatives }, currency, landed, perKey);
  }
}

/** The DDP parcels of the job this helper serves. */
const kept = new KeptDdpParcels();

/** The planned trip of task `i` of a `ddp-trips` request. */
export function tripAt(
  m: { readonly freightMinor: Float64Array; readonly express: Uint8Array; readonly day: Int32Array },
  i: number,
): ImportTrip {
  return {
    freightMinor: m.freightMinor[i]!,
    channel: m.express[i] === 1 ? 'express' : 'postal',
    date: isoDay(m.day[i]!),
  };
}

/** Days after a parcel is ready that its early floor keys cover (its trips arrive within them). */
export const EARLY_SPAN_DAYS = 120;

const earlyKeysByRules = new WeakMap<LandedRules, Map<string, readonly EarlyKey[]>>();

/** One (channel, class of import date) a DDP parcel's floor is computed for early, with a date of it. */
export interface EarlyKey {
  /** The key `floorOf` dedups trips by: the channel where it matters, and the date class. */
  readonly key: string;
  readonly channel: 'express' | 'postal';
  readonly date: string;
}

/**
 * The floor keys a DDP parcel to `destination` ready on UTC day `readyDay` can meet within
 * {@link EARLY_SPAN_DAYS} days, when they are at most two (both channels of one date class, or one or
 * two classes where the channel does not matter); else none. Computed before the plan, so that its
 * floor is known by then; the plan's trips of the parcel decide which of them count.
 */
export function earlyFloorKeys(
  landed: LandedRules,
  destination: string,
  readyDay: number,
): readonly EarlyKey[] {
  let cache = earlyKeysByRules.get(landed);
  if (!cache) {
    cache = new Map();
    earlyKeysByRules.set(landed, cache);
  }
  const cacheKey = `${destination}|${readyDay}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const classOf = classesFor(landed);
  const byChannel = channelMatters(landed, destination);
  const classes = new Map<number, string>();
  for (let d = readyDay; d < readyDay + EARLY_SPAN_DAYS && classes.size <= 2; d++) {
    const date = isoDay(d);
    const c = classOf(destination, date);
    if (!classes.has(c)) classes.set(c, date);
  }
  const keys: EarlyKey[] = [];
  for (const [c, date] of classes)
    if (byChannel)
      for (const channel of ['express', 'postal'] as const)
        keys.push({ key: `${channel}|${c}`, channel, date });
    else keys.push({ key: `|${c}`, channel: 'postal', date });
  const answer = keys.length <= 2 ? keys : [];
  cache.set(cacheKey, answer);
  return answer;
}

/**
 * Each parcel's charges at no freight for its {@link earlyFloorKeys}, two slots a parcel in their
 * order: -1 where the slot is unused, NaN where the charges cannot be computed.
 */
export function earlyFloors(
  parcels: readonly ImportChargeParcel[],
  readyDays: Int32Array,
  currency: Currency,
  landed: LandedRules,
  /** Stops when its first element is 1 (the slots left stay -1). */
  stop?: Int32Array,
): Float64Array {
  const out = new Float64Array(2 * parcels.length).fill(-1);
  parcels.forEach((p, i) => {
    if (stop && Atomics.load(stop, 0) === 1) return;
    earlyFloorKeys(landed, p.consignee.country, readyDays[i]!).forEach((k, j) => {
      const r = chargeFor(p, { freightMinor: 0, channel: k.channel, date: k.date }, currency, landed);
      out[2 * i + j] = r.ok ? r.minor : Number.NaN;
    });
  });
  return out;
}

/** Takes chunks of `n` indexed tasks from `work` until none is left; returns how many it took. */
export function takeIndexed(n: number, work: SharedWork, one: (i: number) => number): number {
  const next = new Int32Array(work.next);
  const out = new Float64Array(work.out);
  let taken = 0;
  for (;;) {
    const start = Atomics.add(next, 0, 1) * work.chunk;
    if (start >= n) return taken;
    taken++;
    const end = Math.min(n, start + work.chunk);
    for (let i = start; i < end; i++) out[i] = one(i);
  }
}

// Only as a helper thread's entry (the plan worker thread imports this file's types, not its code).
const port = parentPort;
if (port && process.env.LANDBRIDGE_PLAN_HELPER === '1') {
  let landed: LandedRules | undefined;
  port.on('message', (m: PlanHelperRequest) => {
    try {
      if (m.kind === 'init') landed = m.landed;
      port.postMessage(answer(m, landed) satisfies PlanHelperAnswer);
    } catch (e) {
      port.postMessage({
        ...(m.id === undefined ? {} : { id: m.id }),
        kind: 'error',
        error: (e as Error).message,
      } satisfies PlanHelperAnswer);
    }
  });
}
