import { z } from 'zod';
import type { Network } from '../domain/index.ts';

/** P10, P50 and P90 of a duration, in minutes. */
export interface DurationQuantiles {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/**
 * A duration the journey is made of, the unit the ETA learns: a service leg's moving time, the stop
 * at the end of a leg (a border, a gauge change), clearance at a destination gateway, and the last
 * mile of a zone.
 */
export type DurationKey =
  | { readonly kind: 'move'; readonly serviceId: string; readonly leg: number }
  | { readonly kind: 'dwell'; readonly serviceId: string; readonly leg: number }
  | { readonly kind: 'clearance'; readonly gatewayId: string }
  | { readonly kind: 'last-mile'; readonly zoneId: string };

/** The key as text: `move:<service>:<leg>`, `dwell:<service>:<leg>`, `clearance:<node>`, `last-mile:<zone>`. */
export function durationKey(k: DurationKey): string {
  switch (k.kind) {
    case 'move':
    case 'dwell':
      return `${k.kind}:${k.serviceId}:${k.leg}`;
    case 'clearance':
      return `clearance:${k.gatewayId}`;
    case 'last-mile':
      return `last-mile:${k.zoneId}`;
  }
}

const Quantiles = z
  .object({
    p10: z.number().min(0),
    p50: z.number().min(0),
    p90: z.number().min(0),
    sources: z.array(z.string()).default([]),
  })
  .refine((q) => q.p10 <= q.p50 && q.p50 <= q.p90, { message: 'needs p10 ≤ p50 ≤ p90' });

/**
 * Default spreads of durations (`data/tracking/durations.yaml`): factors applied to the timetable's
 * figures, and stops at named nodes in hours from published ranges. Used until a duration has enough
 * observations, and by the simulation to draw a month of plausible events.
 */
export const DurationDefaultsSchema = z.object({
  version: z.string().min(1),
  sources: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      url: z.string().optional(),
      date: z.string(),
      note: z.string().optional(),
    }),
  ),
  /** Observations a duration needs before its own quantiles replace the default. */
  minSamples: z.number().int().min(1).max(10_000),
  /** Observations older than this are forgotten (a rolling window), days. */
  windowDays: z.number().int().min(1).max(3650),
  factors: z.object({
    move: Quantiles,
    dwell: Quantiles,
    clearance: Quantiles,
    lastMile: Quantiles,
  }),
  /** Stops at these nodes (after the leg that ends there), hours. */
  dwellHours: z.record(z.string(), Quantiles),
});
export type DurationDefaults = z.infer<typeof DurationDefaultsSchema>;

/**
 * An inverse cumulative distribution through knots (probability, minutes), linear between them: from
 * three quantiles (with tails below P10 and above P90) or from observations (their empirical quantiles).
 */
export class QuantileFunction {
  readonly #p: Float64Array;
  readonly #v: Float64Array;

  private constructor(p: Float64Array, v: Float64Array) {
    this.#p = p;
    this.#v = v;
  }

  /** Through P10/P50/P90, with a lower tail to P0 and an upper tail to P100 as wide as the P50→P90 step. */
  static fromQuantiles(q: DurationQuantiles): QuantileFunction {
    const lo = Math.max(0, q.p10 - (q.p50 - q.p10) * 0.5);
    const hi = q.p90 + (q.p90 - q.p50) * 1.5;
    return new QuantileFunction(
      new Float64Array([0, 0.1, 0.5, 0.9, 1]),
      new Float64Array([lo, q.p10, q.p50, q.p90, hi]),
    );
  }

  /** The empirical quantile function of observations (at least one). */
  static fromSamples(samples: readonly number[]): QuantileFunction {
    const s = [...samples].sort((a, b) => a - b);
    const n = s.length;
    if (n === 1) return new QuantileFunction(new Float64Array([0, 1]), new Float64Array([s[0]!, s[0]!]));
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) p[i] = i / (n - 1);
    return new QuantileFunction(p, Float64Array.from(s));
  }

  /** The value at probability u in [0, 1]. */
  at(u: number): number {
    const p = this.#p;
    const v = this.#v;
    if (u <= 0) return v[0]!;
    if (u >= 1) return v[v.length - 1]!;
    let lo = 0;
    let hi = p.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (p[mid]! <= u) lo = mid;
      else hi = mid;
    }
    const span = p[hi]! - p[lo]!;
    return span <= 0 ? v[hi]! : v[lo]! + ((v[hi]! - v[lo]!) * (u - p[lo]!)) / span;
  }

  /** The probability of a value at most `x` (the inverse of {@link at}). */
  cdf(x: number): number {
    const p = this.#p;
    const v = this.#v;
    if (x <= v[0]!) return 0;
    if (x >= v[v.length - 1]!) return 1;
    let lo = 0;
    let hi = v.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (v[mid]! <= x) lo = mid;
      else hi = mid;
    }
    const span = v[hi]! - v[lo]!;
    return span <= 0 ? p[hi]! : p[lo]! + ((p[hi]! - p[lo]!) * (x - v[lo]!)) / span;
  }

  /** P10, P50, P90. */
  quantiles(): DurationQuantiles {
    return { p10: this.at(0.1), p50: this.at(0.5), p90: this.at(0.9) };
  }
}

/** A duration's distribution and where it comes from. */
export interface DurationDistribution {
  readonly fn: QuantileFunction;
  readonly basis: 'observed' | 'default';
  readonly samples: number;
}

/**
 * Durations of a network: each key's observed distribution once it has `minSamples` observations,
 * else the default from the timetable and the defaults file. Build once per ETA run.
 */
export class DurationModel {
  readonly #cache = new Map<string, DurationDistribution>();
  readonly #services: ReadonlyMap<string, Network['services'][number]>;
  readonly #zones: ReadonlyMap<string, Network['lastMile'][number]>;

  constructor(
    network: Network,
    readonly defaults: DurationDefaults,
    readonly observed: ReadonlyMap<string, readonly number[]> = new Map(),
  ) {
    this.#services = new Map(network.services.map((s) => [s.id, s]));
    this.#zones = new Map(network.lastMile.map((z) => [z.id, z]));
  }

  /** The distribution of a duration (minutes). */
  get(key: DurationKey): DurationDistribution {
    const text = durationKey(key);
    let d = this.#cache.get(text);
    if (!d) {
      const seen = this.observed.get(text);
      d =
        seen !== undefined && seen.length >= this.defaults.minSamples
          ? { fn: QuantileFunction.fromSamples(seen), basis: 'observed', samples: seen.length }
          : {
              fn: QuantileFunction.fromQuantiles(this.defaultQuantiles(key)),
              basis: 'default',
              samples: seen?.length ?? 0,
            };
      this.#cache.set(text, d);
    }
    return d;
  }

  /** The default P10/P50/P90 of a duration (minutes): the timetable's figure times the spread, or a node's published stop. */
  defaultQuantiles(key: DurationKey): DurationQuantiles {
    const f = this.defaults.factors;
    const scale = (q: DurationQuantiles, x: number): DurationQuantiles => ({
      p10: q.p10 * x,
      p50: q.p50 * x,
      p90: q.p90 * x,
    });
    switch (key.kind) {
      case 'move': {
        const leg = this.#services.get(key.serviceId)?.legs[key.leg];
        return scale(f.move, leg?.transitMinutes ?? 0);
      }
      case 'dwell': {
        const leg = this.#services.get(key.serviceId)?.legs[key.leg];
        const node = leg ? this.defaults.dwellHours[leg.to] : undefined;
        if (node) return scale(node, 60);
        return scale(f.dwell, leg?.dwellMinutes ?? 0);
      }
      case 'clearance': {
        // The longest clearance of the zones the gateway serves: the gateway's own figure.
        let hours = 0;
        for (const z of this.#zones.values())
          if (z.gateways.includes(key.gatewayId)) hours = Math.max(hours, z.clearanceHours);
        return scale(f.clearance, hours * 60);
      }
      case 'last-mile': {
        const zone = this.#zones.get(key.zoneId);
        return scale(f.lastMile, Math.max(1, zone?.transitDays ?? 3) * 1440);
      }
    }
  }
}
