import type { Aggregation } from './aggregate.ts';
import { type PlanCandidate, parcelCost } from './candidates.ts';
import { Loading, type OpenContainer } from './containers.ts';
import type { PlanContext } from './context.ts';
import type { PlanParcels } from './parcels.ts';
import { commodityCosts, type PricingSettings } from './pricing.ts';
import type { Relaxation } from './relaxation.ts';

const MAX_RIDES = 4;
/**
 * Containers fuller than this are not closed or moved whole: their parcels would need as much room
 * elsewhere, and trying costs a pass over thousands of them.
 */
const MOVABLE_FILL = 0.9;

/** Which itinerary and containers each parcel got. */
export interface Assignment {
  /** Commodity of each parcel, or -1 for parcels held before planning. */
  readonly commodity: Int32Array;
  /** Candidate (index into the commodity's candidates) of each parcel, or -1 when held. */
  readonly candidate: Int32Array;
  /** Container id per parcel and ride (parcel × 4 + ride), -1 for loose rides and unused slots. */
  readonly rideContainer: Int32Array;
  readonly loading: Loading;
  /** Parcels held for want of capacity (none of their candidates had room). */
  readonly heldForCapacity: readonly number[];
  /** Parcels held because the 3D loader could not place them and no room was found elsewhere. */
  readonly heldForLoad?: readonly number[];
  /** The candidates `candidate` indexes, per commodity: its route class's. */
  readonly candidates: readonly (readonly PlanCandidate[])[];
}

/** How hard the assignment works on whole containers after loading. */
export interface AssignOptions {
  /** Rounds of container moves (close one, open one) and parcel moves. Default 2. */
  readonly improvementRounds?: number;
}

/**
 * Turns the relaxation's fractional plan into whole parcels in containers.
 *
 * 1. Each parcel takes a candidate from its commodity's mix (where the mix has several assignments,
 *    parcels follow each in proportion to its weight).
 * 2. Parcels are loaded (first fit into the departure's containers, or loose space) in order of how
 *    much they value their candidate's capacity against what the master's prices charge for it, so
 *    that where rounding overfills a departure, those who value it least move.
 * 3. What does not fit tries the commodity's other candidates, existing room before new containers,
 *    cheapest first; parcels that fit nowhere for less than the hold penalty are held.
 * 4. Whole containers: the relaxation paid for containers by the m³, the plan pays for whole ones.
 *    Rounds of moves, each kept only when it lowers the cost: a parcel onto a cheaper itinerary with
 *    room; a container closed, its parcels into room elsewhere; a container opened where the parcels
 *    that would move into it save more than it costs.
 */
export function assignParcels(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  relaxation: Pick<Relaxation, 'table' | 'settled' | 'masterPrices'>,
  settings: PricingSettings,
  options: AssignOptions = {},
): Assignment {
  const n = parcels.count;
  const { table, settled, masterPrices } = relaxation;
  const draft = new DraftPlan(
    ctx,
    parcels,
    table.commodities.map((t) => t.candidates),
    settings.holdPenaltyMinor,
  );

  // 1. Each parcel's candidate in the relaxation's solution. The priority of a settled parcel is how
  //    much it values that candidate's capacity: what it would pay for it (the best alternative at
  //    the master's prices, less its own cost there) over what the prices charge it. The few parcels
  //    the solution still splits take, in order of their saving per share of the capacity they take,
  //    the cheapest of their candidates with room (fractional knapsack order).
  const { choice, split } = settled;
  const wanted = new Int32Array(n).fill(-1);
  const priority = new Float64Array(n);
  const contested: { p: number; options: number[]; density: number }[] = [];
  agg.commodities.forEach((c, ci) => {
    const t = table.commodities[ci]!;
    const K = t.candidates.length;
    const costs = commodityCosts(
      parcels,
      t,
      masterPrices.perKg,
      masterPrices.perM3,
      masterPrices.perParcel[ci],
      settings.latePenaltyMinorPerDay,
    );
    const raw = (p: number, k: number) => (k < 0 ? settings.holdPenaltyMinor : costs.raw(p, k));
    for (const p of c.parcels) {
      draft.commodity[p] = ci;
      const rest = split.get(p);
      if (rest) {
        const options = [choice[p]!, ...rest].sort((x, y) => raw(p, x) - raw(p, y) || x - y);
        const best = options[0]!;
        const saving = options.length > 1 ? raw(p, options[1]!) - raw(p, best) : 0;
        const share = best < 0 ? 0 : draft.share(p, best);
        contested.push({ p, options, density: share > 0 ? saving / share : Number.POSITIVE_INFINITY });
        continue;
      }
      const k0 = choice[p]!;
      wanted[p] = k0;
      if (k0 < 0) continue;
      let alternative = settings.holdPenaltyMinor;
      for (let k = 0; k < K; k++)
        if (k !== k0) alternative = Math.min(alternative, costs.raw(p, k) + costs.capacity(p, k));
      const charged = costs.capacity(p, k0);
      const willing = alternative - costs.raw(p, k0);
      priority[p] = charged > 0 ? willing / charged : Number.POSITIVE_INFINITY;
    }
  });

  // 2. Load the settled parcels, those who value their capacity most first; then the split ones.
  const order: number[] = [];
  for (let p = 0; p < n; p++) if (wanted[p]! >= 0) order.push(p);
  order.sort((a, b) => priority[b]! - priority[a]! || a - b);
  for (const p of order) draft.load(p, wanted[p]!, true);
  contested.sort((a, b) => b.density - a.density || a.p - b.p);
  for (const { p, options } of contested) for (const k of options) if (k < 0 || draft.load(p, k, true)) break;

  // 3. Parcels the relaxation held, or that did not fit, look for room: earliest promises first.
  const overflow: number[] = [];
  for (let p = 0; p < n; p++) if (draft.commodity[p]! >= 0 && draft.candidate[p]! < 0) overflow.push(p);
  overflow.sort((a, b) => parcels.promiseDay[a]! - parcels.promiseDay[b]! || a - b);
  for (const p of overflow) {
    if (!draft.placeCheapest(p, false, settings.holdPenaltyMinor))
      draft.placeCheapest(p, true, settings.holdPenaltyMinor);
  }

  // 4. Whole containers.
  const rounds = options.improvementRounds ?? 2;
  for (let round = 0; round < rounds; round++) {
    // The cheapest type that holds each container's load, so that moves weigh the rate it will have.
    draft.loading.rightSize();
    let changed = draft.moveToCheaper();
    changed += draft.closeContainers();
    changed += draft.openContainers();
    changed += draft.relocateContainers();
    if (changed === 0) break;
  }
  draft.moveToCheaper();
  return draft.finish();
}

/** A plan being built: each parcel's candidate and containers, with moves that keep it consistent. */
class DraftPlan {
  readonly commodity: Int32Array;
  readonly candidate: Int32Array;
  readonly rideContainer: Int32Array;
  readonly loading: Loading;
  private readonly penalty: number;

  constructor(
    private readonly ctx: PlanContext,
    private readonly parcels: PlanParcels,
    readonly lists: readonly (readonly PlanCandidate[])[],
    private readonly hold: number,
  ) {
    const n = parcels.count;
    this.commodity = new Int32Array(n).fill(-1);
    this.candidate = new Int32Array(n).fill(-1);
    this.rideContainer = new Int32Array(n * MAX_RIDES).fill(-1);
    this.loading = new Loading(ctx.departures);
    this.penalty = ctx.settings.latePenaltyMinorPerDay;
  }

  /** Parcel p's own charges and lateness on candidate j of its commodity; the hold penalty for −1. */
  cost(p: number, j: number): number {
    if (j < 0) return this.hold;
    const ps = this.parcels;
    return parcelCost(
      this.lists[this.commodity[p]!]![j]!,
      ps.weightG[p]!,
      ps.volumeMm3[p]!,
      this.penalty,
      ps.promiseDay[p]!,
    );
  }

  /**
   * Puts parcel p on candidate j: into the first container with room on each containerised ride
   * (opening one when `mayOpen`), or loose space. On success the parcel's candidate is j; otherwise
   * nothing changes.
   */
  load(p: number, j: number, mayOpen: boolean, into?: OpenContainer): boolean {
    const k = this.lists[this.commodity[p]!]![j]!;
    const w = this.parcels.weightG[p]!;
    const v = this.parcels.volumeMm3[p]!;
    const placed: OpenContainer[] = [];
    const loose: number[] = [];
    let ok = true;
    for (let r = 0; r < k.rides.length && ok; r++) {
      const ride = k.rides[r]!;
      if (ride.containerised) {
        const c =
          into && into.departure === ride.departure && this.loading.placeIn(into, p, w, v)
            ? into
            : this.loading.place(ride.departure, p, w, v, mayOpen);
        if (c) {
          placed.push(c);
          this.rideContainer[p * MAX_RIDES + r] = c.id;
        } else ok = false;
      } else if (this.loading.fitsLoose(ride.departure, w, v)) {
        this.loading.addLoose(ride.departure, w, v);
        loose.push(ride.departure);
      } else ok = false;
    }
    if (!ok) {
      for (const c of placed) {
        this.loading.unplace(c, w, v);
        c.parcels.pop();
      }
      for (const d of loose) this.loading.removeLoose(d, w, v);
      this.rideContainer.fill(-1, p * MAX_RIDES, p * MAX_RIDES + MAX_RIDES);
      return false;
    }
    this.candidate[p] = j;
    return true;
  }

  /**
   * The share of capacity p takes on candidate j: on each ride, the larger of its weight and volume
   * over the loose capacity, or over the largest container type, summed over the rides.
   */
  share(p: number, j: number): number {
    const k = this.lists[this.commodity[p]!]![j]!;
    const w = this.parcels.weightG[p]!;
    const v = this.parcels.volumeMm3[p]!;
    let total = 0;
    for (const r of k.rides) {
      const d = this.ctx.departures.get(r.departure)!;
      if (r.containerised) {
        let most = 0;
        for (const t of d.containers) most = Math.max(most, Math.min(t.payloadG / w, t.volumeMm3 / v));
        total += most > 0 ? 1 / most : 0;
      } else total += Math.max(w / d.weightCapG, v / d.volumeCapMm3);
    }
    return total;
  }

  /** Takes parcel p off its itinerary (it is held until loaded again). */
  unload(p: number): void {
    const j = this.candidate[p]!;
    if (j < 0) return;
    const k = this.lists[this.commodity[p]!]![j]!;
    const w = this.parcels.weightG[p]!;
    const v = this.parcels.volumeMm3[p]!;
    k.rides.forEach((ride, r) => {
      if (ride.containerised) {
        const id = this.rideContainer[p * MAX_RIDES + r]!;
        if (id >= 0) this.loading.unplace(this.loading.all[id]!, w, v);
      } else this.loading.removeLoose(ride.departure, w, v);
    });
    this.rideContainer.fill(-1, p * MAX_RIDES, p * MAX_RIDES + MAX_RIDES);
    this.candidate[p] = -1;
  }

  /** The containers p rides in, per ride (undefined for loose rides). */
  containersOf(p: number): (OpenContainer | undefined)[] {
    const out: (OpenContainer | undefined)[] = [];
    for (let r = 0; r < MAX_RIDES; r++) {
      const id = this.rideContainer[p * MAX_RIDES + r]!;
      out.push(id >= 0 ? this.loading.all[id] : undefined);
    }
    return out;
  }

  /**
   * Puts p back on candidate j into the containers it rode (`was`, from `containersOf`), or, where one
   * has no room left, wherever it fits (opening a container if need be).
   */
  restore(p: number, j: number, was: readonly (OpenContainer | undefined)[]): void {
    const k = this.lists[this.commodity[p]!]![j]!;
    const w = this.parcels.weightG[p]!;
    const v = this.parcels.volumeMm3[p]!;
    const back: OpenContainer[] = [];
    let exact = true;
    for (let r = 0; r < k.rides.length && exact; r++) {
      if (!k.rides[r]!.containerised) continue;
      const c = was[r];
      if (c && this.loading.placeIn(c, p, w, v)) {
        back.push(c);
        this.rideContainer[p * MAX_RIDES + r] = c.id;
      } else exact = false;
    }
    for (const ride of k.rides)
      if (exact && !ride.containerised && !this.loading.fitsLoose(ride.departure, w, v)) exact = false;
    if (exact) {
      for (const ride of k.rides) if (!ride.containerised) this.loading.addLoose(ride.departure, w, v);
      this.candidate[p] = j;
      return;
    }
    for (const c of back) {
      this.loading.unplace(c, w, v);
      c.parcels.pop();
    }
    this.rideContainer.fill(-1, p * MAX_RIDES, p * MAX_RIDES + MAX_RIDES);
    if (!this.load(p, j, true)) throw new Error('planner: could not restore a parcel');
  }

  /** Candidates of p cheaper than `limit`, cheapest first (ties: lower index). */
  private ranked(p: number, limit: number): { j: number; cost: number }[] {
    const out: { j: number; cost: number }[] = [];
    const list = this.lists[this.commodity[p]!]!;
    for (let j = 0; j < list.length; j++) {
      const cost = this.cost(p, j);
      if (cost < limit) out.push({ j, cost });
    }
    return out.sort((a, b) => a.cost - b.cost || a.j - b.j);
  }

  /** The cost of p's cheapest candidate, room or not. */
  private cheapest(p: number): number {
    const n = this.lists[this.commodity[p]!]!.length;
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) best = Math.min(best, this.cost(p, j));
    return best;
  }

  /** How full a container is: the larger of its weight and filled-volume shares. */
  private fill(c: OpenContainer): number {
    const t = this.ctx.departures.get(c.departure)!.containers[c.type]!;
    return Math.max(c.volumeMm3 / t.volumeMm3, c.weightG / t.payloadG);
  }

  /** The cost of p's cheapest way not through `departure` (holding it, at worst). */
  private cheapestAvoiding(p: number, departure: number): number {
    const list = this.lists[this.commodity[p]!]!;
    let best = this.hold;
    for (let j = 0; j < list.length; j++) {
      if (list[j]!.rides.some((r) => r.departure === departure)) continue;
      best = Math.min(best, this.cost(p, j));
    }
    return best;
  }

  /** Loads p on its cheapest candidate (below `limit`) with room; returns the cost, or undefined. */
  placeCheapest(p: number, mayOpen: boolean, limit: number): number | undefined {
    for (const { j, cost } of this.ranked(p, limit)) if (this.load(p, j, mayOpen)) return cost;
    return undefined;
  }

  /** Each parcel onto a cheaper candidate where open containers or loose space have room. Returns moves. */
  moveToCheaper(): number {
    let moves = 0;
    for (let p = 0; p < this.parcels.count; p++) {
      const j0 = this.candidate[p]!;
      if (j0 < 0) continue;
      const current = this.cost(p, j0);
      if (this.cheapest(p) >= current - 0.5) continue;
      const better = this.ranked(p, current - 0.5);
      const was = this.containersOf(p);
      this.unload(p);
      let moved = false;
      for (const { j } of better)
        if (this.load(p, j, false)) {
          moved = true;
          break;
        }
      if (moved) moves++;
      else this.restore(p, j0, was);
    }
    return moves;
  }

  private isIn(p: number, id: number): boolean {
    for (let r = 0; r < MAX_RIDES; r++) if (this.rideContainer[p * MAX_RIDES + r] === id) return true;
    return false;
  }

  private membersOf(c: OpenContainer): number[] {
    return [...new Set(c.parcels)].filter((p) => this.candidate[p]! >= 0 && this.isIn(p, c.id));
  }

  /**
   * Moves a container's parcels, all of them, into one new container on another departure where
   * that costs less (its rate and the parcels' charges and lateness there, against the rate of the
   * container left behind): two half-empty trains' worth of choices that no single move sees.
   * Returns containers moved.
   */
  relocateContainers(): number {
    const ctx = this.ctx;
    let relocated = 0;
    const open = this.loading.all.filter((c) => c.size > 0 && this.fill(c) < MOVABLE_FILL);
    for (const c of open) {
      if (c.size === 0) continue;
      const rateA = ctx.departures.get(c.departure)!.containers[c.type]!.costMinor;
      const members = this.membersOf(c);
      if (members.length === 0) continue;
      // Per other containerised departure: each member's cheapest candidate through it.
      const through = new Map<
        number,
        { total: number; picks: Int32Array; costs: Float64Array; count: number }
      >();
      let current = 0;
      let weight = 0;
      let volume = 0;
      for (let i = 0; i < members.length; i++) {
        const p = members[i]!;
        current += this.cost(p, this.candidate[p]!);
        weight += this.parcels.weightG[p]!;
        volume += this.parcels.volumeMm3[p]!;
        const list = this.lists[this.commodity[p]!]!;
        for (let j = 0; j < list.length; j++) {
          let cost = -1;
          for (const r of list[j]!.rides) {
            if (!r.containerised || r.departure === c.departure) continue;
            if (cost < 0) cost = this.cost(p, j);
            let e = through.get(r.departure);
            if (!e) {
              e = {
                total: 0,
                picks: new Int32Array(members.length).fill(-1),
                costs: new Float64Array(members.length),
                count: 0,
              };
              through.set(r.departure, e);
            }
            if (e.picks[i] === -1) {
              e.picks[i] = j;
              e.costs[i] = cost;
              e.total += cost;
              e.count++;
            } else if (cost < e.costs[i]!) {
              e.total += cost - e.costs[i]!;
              e.picks[i] = j;
              e.costs[i] = cost;
            }
          }
        }
      }
      let choice: { d: number; type: number; net: number; picks: Int32Array } | undefined;
      for (const [d, e] of [...through].sort((x, y) => x[0] - y[0])) {
        if (e.count < members.length) continue;
        const dep = ctx.departures.get(d)!;
        dep.containers.forEach((t, ti) => {
          if (t.payloadG < weight || t.volumeMm3 < volume || this.loading.freeSlots(d, ti) <= 0) return;
          const net = t.costMinor + e.total - current - rateA;
          if (net < -0.5 && (!choice || net < choice.net)) choice = { d, type: ti, net, picks: e.picks };
        });
      }
      if (!choice) continue;
      const move = choice as { d: number; type: number; net: number; picks: Int32Array };
      const target = this.loading.open(move.d, move.type);
      if (!target) continue;
      const before = members.map((p) => ({ p, j: this.candidate[p]!, was: this.containersOf(p) }));
      for (const p of members) this.unload(p);
      let ok = true;
      const moved: number[] = [];
      for (let i = 0; i < members.length && ok; i++) {
        if (this.load(members[i]!, move.picks[i]!, false, target)) moved.push(members[i]!);
        else ok = false;
      }
      if (ok) {
        relocated++;
        continue;
      }
      for (const p of moved) this.unload(p);
      for (const { p, j, was } of before) this.restore(p, j, was);
    }
    return relocated;
  }

  /**
   * Closes containers whose parcels all fit into room elsewhere (other open containers, loose space)
   * for less extra cost than the containers that empties; emptiest first. The parcels of a container
   * leave every ride of their itineraries, so a feeder container (a barge to the sea port) whose
   * parcels all sail on, and the sea containers they alone fill, empty with it: the move is worth
   * the rates of all the containers it empties, not only the one it starts from. Returns containers
   * closed.
   */
  closeContainers(): number {
    const open = this.loading.all
      .filter((c) => c.size > 0)
      .map((c) => ({ c, fill: this.fill(c) }))
      .filter((x) => x.fill < MOVABLE_FILL)
      .sort((a, b) => a.fill - b.fill || a.c.id - b.c.id);
    let closed = 0;
    for (const { c } of open) {
      if (c.size === 0 || (c.volumeMm3 <= 0 && c.weightG <= 0)) continue;
      const members = this.membersOf(c).sort(
        (a, b) => this.parcels.volumeMm3[b]! - this.parcels.volumeMm3[a]! || a - b,
      );
      if (members.length === 0) continue;
      // The containers that empty when the members leave: those holding members only.
      const riders = new Map<OpenContainer, number>();
      for (const p of members)
        for (const o of this.containersOf(p)) if (o) riders.set(o, (riders.get(o) ?? 0) + 1);
      let saving = 0;
      for (const [o, count] of riders) if (count >= o.size) saving += this.rateOf(o);
      // Not worth trying when the container is its departure's only one and even the members'
      // cheapest ways off the departure, room or not, cost more than the rates it could save.
      if (this.loading.of(c.departure).every((o) => o === c || o.size === 0)) {
        let floor = 0;
        for (const p of members) {
          floor += this.cheapestAvoiding(p, c.departure) - this.cost(p, this.candidate[p]!);
          if (floor >= saving) break;
        }
        if (floor >= saving) continue;
      }
      const before = members.map((p) => ({
        p,
        j: this.candidate[p]!,
        cost: this.cost(p, this.candidate[p]!),
        was: this.containersOf(p),
      }));
      // Emptied, the containers take no parcels while their own look for room elsewhere.
      for (const p of members) this.unload(p);
      let extra = 0;
      const moved: number[] = [];
      let ok = true;
      for (const { p, cost } of before) {
        // Room elsewhere for less than holding the parcel, or else held (at the hold penalty).
        const limit = cost + saving - extra;
        let now = this.placeCheapest(p, false, Math.min(limit, this.hold));
        if (now === undefined && this.hold < limit) now = this.hold;
        if (now === undefined) {
          ok = false;
          break;
        }
        moved.push(p);
        extra += now - cost;
        if (extra >= saving) {
          ok = false;
          break;
        }
      }
      if (ok) {
        // What the move saved: the containers it left empty (a member may have taken room back in one).
        let saved = 0;
        for (const o of riders.keys()) if (o.size === 0) saved += this.rateOf(o);
        if (extra < saved - 0.5) {
          for (const o of riders.keys()) if (o.size === 0) closed++;
          continue;
        }
      }
      for (const p of moved) this.unload(p);
      for (const { p, j, was } of before) this.restore(p, j, was);
    }
    return closed;
  }

  /** A container's rate as the plan pays it. */
  private rateOf(c: OpenContainer): number {
    return this.ctx.departures.get(c.departure)!.containers[c.type]!.costMinor;
  }

  /**
   * Opens a container on a departure with a free slot where the parcels that would move into it
   * (from wherever they are, or held) save more than its rate: per departure and container type, the
   * movers with the most saving per share of the container first. Returns containers opened.
   */
  openContainers(): number {
    const ctx = this.ctx;
    // Per containerised departure: (commodity, candidate) pairs that ride it.
    const riders = new Map<number, { ci: number; j: number }[]>();
    this.lists.forEach((list, ci) => {
      list.forEach((k, j) => {
        for (const r of k.rides) {
          if (!r.containerised) continue;
          let e = riders.get(r.departure);
          if (!e) {
            e = [];
            riders.set(r.departure, e);
          }
          e.push({ ci, j });
        }
      });
    });
    const members: number[][] = this.lists.map(() => []);
    for (let p = 0; p < this.parcels.count; p++)
      if (this.commodity[p]! >= 0) members[this.commodity[p]!]!.push(p);
    let opened = 0;
    const keys = [...riders.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      const d = ctx.departures.get(key)!;
      // Where an open container still has room, parcels that gain by riding this departure take that
      // room (`moveToCheaper`) before a new container could pay.
      const roomy = this.loading.of(key).some((c) => {
        if (c.size === 0) return false;
        const t = d.containers[c.type]!;
        return c.volumeMm3 < t.volumeMm3 * 0.9 && c.weightG < t.payloadG * 0.9;
      });
      if (roomy) continue;
      const movers: { p: number; j: number; gain: number }[] = [];
      const seen = new Map<number, number>();
      for (const { ci, j } of riders.get(key)!) {
        for (const p of members[ci]!) {
          if (this.candidate[p] === j) continue;
          const gain = this.cost(p, this.candidate[p]!) - this.cost(p, j);
          if (gain <= 0) continue;
          const at = seen.get(p);
          if (at === undefined) {
            seen.set(p, movers.length);
            movers.push({ p, j, gain });
          } else if (gain > movers[at]!.gain) movers[at] = { p, j, gain };
        }
      }
      if (movers.length === 0) continue;
      let best: { type: number; net: number; chosen: typeof movers } | undefined;
      d.containers.forEach((t, ti) => {
        if (this.loading.freeSlots(key, ti) <= 0) return;
        const share = (m: { p: number }) =>
          Math.max(this.parcels.volumeMm3[m.p]! / t.volumeMm3, this.parcels.weightG[m.p]! / t.payloadG);
        const sorted = [...movers].sort((a, b) => b.gain / share(b) - a.gain / share(a) || a.p - b.p);
        let w = 0;
        let v = 0;
        let gain = 0;
        const chosen: typeof movers = [];
        for (const m of sorted) {
          const mw = this.parcels.weightG[m.p]!;
          const mv = this.parcels.volumeMm3[m.p]!;
          if (w + mw > t.payloadG || v + mv > t.volumeMm3) continue;
          w += mw;
          v += mv;
          gain += m.gain;
          chosen.push(m);
        }
        const net = gain - t.costMinor;
        if (net > 0 && (!best || net > best.net)) best = { type: ti, net, chosen };
      });
      if (!best) continue;
      // Open it and move the chosen parcels in; keep it only if the plan is cheaper for it.
      const pick = best as { type: number; net: number; chosen: typeof movers };
      const container = this.loading.open(key, pick.type);
      if (!container) continue;
      const rate = d.containers[pick.type]!.costMinor;
      const before: { p: number; j: number; was: (OpenContainer | undefined)[] }[] = [];
      let saved = 0;
      for (const m of pick.chosen) {
        const j0 = this.candidate[m.p]!;
        const cost = this.cost(m.p, j0);
        const was = this.containersOf(m.p);
        this.unload(m.p);
        if (this.load(m.p, m.j, false, container)) {
          before.push({ p: m.p, j: j0, was });
          saved += cost - this.cost(m.p, m.j);
        } else if (j0 >= 0) this.restore(m.p, j0, was);
      }
      if (saved > rate) {
        opened++;
        continue;
      }
      for (const { p } of before) this.unload(p);
      for (const { p, j, was } of before) if (j >= 0) this.restore(p, j, was);
    }
    return opened;
  }

  /** Closes empty containers, gives the rest the cheapest type that holds them, and hands the assignment over. */
  finish(): Assignment {
    const heldForCapacity: number[] = [];
    for (let p = 0; p < this.parcels.count; p++)
      if (this.commodity[p]! >= 0 && this.candidate[p]! < 0) heldForCapacity.push(p);
    this.loading.compact((c, p) => this.candidate[p]! >= 0 && this.isIn(p, c.id));
    this.loading.rightSize();
    return {
      commodity: this.commodity,
      candidate: this.candidate,
      rideContainer: this.rideContainer,
      loading: this.loading,
      heldForCapacity,
      candidates: this.lists,
    };
  }
}

export { MAX_RIDES };

/** A stable name of an itinerary: its departures, where the parcel alights, and the gateway. */
export function candidateKey(ctx: PlanContext, k: PlanCandidate): string {
  const rides = k.rides.map(
    (r) => `${ctx.departures.get(r.departure)!.id}>${ctx.network.services[r.service]!.legs[r.alight]!.to}`,
  );
  return `${rides.join('|')}@${k.gateway}`;
}
