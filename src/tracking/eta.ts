import { Random } from '../generate/index.ts';
import type { DurationDistribution, DurationKey, DurationModel } from './durations.ts';

const MINUTE_MS = 60_000;

/** One ride of a parcel's planned itinerary, as the ETA needs it. */
export interface EtaRide {
  readonly departureId: string;
  readonly serviceId: string;
  /** When the run leaves its origin: the timetable's time, or the estimated one when it is late (UTC ms). */
  readonly departAtMs: number;
  /** Index of the service leg the parcel boards at, and of the leg it alights after. */
  readonly boardLeg: number;
  readonly alightLeg: number;
  /** Node the ride starts from (for a transfer's handling time). */
  readonly boardNode: string;
  /** A wait on the way (a node closed or slowed): minutes added on reaching the end of `leg`. */
  readonly delayAfterLeg?: { readonly leg: number; readonly minutes: number };
}

/** A parcel's remaining route: its rides, its destination gateway and last-mile zone. */
export interface EtaRoute {
  readonly rides: readonly EtaRide[];
  readonly gatewayId: string;
  readonly zoneId: string | null;
  /** Road time from where the last ride ends to the gateway, minutes (0 when it ends there). */
  readonly toGatewayMinutes: number;
  /** Least handling time at a node between two rides, minutes. */
  readonly transferMinutes: (nodeId: string) => number;
  /**
   * The first run of a service leaving at or after an instant (a missed connection waits for it);
   * undefined: take the planned run whenever it is reached.
   */
  readonly nextRunMs?: (serviceId: string, atOrAfterMs: number) => number | undefined;
}

/**
 * Where a parcel is along its route, from its latest actual event:
 * - `hub`: not yet departed (announced, received, held, loaded);
 * - `moving`: on ride `ride`, leg `leg` under way since `sinceMs`;
 * - `stopped`: on ride `ride`, at the end of leg `leg` since `sinceMs` (a border, a gauge change, a
 *   transfer node when it is the ride's last leg);
 * - `gateway`: at the destination gateway since `sinceMs` (import clearance);
 * - `last-mile`: with the last-mile carrier since `sinceMs`.
 */
export type EtaPosition =
  | { readonly kind: 'hub' }
  | { readonly kind: 'moving'; readonly ride: number; readonly leg: number; readonly sinceMs: number }
  | { readonly kind: 'stopped'; readonly ride: number; readonly leg: number; readonly sinceMs: number }
  | { readonly kind: 'gateway'; readonly sinceMs: number }
  | { readonly kind: 'last-mile'; readonly sinceMs: number };

/** A delivery estimate: the P10–P90 window and the P50 point, and what the durations rest on. */
export interface EtaWindow {
  readonly p10Ms: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  /** `observed`: every duration from events; `default`: none yet; `mixed`: some. */
  readonly basis: 'observed' | 'default' | 'mixed';
}

export interface EtaOptions {
  /** Monte Carlo draws (more: steadier quantiles). Default 400. */
  readonly draws?: number;
  /** Seed of the draws: the same seed gives the same window. */
  readonly seed?: string;
}

interface Step {
  readonly dist: DurationDistribution;
  /** Minutes already spent in this step (conditions the draw: only longer durations remain possible). */
  readonly elapsedMin: number;
  /** Instant the step started, for a step under way (UTC ms). */
  readonly sinceMs?: number;
}

/**
 * The delivery window of a parcel: a Monte Carlo sum of the remaining durations of its route (each
 * service leg's move and stop, waits for planned departures, gateway clearance, last mile), each drawn
 * from its observed distribution or its default. The step under way is drawn conditioned on the time
 * already spent in it, so an overdue parcel never gets an ETA in the past (facts/tracking.md §6.2).
 * Returns undefined when the route has no ride left to reach the gateway from the position.
 */
export function estimateDelivery(
  route: EtaRoute,
  position: EtaPosition,
  model: DurationModel,
  nowMs: number,
  options: EtaOptions = {},
): EtaWindow | undefined {
  const draws = options.draws ?? 400;
  const random = Random.fromSeed(options.seed ?? 'eta', 'eta');
  let observed = 0;
  let defaulted = 0;
  const dist = (key: DurationKey) => {
    const d = model.get(key);
    if (d.basis === 'observed') observed++;
    else defaulted++;
    return d;
  };

  // The route from the position on: timed waits (departures) and stochastic steps, in order.
  type Piece =
    | { readonly wait: EtaRide; readonly first: boolean }
    | { readonly step: Step }
    | { readonly fixedMinutes: number };
  const delayAt = (ride: EtaRide, leg: number) => {
    if (ride.delayAfterLeg?.leg === leg) pieces.push({ fixedMinutes: ride.delayAfterLeg.minutes });
  };
  const pieces: Piece[] = [];
  let startMs = nowMs;
  let rideFrom = 0;
  let legFrom = -1;
  if (position.kind === 'moving' || position.kind === 'stopped') {
    const ride = route.rides[position.ride];
    if (!ride) return undefined;
    const elapsed = Math.max(0, (nowMs - position.sinceMs) / MINUTE_MS);
    const key = position.kind === 'moving' ? 'move' : 'dwell';
    if (position.kind === 'stopped' && position.leg >= ride.alightLeg) {
      // At the end of the ride: the next ride, or the gateway.
      rideFrom = position.ride + 1;
    } else {
      pieces.push({
        step: {
          dist: dist({ kind: key, serviceId: ride.serviceId, leg: position.leg }),
          elapsedMin: elapsed,
          sinceMs: position.sinceMs,
        },
      });
      delayAt(ride, position.leg);
      if (position.kind === 'moving' && position.leg < ride.alightLeg)
        pieces.push({
          step: {
            dist: dist({ kind: 'dwell', serviceId: ride.serviceId, leg: position.leg }),
            elapsedMin: 0,
          },
        });
      legFrom = position.leg + 1;
      rideFrom = position.ride;
    }
    startMs = position.sinceMs;
  }
  if (position.kind === 'hub' || position.kind === 'moving' || position.kind === 'stopped') {
    for (let r = rideFrom; r < route.rides.length; r++) {
      const ride = route.rides[r]!;
      const from = r === rideFrom && legFrom >= 0 ? legFrom : ride.boardLeg;
      if (!(r === rideFrom && legFrom >= 0)) pieces.push({ wait: ride, first: r === 0 });
      for (let leg = from; leg <= ride.alightLeg; leg++) {
        pieces.push({
          step: { dist: dist({ kind: 'move', serviceId: ride.serviceId, leg }), elapsedMin: 0 },
        });
        delayAt(ride, leg);
        if (leg < ride.alightLeg)
          pieces.push({
            step: { dist: dist({ kind: 'dwell', serviceId: ride.serviceId, leg }), elapsedMin: 0 },
          });
      }
    }
  }
  if (position.kind !== 'last-mile') {
    const elapsed = position.kind === 'gateway' ? Math.max(0, (nowMs - position.sinceMs) / MINUTE_MS) : 0;
    if (position.kind === 'gateway') startMs = position.sinceMs;
    pieces.push({
      step: {
        dist: dist({ kind: 'clearance', gatewayId: route.gatewayId }),
        elapsedMin: elapsed,
        ...(position.kind === 'gateway' ? { sinceMs: position.sinceMs } : {}),
      },
    });
  }
  if (route.zoneId !== null) {
    const elapsed = position.kind === 'last-mile' ? Math.max(0, (nowMs - position.sinceMs) / MINUTE_MS) : 0;
    if (position.kind === 'last-mile') startMs = position.sinceMs;
    pieces.push({
      step: {
        dist: dist({ kind: 'last-mile', zoneId: route.zoneId }),
        elapsedMin: elapsed,
        ...(position.kind === 'last-mile' ? { sinceMs: position.sinceMs } : {}),
      },
    });
  }

  const out = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    let t = startMs;
    for (const piece of pieces) {
      if ('fixedMinutes' in piece) {
        t += piece.fixedMinutes * MINUTE_MS;
        continue;
      }
      if ('wait' in piece) {
        const ride = piece.wait;
        const ready = piece.first
          ? Math.max(t, nowMs)
          : t + route.transferMinutes(ride.boardNode) * MINUTE_MS;
        let depart = ride.departAtMs;
        if (ready > depart + 60 * MINUTE_MS && !piece.first) {
          // The connection is missed: the service's next run, when the timetable tells it.
          depart = route.nextRunMs?.(ride.serviceId, ready) ?? ready;
        }
        t = Math.max(ready, depart);
        continue;
      }
      const { dist: dd, elapsedMin } = piece.step;
      const u = random.float();
      let minutes: number;
      if (elapsedMin > 0) {
        const f = dd.fn.cdf(elapsedMin);
        minutes = f >= 1 ? elapsedMin + Math.max(30, dd.fn.at(0.5) * 0.05) : dd.fn.at(f + u * (1 - f));
        t = piece.step.sinceMs! + minutes * MINUTE_MS;
        t = Math.max(t, nowMs);
      } else {
        minutes = dd.fn.at(u);
        t += minutes * MINUTE_MS;
      }
    }
    // Add the road to the gateway before clearance: a fixed run.
    out[d] =
      t +
      (position.kind === 'gateway' || position.kind === 'last-mile' ? 0 : route.toGatewayMinutes * MINUTE_MS);
  }
  out.sort();
  const q = (p: number) => Math.round(out[Math.min(draws - 1, Math.max(0, Math.round(p * (draws - 1))))]!);
  return {
    p10Ms: q(0.1),
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    basis: observed > 0 && defaulted === 0 ? 'observed' : observed === 0 ? 'default' : 'mixed',
  };
}

/** How published windows compared with actual deliveries. */
export interface Calibration {
  /** The window's nominal coverage: P10–P90 is 80 %. */
  readonly nominal: number;
  readonly delivered: number;
  readonly inside: number;
  /** Delivered before P10, and after P90. */
  readonly early: number;
  readonly late: number;
  /** inside / delivered; null with no deliveries. */
  readonly coverage: number | null;
  /**
   * By how much to scale windows around their P50 to reach the nominal coverage (conformal-style: the
   * quantile of |delivery − P50| / half-width that covers 80 %); null with too few deliveries.
   */
  readonly suggestedWidthFactor: number | null;
}

/**
 * The calibration report (facts §6.2 step 6): the share of deliveries that landed inside the window
 * published when the parcel departed, early and late misses, and the width factor that would have
 * covered 80 %.
 */
export function calibrate(
  rows: readonly {
    readonly deliveredMs: number;
    readonly p10Ms: number;
    readonly p50Ms: number;
    readonly p90Ms: number;
  }[],
  minForFactor = 20,
): Calibration {
  let inside = 0;
  let early = 0;
  let late = 0;
  const ratios: number[] = [];
  for (const r of rows) {
    if (r.deliveredMs < r.p10Ms) early++;
    else if (r.deliveredMs > r.p90Ms) late++;
    else inside++;
    const half = r.deliveredMs >= r.p50Ms ? r.p90Ms - r.p50Ms : r.p50Ms - r.p10Ms;
    ratios.push(half > 0 ? Math.abs(r.deliveredMs - r.p50Ms) / half : r.deliveredMs === r.p50Ms ? 0 : 10);
  }
  ratios.sort((a, b) => a - b);
  const n = rows.length;
  return {
    nominal: 0.8,
    delivered: n,
    inside,
    early,
    late,
    coverage: n > 0 ? Math.round((inside / n) * 1e4) / 1e4 : null,
    suggestedWidthFactor:
      n >= minForFactor ? Math.round(ratios[Math.min(n - 1, Math.ceil(0.8 * n) - 1)]! * 100) / 100 : null,
  };
}
