import type { LoadBox } from '../load/index.ts';
import { type Assignment, MAX_RIDES } from './assign.ts';
import { parcelCost } from './candidates.ts';
import { Loading, type OpenContainer } from './containers.ts';
import type { PlanContext } from './context.ts';
import type { PlanParcels } from './parcels.ts';
import type { ContainerProof, ContainerToProve } from './prove.ts';

/** How parcels the loader left out of a container were moved. */
export type LoadMoveHow = 'sibling' | 'new-container' | 'itinerary';

/** Parcels moved the same way onto the same departures (keys) and containers (ids; none when loose). */
export interface MoveGroup {
  readonly how: LoadMoveHow;
  readonly departures: readonly number[];
  readonly containers: readonly number[];
  readonly parcels: number;
}

/** Where the parcels the loader could not place in one container went. */
export interface LoadMove {
  /** The container the loader could not load whole (the assignment's container id). */
  readonly from: number;
  readonly unplaced: number;
  readonly why: string;
  /** Groups of parcels moved: how, onto which departures (keys) and into which containers (ids). */
  readonly to: readonly MoveGroup[];
  /** Parcels held for the container's load (`container-load`). */
  readonly held: number;
}

/** A container's latest 3D proof and the parcels (indices, ascending) it was given. */
export interface LoadedProof {
  readonly parcels: readonly number[];
  readonly proof: ContainerProof;
}

export interface LoadMoves {
  /** The plan after the moves: the input assignment is not changed. */
  readonly assignment: Assignment;
  /** Per container that carries parcels (the assignment's ids): its proof of exactly those parcels. */
  readonly proofs: ReadonlyMap<number, LoadedProof>;
  readonly moves: readonly LoadMove[];
  readonly parcelsMoved: number;
  readonly parcelsHeld: number;
  /** Loader runs after the first proofs. */
  readonly reproofs: number;
}

export interface LoadMoveOptions {
  /** The 3D proof of one container with the given parcels (the loader and its checker). */
  readonly prove: (c: ContainerToProve) => ContainerProof;
  /** A parcel's box for the loader. */
  readonly boxOf: (parcel: number) => LoadBox;
  /** Rounds of (bring changed containers' proofs up to date, move what the loader left out). Default 3. */
  readonly rounds?: number;
  /**
   * Loader time (ms, as the proofs report it) for trying moves: once spent, the parcels left out are
   * held without trying (containers that lost parcels their load plan placed are still loaded again).
   * Default: no limit.
   */
  readonly budgetMs?: number;
}

/**
 * Moves the parcels the 3D loader could not place out of their containers, so that every container
 * the plan keeps carries what a load plan the checker accepts holds. For each container not proven
 * (the loader left parcels out; a container the checker refused is left as it is), its parcels left
 * out go, in this order:
 *
 * 1. into another container of the same departure with room by the planner's measure (payload and
 *    filled volume), fullest room first; that container is loaded again with them, and keeps those the
 *    loader placed only when it left none of its own parcels out (a proven container stays proven);
 * 2. each onto the cheapest other itinerary of its route class (the planner's candidates: the same
 *    route pattern's later departures and the other patterns) that delivers no later than the later
 *    of its promised date and the date the plan gave it, costs less than holding it and adds less to
 *    its own charges than its share of a container opened on its departure for all the parcels left
 *    (step 3), and has room by the planner's measure in containers the plan already opens (none is
 *    opened for it) and in loose capacity; the containers it joins are loaded again with the
 *    newcomers (kept as in step 1: a parcel sent back returns to its itinerary and goes on to step 3);
 * 3. into a container opened on the same departure, when a slot is free and its rate is below the
 *    hold penalty of the parcels left; kept with the parcels the loader placed in it when their hold
 *    penalties exceed its rate;
 * 4. held (`container-load`), at the hold penalty, like a parcel held for capacity.
 *
 * A container whose parcels changed is loaded again, except one that only lost parcels its load plan
 * left out (that plan holds the rest). Rounds repeat while a container has parcels left out, at most
 * `rounds` times, and while the loader time `budgetMs` lasts: once it is spent, the containers not
 * yet handled keep their parcels and stay not proven. A container the loader ran out of time on (its
 * first load unfinished) or whose load plan the checker refused is left as it is, not proven.
 * `proofs` are the first proofs, by the assignment's container id.
 */
export function moveUnloadedParcels(
  ctx: PlanContext,
  parcels: PlanParcels,
  assignment: Assignment,
  proofs: ReadonlyMap<number, ContainerProof>,
  options: LoadMoveOptions,
): LoadMoves {
  const m = new Mover(ctx, parcels, assignment, options);
  for (const [id, proof] of proofs) {
    const c = m.a.loading.all[id];
    if (c) m.proofs.set(id, { parcels: sorted(c.parcels), proof });
  }
  const rounds = options.rounds ?? 3;
  for (let round = 0; round < rounds; round++) {
    m.refresh();
    const failing = [...m.proofs.entries()]
      .filter(([id, lp]) => m.hasRoomLeftOut(lp) && m.size(id) > 0)
      .map(([id]) => id)
      .sort((x, y) => x - y);
    if (failing.length === 0 || m.isOverBudget) break;
    for (const id of failing) if (!m.isOverBudget) m.relocate(id);
  }
  m.refresh();
  const heldForLoad = [...m.held].sort((x, y) => x - y);
  return {
    assignment: { ...m.a, heldForLoad },
    proofs: m.proofs,
    moves: m.moves,
    parcelsMoved: m.moved.size,
    parcelsHeld: heldForLoad.length,
    reproofs: m.reproofs,
  };
}

const sorted = (xs: readonly number[]) => [...xs].sort((x, y) => x - y);
const same = (x: readonly number[], y: readonly number[]) =>
  x.length === y.length && x.every((v, i) => v === y[i]);

/** A copy of an assignment whose loading can change without touching the original. */
function copyAssignment(ctx: PlanContext, a: Assignment): Assignment {
  const loading = new Loading(ctx.departures);
  for (const c of a.loading.all) loading.all.push({ ...c, parcels: [...c.parcels] });
  for (const [key, list] of a.loading.containers)
    loading.containers.set(
      key,
      list.map((c) => loading.all[c.id]!),
    );
  for (const [k, v] of a.loading.looseWeightG) loading.looseWeightG.set(k, v);
  for (const [k, v] of a.loading.looseVolumeMm3) loading.looseVolumeMm3.set(k, v);
  return {
    ...a,
    candidate: a.candidate.slice(),
    rideContainer: a.rideContainer.slice(),
    loading,
    heldForLoad: [...(a.heldForLoad ?? [])],
  };
}

class Mover {
  readonly a: Assignment;
  readonly proofs = new Map<number, LoadedProof>();
  readonly moves: LoadMove[] = [];
  readonly moved = new Set<number>();
  readonly held = new Set<number>();
  reproofs = 0;
  spentMs = 0;
  readonly #indexOf = new Map<string, number>();

  constructor(
    private readonly ctx: PlanContext,
    private readonly parcels: PlanParcels,
    assignment: Assignment,
    private readonly options: LoadMoveOptions,
  ) {
    this.a = copyAssignment(ctx, assignment);
    for (const p of assignment.heldForLoad ?? []) this.held.add(p);
  }

  size(id: number): number {
    return this.a.loading.all[id]!.parcels.length;
  }

  /** Loads container `id` with its parcels now (or `with` them) and returns the proof. */
  prove(id: number, with_?: readonly number[]): LoadedProof {
    const c = this.a.loading.all[id]!;
    const list = sorted(with_ ?? c.parcels);
    this.reproofs++;
    const proof = this.options.prove({
      id: String(id),
      type: this.ctx.departures.get(c.departure)!.containers[c.type]!.type,
      boxes: list.map((p) => this.options.boxOf(p)),
    });
    this.spentMs += proof.elapsedMs;
    return { parcels: list, proof };
  }

  /**
   * Whether the loader left parcels out of a container for want of room: it finished its load, and
   * the checker accepts the plan.
   */
  hasRoomLeftOut(lp: LoadedProof): boolean {
    return lp.proof.unplaced.length > 0 && lp.proof.problems.length === 0 && !lp.proof.ranOutOfTime;
  }

  /** Whether the loader time for trying moves is spent. */
  get isOverBudget(): boolean {
    return this.spentMs >= (this.options.budgetMs ?? Number.POSITIVE_INFINITY);
  }

  unplacedOf(lp: LoadedProof): number[] {
    if (this.#indexOf.size === 0)
      for (let i = 0; i < this.parcels.count; i++) this.#indexOf.set(this.parcels.ids[i]!, i);
    return lp.proof.unplaced.map((id) => this.#indexOf.get(id)!);
  }

  /** Brings every container's proof up to date with the parcels it carries now. */
  refresh(): void {
    for (const id of this.proofs.keys()) if (this.size(id) === 0) this.proofs.delete(id);
    for (const list of this.a.loading.containers.values())
      for (const c of list) {
        if (c.parcels.length === 0) continue;
        const now = sorted(c.parcels);
        const lp = this.proofs.get(c.id);
        if (lp && same(lp.parcels, now)) continue;
        if (lp && lp.proof.problems.length === 0) {
          // Only parcels its load plan left out have gone: that plan holds exactly the rest.
          const out = new Set(this.unplacedOf(lp));
          const kept = lp.parcels.filter((p) => !out.has(p));
          if (same(kept, now)) {
            this.proofs.set(c.id, { parcels: now, proof: { ...lp.proof, proven: true, unplaced: [] } });
            continue;
          }
        }
        this.proofs.set(c.id, this.prove(c.id));
      }
  }

  /** The ride of p that is in container `id`, or -1. */
  rideIn(p: number, id: number): number {
    for (let r = 0; r < MAX_RIDES; r++) if (this.a.rideContainer[p * MAX_RIDES + r] === id) return r;
    return -1;
  }

  take(c: OpenContainer, p: number): void {
    this.a.loading.unplace(c, this.parcels.weightG[p]!, this.parcels.volumeMm3[p]!);
    c.parcels = c.parcels.filter((x) => x !== p);
  }

  put(c: OpenContainer, p: number): boolean {
    return this.a.loading.placeIn(c, p, this.parcels.weightG[p]!, this.parcels.volumeMm3[p]!);
  }

  /** Whether container c is proven now (no parcel left out, the plan accepted). */
  isProven(c: OpenContainer): boolean {
    const lp = this.proofs.get(c.id);
    return lp?.proof.proven === true && same(lp.parcels, sorted(c.parcels));
  }

  /** Moves the parcels the loader left out of container `id`. */
  relocate(id: number): void {
    const from = this.a.loading.all[id]!;
    const lp = this.proofs.get(id)!;
    const left = this.unplacedOf(lp).filter((p) => this.rideIn(p, id) >= 0);
    const move: { to: MoveGroup[]; held: number } = { to: [], held: 0 };
    if (left.length === 0) return;
    const why = `${left.length} ${left.length === 1 ? 'parcel' : 'parcels'} could not be placed`;
    let rest = left;
    rest = this.intoSiblings(from, rest, move);
    if (!this.isOverBudget) rest = this.ontoOtherItineraries(from, rest, move);
    if (!this.isOverBudget) rest = this.intoNewContainer(from, rest, move);
    for (const p of rest) this.hold(p);
    move.held = rest.length;
    // The parcels left out are gone: the rest is what its load plan holds.
    this.moves.push({ from: id, unplaced: left.length, why, ...move });
  }

  /** Step 1: other containers of the departure with room, loaded again with the newcomers. */
  intoSiblings(from: OpenContainer, left: number[], move: { to: MoveGroup[] }): number[] {
    const d = this.ctx.departures.get(from.departure)!;
    const room = (c: OpenContainer) => d.containers[c.type]!.volumeMm3 - c.volumeMm3;
    const siblings = (this.a.loading.containers.get(from.departure) ?? [])
      .filter((c) => c !== from && c.parcels.length > 0 && this.isProven(c))
      .sort((x, y) => room(y) - room(x) || x.id - y.id);
    let rest = left;
    for (const to of siblings) {
      if (rest.length === 0 || this.isOverBudget) break;
      const came = this.shift(from, to, rest);
      if (came.length === 0) continue;
      const placed = this.settle(from, to, came);
      if (placed.length > 0)
        move.to.push({
          how: 'sibling',
          departures: [to.departure],
          containers: [to.id],
          parcels: placed.length,
        });
      const gone = new Set(placed);
      rest = rest.filter((p) => !gone.has(p));
    }
    return rest;
  }

  /** Step 2: a container opened on the departure for the parcels left, when it costs less than holding them. */
  intoNewContainer(from: OpenContainer, left: number[], move: { to: MoveGroup[] }): number[] {
    if (left.length === 0) return left;
    const d = this.ctx.departures.get(from.departure)!;
    const hold = this.ctx.settings.holdPenaltyMinor;
    const type = this.a.loading.bestType(from.departure);
    if (type < 0 || d.containers[type]!.costMinor >= left.length * hold) return left;
    const to = this.a.loading.open(from.departure, type);
    if (!to) return left;
    const came = this.shift(from, to, left);
    if (came.length === 0) return left;
    const lp = this.prove(to.id);
    const out = new Set(this.unplacedOf(lp));
    const placed = came.filter((p) => !out.has(p));
    if (lp.proof.problems.length > 0 || placed.length * hold <= d.containers[type]!.costMinor) {
      for (const p of came) this.back(to, from, p);
      return left;
    }
    for (const p of came) if (out.has(p)) this.back(to, from, p);
    this.proofs.set(to.id, {
      parcels: sorted(to.parcels),
      proof: { ...lp.proof, proven: true, unplaced: [] },
    });
    move.to.push({
      how: 'new-container',
      departures: [to.departure],
      containers: [to.id],
      parcels: placed.length,
    });
    const gone = new Set(placed);
    return left.filter((p) => !gone.has(p));
  }

  /** Moves what fits (planner's measure) of `left` from one container to another; the parcels moved. */
  shift(from: OpenContainer, to: OpenContainer, left: readonly number[]): number[] {
    const came: number[] = [];
    for (const p of left) {
      const r = this.rideIn(p, from.id);
      if (r < 0 || !this.put(to, p)) continue;
      this.take(from, p);
      this.a.rideContainer[p * MAX_RIDES + r] = to.id;
      this.moved.add(p);
      came.push(p);
    }
    return came;
  }

  back(to: OpenContainer, from: OpenContainer, p: number): void {
    const r = this.rideIn(p, to.id);
    this.take(to, p);
    this.put(from, p) || this.a.loading.all[from.id]!.parcels.push(p);
    this.a.rideContainer[p * MAX_RIDES + r] = from.id;
    this.moved.delete(p);
  }

  /**
   * Loads container `to` again with the newcomers `came`: keeps those it placed when it left none of
   * its own parcels out (sends the others back where they came from), else sends them all back.
   * Returns the newcomers kept.
   */
  settle(from: OpenContainer, to: OpenContainer, came: readonly number[]): number[] {
    const lp = this.prove(to.id);
    const out = new Set(this.unplacedOf(lp));
    const fresh = new Set(came);
    const ownOut = [...out].some((p) => !fresh.has(p));
    if (lp.proof.problems.length > 0 || ownOut) {
      for (const p of came) this.back(to, from, p);
      return [];
    }
    for (const p of came) if (out.has(p)) this.back(to, from, p);
    this.proofs.set(to.id, {
      parcels: sorted(to.parcels),
      proof: { ...lp.proof, proven: true, unplaced: [] },
    });
    return came.filter((p) => !out.has(p));
  }

  /** Step 3: each parcel onto its cheapest other itinerary with room in containers already open. */
  ontoOtherItineraries(from: OpenContainer, left: number[], move: { to: MoveGroup[] }): number[] {
    const ps = this.parcels;
    const hold = this.ctx.settings.holdPenaltyMinor;
    const penalty = this.ctx.settings.latePenaltyMinorPerDay;
    // A parcel moves only where that costs it less than its share of a container opened for them all.
    const type = this.a.loading.bestType(from.departure);
    const opening =
      type < 0 ? hold : this.ctx.departures.get(from.departure)!.containers[type]!.costMinor / left.length;
    const rest: number[] = [];
    const came = new Map<number, { j0: number; was: number[]; into: number[] }>();
    const list0 = (p: number) => this.a.candidates[this.a.commodity[p]!]![this.a.candidate[p]!]!;
    for (const p of left) {
      const list = this.a.candidates[this.a.commodity[p]!]!;
      const j0 = this.a.candidate[p]!;
      const k0 = list[j0]!;
      const latest = Math.max(ps.promiseDay[p]!, k0.deliveryDay);
      const options: { j: number; cost: number }[] = [];
      const now = parcelCost(k0, ps.weightG[p]!, ps.volumeMm3[p]!, penalty, ps.promiseDay[p]!);
      list.forEach((k, j) => {
        if (j === j0 || k.deliveryDay > latest) return;
        const cost = parcelCost(k, ps.weightG[p]!, ps.volumeMm3[p]!, penalty, ps.promiseDay[p]!);
        if (cost < hold && cost - now < opening) options.push({ j, cost });
      });
      options.sort((x, y) => x.cost - y.cost || x.j - y.j);
      const was = this.ridesOf(p);
      this.unride(p);
      let to: number[] | undefined;
      for (const { j } of options) {
        to = this.ride(p, j, from);
        if (to) break;
      }
      if (!to) {
        this.reride(p, j0, was);
        rest.push(p);
        continue;
      }
      this.moved.add(p);
      came.set(p, { j0, was, into: to });
    }
    // The containers that took parcels are loaded again; those that would leave a parcel of their own
    // out send every newcomer back, those that leave only newcomers out send those back. A parcel sent
    // back returns to its itinerary (and is moved on or held after).
    const receiving = new Map<number, number[]>();
    for (const [p, { into }] of came)
      for (const c of into) receiving.set(c, [...(receiving.get(c) ?? []), p]);
    const before = new Map([...receiving.keys()].map((c) => [c, this.proofs.get(c)]));
    const pending = [...receiving.keys()].sort((x, y) => x - y);
    const back = (p: number) => {
      const m = came.get(p)!;
      came.delete(p);
      this.unride(p);
      this.reride(p, m.j0, m.was);
      this.moved.delete(p);
      rest.push(p);
      for (const c of m.into) if (!pending.includes(c)) pending.push(c);
    };
    for (let guard = 0; pending.length > 0 && guard < 4 * receiving.size + 4; guard++) {
      const c = pending.shift()!;
      const container = this.a.loading.all[c]!;
      const fresh = new Set(receiving.get(c)!.filter((p) => came.has(p)));
      if (fresh.size === 0) {
        const lp = before.get(c);
        if (lp) this.proofs.set(c, lp);
        continue;
      }
      const lp = this.prove(c);
      const out = this.unplacedOf(lp);
      if (lp.proof.problems.length > 0 || out.some((p) => !fresh.has(p))) {
        for (const p of fresh) back(p);
        continue;
      }
      for (const p of out) back(p);
      this.proofs.set(c, {
        parcels: sorted(container.parcels),
        proof: { ...lp.proof, proven: true, unplaced: [] },
      });
    }
    const groups = new Map<string, MoveGroup>();
    for (const [p, { into }] of came) {
      const departures = list0(p).rides.map((r) => r.departure);
      const key = `${departures.join(' ')}|${into.join(' ')}`;
      const g = groups.get(key) ?? { how: 'itinerary' as const, departures, containers: into, parcels: 0 };
      groups.set(key, { ...g, parcels: g.parcels + 1 });
    }
    for (const g of groups.values()) move.to.push(g);
    return rest;
  }

  ridesOf(p: number): number[] {
    return Array.from({ length: MAX_RIDES }, (_, r) => this.a.rideContainer[p * MAX_RIDES + r]!);
  }

  /** Takes p off every ride of its itinerary (containers and loose space). */
  unride(p: number): void {
    const k = this.a.candidates[this.a.commodity[p]!]![this.a.candidate[p]!]!;
    k.rides.forEach((ride, r) => {
      const id = this.a.rideContainer[p * MAX_RIDES + r]!;
      if (ride.containerised && id >= 0) this.take(this.a.loading.all[id]!, p);
      else if (!ride.containerised)
        this.a.loading.removeLoose(ride.departure, this.parcels.weightG[p]!, this.parcels.volumeMm3[p]!);
    });
    this.a.rideContainer.fill(-1, p * MAX_RIDES, p * MAX_RIDES + MAX_RIDES);
    this.a.candidate[p] = -1;
  }

  /** Puts p back on itinerary j into the containers it rode (room is there: it just left them). */
  reride(p: number, j: number, was: readonly number[]): void {
    const k = this.a.candidates[this.a.commodity[p]!]![j]!;
    const w = this.parcels.weightG[p]!;
    const v = this.parcels.volumeMm3[p]!;
    k.rides.forEach((ride, r) => {
      if (ride.containerised) {
        const c = this.a.loading.all[was[r]!]!;
        this.a.loading.placeIn(c, p, w, v) || c.parcels.push(p);
        this.a.rideContainer[p * MAX_RIDES + r] = c.id;
      } else this.a.loading.addLoose(ride.departure, w, v);
    });
    this.a.candidate[p] = j;
  }

  /**
   * Puts p on itinerary j: each containerised ride into a container the plan opens already, proven and
   * with room (not `avoid`), each loose ride into loose capacity; the containers, or undefined (and
   * nothing changed) when a ride has no room.
   */
  ride(p: number, j: number, avoid: OpenContainer): number[] | undefined {
    const k = this.a.candidates[this.a.commodity[p]!]![j]!;
    const w = this.parcels.weightG[p]!;
    const v = this.parcels.volumeMm3[p]!;
    const into: OpenContainer[] = [];
    const loose: number[] = [];
    let ok = true;
    for (const ride of k.rides) {
      if (ride.containerised) {
        const c = (this.a.loading.containers.get(ride.departure) ?? []).find(
          (c) => c !== avoid && c.parcels.length > 0 && !this.hasLeftOut(c) && this.put(c, p),
        );
        if (c) into.push(c);
        else ok = false;
      } else if (this.a.loading.fitsLoose(ride.departure, w, v)) {
        this.a.loading.addLoose(ride.departure, w, v);
        loose.push(ride.departure);
      } else ok = false;
      if (!ok) break;
    }
    if (!ok) {
      for (const c of into) this.take(c, p);
      for (const d of loose) this.a.loading.removeLoose(d, w, v);
      return undefined;
    }
    let at = 0;
    k.rides.forEach((ride, r) => {
      this.a.rideContainer[p * MAX_RIDES + r] = ride.containerised ? into[at++]!.id : -1;
    });
    this.a.candidate[p] = j;
    return into.map((c) => c.id);
  }

  /** Whether the loader left parcels out of container c (it takes no newcomers then). */
  hasLeftOut(c: OpenContainer): boolean {
    const lp = this.proofs.get(c.id);
    return lp !== undefined && (lp.proof.unplaced.length > 0 || lp.proof.problems.length > 0);
  }

  /** Step 4: holds p for its container's load. */
  hold(p: number): void {
    this.unride(p);
    this.held.add(p);
    this.moved.delete(p);
  }
}
