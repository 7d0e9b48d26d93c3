import { DAY_MS } from '../domain/days.ts';
import { lowerBound } from '../quote/index.ts';
import {
  candidateOn,
  classReadyMs,
  type PlanCandidate,
  patternAdmits,
  patternCharges,
  type RouteClass,
} from './candidates.ts';
import { departureKey, type PlanContext, planDeparture } from './context.ts';
import type { CapacityPrices, PricingTable } from './pricing.ts';

const MINUTE_MS = 60_000;
/** Shrinks lifted prices a hair below a container's rate, so that rounding never opens a slot. */
const LIFT_MARGIN = 1 - 1e-9;

/**
 * A dated chain of runs along one route pattern, as the search keeps it: its arrival at the pattern's
 * end, the capacity prices it collects per kg (`a`) and per filled m³ (`b`) of a parcel, and the
 * linking prices per parcel (`c`), with the runs it takes (one per ride step).
 */
interface Label {
  readonly arr: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** The run of this chain's first ride. */
  readonly run: number;
  /** The chain from the next ride on (undefined on the last ride). */
  readonly rest: Label | undefined;
}

/** The runs a chain takes, one per ride step. */
function runsOf(label: Label): number[] {
  const out: number[] = [];
  for (let l: Label | undefined = label; l; l = l.rest) out.push(l.run);
  return out;
}

const EPS = 1e-9;

function dominates(x: Label, y: Label): boolean {
  return (
    x.arr <= y.arr &&
    x.a <= y.a + EPS * (1 + Math.abs(y.a)) &&
    x.b <= y.b + EPS * (1 + Math.abs(y.b)) &&
    x.c <= y.c + EPS * (1 + Math.abs(y.c))
  );
}

/** `front` (a Pareto set) with `label` added, unless something in it already dominates the label. */
function withLabel(front: readonly Label[], label: Label): readonly Label[] {
  for (const f of front) if (dominates(f, label)) return front;
  const out: Label[] = [label];
  for (const f of front) if (!dominates(label, f)) out.push(f);
  return out;
}

/**
 * Capacity prices on every run of the timetable: the relaxation's own where the run is in its table,
 * and elsewhere a lifted price that no container of the run beats — on the facet where its cheapest
 * container costs exactly what the prices pay for its payload and filled volume, in the direction
 * (per kg against per m³) of the same service's priced runs, by volume when it has none. Any prices ≥ 0
 * give a valid Lagrangian bound; these make a run nobody rides yet cost what a container share costs,
 * and they are a valid extension of the master's duals (no container column prices out at them).
 */
export class TimetablePrices {
  private readonly direction = new Map<number, readonly [number, number]>();
  private readonly lifted = new Map<number, readonly [number, number]>();

  constructor(
    private readonly ctx: PlanContext,
    private readonly table: PricingTable,
    readonly prices: CapacityPrices,
  ) {
    const sums = new Map<number, [number, number]>();
    const n = Math.min(prices.perKg.length, table.departures.length);
    for (let i = 0; i < n; i++) {
      const kg = prices.perKg[i]!;
      const m3 = prices.perM3[i]!;
      if (kg <= 0 && m3 <= 0) continue;
      const s = table.departures[i]!.service;
      const sum = sums.get(s) ?? [0, 0];
      sum[0] += kg;
      sum[1] += m3;
      sums.set(s, sum);
    }
    for (const [s, v] of sums) this.direction.set(s, v);
  }

  /** Prices per kg and per filled m³ of run `run` of service `service`. */
  at(service: number, run: number): readonly [number, number] {
    const i = this.table.indexOf.get(departureKey(service, run));
    if (i !== undefined && i < this.prices.perKg.length)
      return [this.prices.perKg[i]!, this.prices.perM3[i]!];
    return this.liftedFor(service, run);
  }

  /** The lifted price of a run of `service` (the same for every run of it outside the table). */
  liftedFor(service: number, run: number): readonly [number, number] {
    let v = this.lifted.get(service);
    if (v) return v;
    const d = planDeparture(this.ctx, service, run);
    if (d.containers.length === 0) v = [0, 0];
    else {
      const [dk, dv] = this.direction.get(service) ?? [0, 1];
      let scale = Number.POSITIVE_INFINITY;
      for (const t of d.containers) {
        const use = (dk * t.payloadG) / 1000 + (dv * t.volumeMm3) / 1e9;
        if (use > 0) scale = Math.min(scale, Math.round(t.costMinor) / use);
      }
      v = Number.isFinite(scale) ? [dk * scale * LIFT_MARGIN, dv * scale * LIFT_MARGIN] : [0, 0];
    }
    this.lifted.set(service, v);
    return v;
  }

  /** The prices over the table as it is now (grown since): lifted prices on its new departures. */
  extended(): CapacityPrices {
    const m = this.table.departures.length;
    const have = this.prices.perKg.length;
    if (have >= m) return this.prices;
    const perKg = new Float64Array(m);
    const perM3 = new Float64Array(m);
    perKg.set(this.prices.perKg);
    perM3.set(this.prices.perM3);
    for (let i = have; i < m; i++) {
      const d = this.table.departures[i]!;
      const [kg, m3] = this.liftedFor(d.service, d.run);
      perKg[i] = kg;
      perM3[i] = m3;
    }
    return { ...this.prices, perKg, perM3 };
  }
}

/**
 * The pricing problem over the whole timetable: for a route class at capacity prices, the dated
 * itineraries (any runs along any admitted route pattern that connect, meet cut-offs and have room)
 * that no candidate it has already beats for any parcel. A parcel's cost on an itinerary is its
 * pattern's own charges, its lateness by the delivery day, and the prices of the runs it takes times
 * its kg and m³; so per pattern a backward search over the runs keeps, from each run on, the Pareto
 * front of (arrival, Σ price per kg, Σ price per m³, Σ linking price) — a shortest path for every
 * parcel at once — and the front from the class's ready time holds each parcel's cheapest itinerary.
 * Itineraries arriving after the day from which lateness alone costs more than holding are left out:
 * no parcel is better off on them than held.
 */
export class TimetableSearch {
  /** Per pattern: its suffix fronts by first-ride run, and the time before the first ride. */
  private readonly fronts = new Map<number, { lead: number; byRun: (readonly Label[])[] }>();
  /** Searches run (one per pattern and price vector, more for commodities with linking prices). */
  searches = 0;

  constructor(
    private readonly ctx: PlanContext,
    readonly prices: TimetablePrices,
    /** No chain arriving after this instant can beat holding its parcels. */
    private readonly capMs: number,
  ) {}

  /**
   * New itineraries for route class `rc` at these prices: not dominated by `existing` (the class's
   * candidates), nor by each other. `link` gives a commodity's linking price per departure key.
   */
  newItineraries(
    rc: RouteClass,
    existing: readonly PlanCandidate[],
    capDay: number,
    links?: { readonly price: (key: number) => number; readonly services: ReadonlySet<number> },
  ): PlanCandidate[] {
    const ctx = this.ctx;
    const readyMs = classReadyMs(ctx, rc);
    if (!Number.isFinite(readyMs)) return [];
    const out: PlanCandidate[] = [];
    for (let pi = 0; pi < ctx.patterns.length; pi++) {
      const p = ctx.patterns[pi]!;
      if (p.rides === 0 || !patternAdmits(ctx, pi, rc)) continue;
      const charges = patternCharges(ctx, pi, rc.zone);
      if (!charges) continue;
      // Linking prices only on the commodity's own linked runs: elsewhere the shared search serves.
      const link =
        links && p.steps.some((s) => s.kind === 'ride' && links.services.has(s.service))
          ? links.price
          : undefined;
      const front = this.frontFrom(pi, readyMs, link);
      if (front.length === 0) continue;
      // What the class's candidates on this pattern already offer, at these prices.
      const have: { day: number; a: number; b: number; c: number }[] = [];
      for (const k of existing) {
        if (k.pattern !== pi) continue;
        let a = 0;
        let b = 0;
        let c = 0;
        for (const r of k.rides) {
          const [kg, m3] = this.prices.at(r.service, r.run);
          a += kg;
          b += m3;
          if (link && r.containerised) c += link(r.departure);
        }
        have.push({ day: k.deliveryDay, a, b, c });
      }
      // Delivery days of the front's chains for this zone (the candidate itself is made only for
      // the few that survive: this runs for every commodity, every round).
      const zone = ctx.network.lastMile[rc.zone]!;
      const addMs =
        zone.clearanceHours * 3_600_000 + (zone.transitDays + (zone.gatewayDays[p.end] ?? 0)) * DAY_MS;
      const endZone = ctx.index.nodeZone.get(p.end)!;
      const days = front.map((l) => ctx.dayAt(l.arr + addMs, endZone));
      front.forEach((l, i) => {
        const day = days[i]!;
        if (day >= capDay) return;
        const beaten = (o: { day: number; a: number; b: number; c: number }) =>
          o.day <= day &&
          o.a <= l.a + EPS * (1 + l.a) &&
          o.b <= l.b + EPS * (1 + l.b) &&
          o.c <= l.c + EPS * (1 + l.c);
        if (have.some(beaten)) return;
        // Another chain of the front delivering the same day or earlier, no dearer: keep the first.
        for (let j = 0; j < front.length; j++) {
          if (j === i) continue;
          const o = front[j]!;
          const oDay = days[j]!;
          if (!beaten({ day: oDay, a: o.a, b: o.b, c: o.c })) continue;
          const strictly = oDay < day || o.a < l.a || o.b < l.b || o.c < l.c;
          if (strictly || j < i) return;
        }
        out.push(candidateOn(ctx, rc, pi, charges, runsOf(l), l.arr));
      });
    }
    return out;
  }

  /** The Pareto front of chains along pattern `pi` for cargo at its origin at `readyMs`. */
  private frontFrom(pi: number, readyMs: number, link?: (key: number) => number): readonly Label[] {
    let f = link ? undefined : this.fronts.get(pi);
    if (!f) {
      f = this.search(pi, link);
      if (!link) this.fronts.set(pi, f);
    }
    const p = this.ctx.patterns[pi]!;
    const first = p.steps.find((s) => s.kind === 'ride')!;
    if (first.kind !== 'ride') return [];
    const tt = this.ctx.index.timetables[first.service]!;
    const i = lowerBound(tt.cutoffs, readyMs + f.lead);
    return f.byRun[i] ?? [];
  }

  /**
   * Backward over the pattern's rides: from each run of a ride, the front of completions through the
   * later rides, merged with the next run's (waiting for it), so that `byRun[i]` of the first ride is
   * the front over every chain whose first run is i or later.
   */
  private search(pi: number, link?: (key: number) => number): { lead: number; byRun: (readonly Label[])[] } {
    this.searches++;
    const ctx = this.ctx;
    const net = ctx.network;
    const steps = ctx.patterns[pi]!.steps;
    // Rides with the time between each and the next (minimum transfer at the stop, road transfers).
    const rides: { service: number; alight: number; after: number }[] = [];
    let lead = 0;
    for (let si = 0; si < steps.length; si++) {
      const step = steps[si]!;
      if (step.kind === 'transfer') {
        const ms = net.transfers[step.transfer]!.minutes * MINUTE_MS;
        if (rides.length === 0) lead += ms;
        else rides[rides.length - 1]!.after += ms;
        continue;
      }
      const more = si + 1 < steps.length;
      rides.push({
        service: step.service,
        alight: step.alight,
        after: more ? (ctx.index.minTransferMs.get(step.to) ?? 0) : 0,
      });
    }
    let next: (readonly Label[])[] = [];
    let nextService = -1;
    for (let r = rides.length - 1; r >= 0; r--) {
      const { service, alight, after } = rides[r]!;
      const tt = ctx.index.timetables[service]!;
      const n = tt.cutoffs.length;
      const byRun: (readonly Label[])[] = new Array(n + 1);
      byRun[n] = [];
      const boxed = planDepartureBoxed(ctx, service);
      for (let i = n - 1; i >= 0; i--) {
        let front = byRun[i + 1]!;
        const arrive = tt.arrivals[alight]![i]!;
        if (tt.full[i] !== 1 && arrive <= this.capMs) {
          const [pk, pm] = this.prices.at(service, i);
          const pc = link && boxed ? link(departureKey(service, i)) : 0;
          if (r === rides.length - 1) {
            front = withLabel(front, { arr: arrive + after, a: pk, b: pm, c: pc, run: i, rest: undefined });
          } else {
            const tn = ctx.index.timetables[nextService]!;
            const rest = next[lowerBound(tn.cutoffs, arrive + after)] ?? [];
            for (const l of rest)
              front = withLabel(front, {
                arr: l.arr,
                a: l.a + pk,
                b: l.b + pm,
                c: l.c + pc,
                run: i,
                rest: l,
              });
          }
        }
        byRun[i] = front;
      }
      next = byRun;
      nextService = service;
    }
    return { lead, byRun: next };
  }
}

function planDepartureBoxed(ctx: PlanContext, service: number): boolean {
  const s = ctx.network.services[service]!;
  return s.capacity.containers.some(
    (c) => s.tariff.perContainerMinor?.[c.type] !== undefined && ctx.equipment.has(c.type),
  );
}

/** The instant after which no chain can beat holding: lateness alone then costs the hold penalty. */
export function searchCapMs(maxPromiseDay: number, latePenaltyPerDay: number, holdPenalty: number): number {
  if (latePenaltyPerDay <= 0) return Number.POSITIVE_INFINITY;
  return (maxPromiseDay + Math.ceil(holdPenalty / latePenaltyPerDay) + 2) * DAY_MS;
}

/** The delivery day from which lateness alone costs a commodity's parcels at least the hold penalty. */
export function capDayOf(maxPromiseDay: number, latePenaltyPerDay: number, holdPenalty: number): number {
  if (latePenaltyPerDay <= 0) return Number.POSITIVE_INFINITY;
  return maxPromiseDay + Math.ceil(holdPenalty / latePenaltyPerDay);
}
