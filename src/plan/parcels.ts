import { DAY_MS } from '../domain/days.ts';
import type { Dimensions, LastMileZone, Network } from '../domain/index.ts';
import { zoneFor } from '../quote/index.ts';

/** What the planner needs of a parcel; a stored `Parcel` or a generated one both fit. */
export interface PlanParcelInput {
  readonly id: string;
  readonly readyAtMs: number;
  readonly grossWeightG: number;
  readonly dimensions: Dimensions;
  readonly dangerousGoods: readonly string[];
  readonly consignee: { readonly country: string; readonly postcode: string };
  readonly promisedDeliveryDate: string;
  readonly incoterm: 'DDP' | 'DAP';
  readonly items: readonly { readonly hsCode: string }[];
}

/** Dangerous-goods classes as bits: what restrictions along a route look at. */
export const DG_BITS: Readonly<Record<string, number>> = {
  UN3481: 1,
  UN3480: 2,
  UN3090: 4,
  UN3091: 4,
  UN3171: 8,
  UN3556: 8,
};
/** Bit for a dangerous good not listed above. */
export const DG_OTHER = 16;

/**
 * The parcels of a plan as columns (one array per attribute, index = parcel), so that a million
 * parcels cost tens of megabytes and loops stay on typed arrays.
 */
export interface PlanParcels {
  readonly count: number;
  readonly ids: readonly string[];
  readonly readyAtMs: Float64Array;
  readonly weightG: Float64Array;
  readonly volumeMm3: Float64Array;
  readonly longestMm: Float64Array;
  readonly shortestMm: Float64Array;
  readonly girthMm: Float64Array;
  /** Index into `network.lastMile`, or -1 when no zone serves the destination. */
  readonly zone: Int32Array;
  /** Promised delivery date as days since 1970-01-01. */
  readonly promiseDay: Int32Array;
  readonly dgBits: Uint8Array;
  /** Bit k set when an item's HS code starts with the network's k-th forbidden HS prefix. */
  readonly hsBits: Uint32Array;
  readonly ddp: Uint8Array;
  /** The distinct forbidden HS prefixes of the network, in bit order. */
  readonly hsPrefixes: readonly string[];
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function epochDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Lays parcels out as columns, resolving each destination to its last-mile zone. */
export function planParcels(network: Network, parcels: Iterable<PlanParcelInput>, sizeHint = 0): PlanParcels {
  const hsPrefixes = [...new Set(network.services.flatMap((s) => s.restrictions.forbiddenHsPrefixes))].sort();
  if (hsPrefixes.length > 32)
    throw new Error('the planner handles at most 32 distinct forbidden HS prefixes');
  const zonesByCountry = new Map<string, LastMileZone[]>();
  network.lastMile.forEach((z) => {
    zonesByCountry.set(z.country, [...(zonesByCountry.get(z.country) ?? []), z]);
  });
  const zoneIndex = new Map(network.lastMile.map((z, i) => [z, i]));
  const postcodeCache = new Map<string, number>();

  let capacity = Math.max(sizeHint, 1024);
  let cols = allocate(capacity);
  const ids: string[] = [];
  let n = 0;
  for (const p of parcels) {
    if (n === capacity) {
      capacity *= 2;
      cols = grow(cols, capacity);
    }
    ids.push(p.id);
    const d = p.dimensions;
    const a = d.lengthMm;
    const b = d.widthMm;
    const c = d.heightMm;
    const longest = Math.max(a, b, c);
    const shortest = Math.min(a, b, c);
    const middle = a + b + c - longest - shortest;
    cols.readyAtMs[n] = p.readyAtMs;
    cols.weightG[n] = p.grossWeightG;
    cols.volumeMm3[n] = a * b * c;
    cols.longestMm[n] = longest;
    cols.shortestMm[n] = shortest;
    cols.girthMm[n] = longest + 2 * (middle + shortest);
    const key = `${p.consignee.country}|${p.consignee.postcode}`;
    let z = postcodeCache.get(key);
    if (z === undefined) {
      const zone = zoneFor(zonesByCountry.get(p.consignee.country) ?? [], p.consignee.postcode);
      z = zone ? zoneIndex.get(zone)! : -1;
      postcodeCache.set(key, z);
    }
    cols.zone[n] = z;
    cols.promiseDay[n] = epochDay(p.promisedDeliveryDate);
    let dg = 0;
    for (const un of p.dangerousGoods) dg |= DG_BITS[un] ?? DG_OTHER;
    cols.dgBits[n] = dg;
    let hs = 0;
    if (hsPrefixes.length > 0) {
      for (const item of p.items) {
        for (let k = 0; k < hsPrefixes.length; k++) if (item.hsCode.startsWith(hsPrefixes[k]!)) hs |= 1 << k;
      }
    }
    cols.hsBits[n] = hs >>> 0;
    cols.ddp[n] = p.incoterm === 'DDP' ? 1 : 0;
    n++;
  }
  const trimmed = grow(cols, n);
  return { count: n, ids, hsPrefixes, ...trimmed };
}

type Columns = Omit<PlanParcels, 'count' | 'ids' | 'hsPrefixes'>;

function allocate(n: number): Columns {
  return {
    readyAtMs: new Float64Array(n),
    weightG: new Float64Array(n),
    volumeMm3: new Float64Array(n),
    longestMm: new Float64Array(n),
    shortestMm: new Float64Array(n),
    girthMm: new Float64Array(n),
    zone: new Int32Array(n),
    promiseDay: new Int32Array(n),
    dgBits: new Uint8Array(n),
    hsBits: new Uint32Array(n),
    ddp: new Uint8Array(n),
  };
}

function grow(c: Columns, n: number): Columns {
  const next = allocate(n);
  for (const key of Object.keys(next) as (keyof Columns)[]) {
    const target = next[key] as Float64Array;
    const source = c[key] as Float64Array;
    target.set(source.length > n ? source.subarray(0, n) : source);
  }
  return next;
}
