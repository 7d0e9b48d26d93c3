import type { Aggregation } from './aggregate.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import { DepartureDemand, zeroTermScale } from './demand.ts';
import { linkAscent } from './link-ascent.ts';
import { Master } from './master.ts';
import type { PlanParcels } from './parcels.ts';
import {
  addCandidates,
  type CapacityPrices,
  type CommodityChoice,
  type CommodityLink,
  capacityTerm,
  type DeparturePrices,
  departurePrices,
  keepChoice,
  type PricingSettings,
  type PricingTable,
  priceCommodity,
  priceInto,
  pricingScratch,
  pricingTable,
  zeroPrices,
} from './pricing.ts';
import { type SettledParcels, settleParcels } from './settle.ts';
import type { MipResult, MipSolver } from './solver.ts';
import { capDayOf, searchCapMs, TimetablePrices, TimetableSearch } from './timetable-pricing.ts';

export interface RelaxationOptions {
  /** Most rounds (each: solve the master LP, price every parcel, add what would lower it). Default 60. */
  readonly maxRounds?: number;
  /** Stop once the master LP is within this fraction of the bound. Default 0.0002 (0.02 %). */
  readonly tolerance?: number;
  /**
   * Linking rows (a commodity's parcels on a departure ≤ what the containers opened there can hold of
   * them), added where the master breaks them: they make the bound pay for whole containers where a
   * departure carries few. Default true.
   */
  readonly linking?: boolean;
  /** Prices to start from (say, a sample's): each parcel's cheapest candidate at them joins the first master. */
  readonly startPrices?: DeparturePrices;
  /** Scale on every departure's capacity (a sample of the parcels). Default 1. */
  readonly capacityScale?: number;
  /** Called after each round with the master's cost and the best bound so far. */
  readonly onRound?: (round: number, masterMinor: number, boundMinor: number) => void;
  /** A clock for the round timings (the core reads none of its own). */
  readonly nowMs?: () => number;
  /**
   * Price new dated itineraries over the whole timetable each round (see `TimetableSearch`), so that
   * the bound holds over every itinerary the timetable allows. Default true.
   */
  readonly timetable?: boolean;
  /**
   * When the timetable is searched: 'each-round' prices every round's parcels over it (the rounds find
   * their itineraries as they go); 'after-rounds' keeps the rounds to the candidates and, once they
   * stop, searches it at `searchPrices` (if given) and at the master's and the best prices (a
   * Lagrangian bound is valid at any prices ≥ 0); where that lowered the bound, the runs found join
   * as columns and the rounds go on, up to `finalSearches` times. The bound is then the best one found
   * with the search. Default 'each-round'.
   */
  readonly timetableSearch?: 'each-round' | 'after-rounds';
  /**
   * Prices to search the timetable at after the rounds (`timetableSearch: 'after-rounds'`), with the
   * itineraries they were found over: a sample's relaxation over the timetable (its route classes'
   * candidates, the first ones the same). At scale these bound all plans far better than the rounds'
   * own prices, which price runs outside the candidates as if nobody rode them. The itineraries join
   * the candidates (so that the runs they price are in the bound's capacity terms) before the search.
   */
  readonly searchFrom?: { readonly prices: DeparturePrices; readonly candidates: Aggregation['candidates'] };
  /** Most searches after the rounds, each followed by more rounds where it lowered the bound. Default 3. */
  readonly finalSearches?: number;
  /**
   * Count containers whole in the bound against what can reach each departure (see
   * `cappedContainerTerm`), and raise the prices after the loop to use it. Default true; false leaves
   * the bound the LP's own Lagrangian (strong duality: it meets the master at convergence).
   */
  readonly wholeContainers?: boolean;
  /**
   * After the loop, linking prices by dual ascent on the departures that carry little
   * (`linkAscent`), where the master has no linking rows. Default true.
   */
  readonly linkAscent?: boolean;
  /**
   * Most contested parcels settled by the parcel-level LP (`settleParcels`); above that the mixes'
   * own split stands and the assignment places the split parcels (fractional-knapsack order).
   * Default: no limit.
   */
  readonly settleUpTo?: number;
}

type Entering = { ci: number; choice: CommodityChoice };

/** One assignment of a commodity's parcels (a column of the master), and its weight in the solution. */
export interface CommodityMix {
  readonly choice: Int16Array;
  readonly weight: number;
}

/** The relaxation solved: its bound, its prices and the master's fractional plan. */
export interface Relaxation {
  readonly table: PricingTable;
  /**
   * The aggregation with each route class's candidates as the relaxation left them: the first ones,
   * then the itineraries the pricing found over the timetable (indices of the first ones unchanged).
   */
  readonly aggregation: Aggregation;
  /**
   * Which itineraries the bound holds over: every dated itinerary of the timetable (along the
   * network's route patterns), or only the route classes' first candidates.
   */
  readonly covers: 'all-timetable-itineraries' | 'candidate-itineraries';
  /** Itineraries the timetable search added to the candidates, and how many searches it ran. */
  readonly itinerariesPriced: number;
  readonly timetableSearches: number;
  readonly links: readonly CommodityLink[];
  /**
   * The best Lagrangian bound found: valid for every plan of these parcels over the itineraries
   * `covers` names.
   */
  readonly boundMinor: number;
  /**
   * The best bound at prices where every itinerary of the timetable was searched: valid for every
   * plan over every dated itinerary (−Infinity without the search). Below `boundMinor` only when
   * linking rows, priced over the candidates alone, raised that one.
   */
  readonly boundAllMinor: number;
  /** The prices it was found at. */
  readonly boundPrices: CapacityPrices;
  /** The master LP's cost at the end (a relaxation of whole containers, over the columns it holds). */
  readonly masterMinor: number;
  /** The master's last prices (its LP duals). */
  readonly masterPrices: CapacityPrices;
  /** Per commodity, the assignments the master's solution mixes (weights sum to 1). */
  readonly mixes: readonly (readonly CommodityMix[])[];
  /** Each parcel's place in the relaxation's solution, settled parcel by parcel (see `settleParcels`). */
  readonly settled: SettledParcels;
  readonly rounds: number;
  readonly columns: number;
  /**
   * Time in the master's LP solves, in pricing, and settling contested parcels (by `nowMs`); `links`:
   * the linking prices' ascent and their pricing (part of `pricing`).
   */
  readonly timingsMs: {
    readonly lp: number;
    readonly pricing: number;
    readonly settle: number;
    readonly links?: number;
  };
}

/** A round of linking prices that raises the bound by less than this share, with the table unchanged, is the last. */
const LINK_GAIN = 2e-4;
/** Most rounds of linking prices and timetable search after the loop. */
const LINK_ROUNDS = 6;

/** Weight of the best bound's prices when the master's are steadied toward them. */
const SMOOTHING = 0.5;

/**
 * The consolidation's LP relaxation at the level of single parcels, solved by column generation
 * (Dantzig–Wolfe) over commodities. The master LP chooses, per commodity, a mix of assignments of its
 * parcels (each parcel to one candidate, or held), with container counts continuous in [0, slots] and
 * the departures' payload, filled volume and loose capacity as rows; its duals price capacity; at
 * those prices every parcel takes its own cheapest candidate (`priceCommodity`), which gives both the
 * Lagrangian bound (valid for every plan, whatever the prices) and each commodity's next column.
 * Parcels of a commodity differ in weight, volume and promise: the master never averages them.
 *
 * HiGHS solves the master; each round starts from the last basis (primal simplex after new columns,
 * dual after new linking rows). Rounds, not time, end the loop, so the same input gives the same result.
 *
 * Whole containers in the bound. The LP pays for a container by the share it fills; a plan pays for
 * it whole. The Lagrangian's departure side is solved with integer containers against a cap on what
 * any plan can load there (`DepartureDemand`: the parcels some timetable itinerary could carry on it),
 * min over counts y of rate·y − μ·min(capacity·y, demand) (`cappedContainerTerm`), which is never
 * below the LP's term and is a bound for every plan. The LP's prices do not use the caps, so after
 * the loop the best prices are raised, departure by departure, to the most at which that term is
 * still zero (`zeroTermScale`), and priced again (over the timetable, where runs outside the table keep
 * their lifted prices):
 * the few parcels that can reach a departure then pay for its container between them, or move.
 */
export function solveRelaxation(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  solver: MipSolver,
  settings: PricingSettings,
  options: RelaxationOptions = {},
): Relaxation {
  const now = options.nowMs ?? (() => 0);
  const maxRounds = options.maxRounds ?? 60;
  const tolerance = options.tolerance ?? 2e-4;
  const linking = options.linking ?? false;
  const timetable = options.timetable ?? true;
  if (linking && timetable && agg.commodities.length > 0)
    return searchThenLink(ctx, parcels, agg, solver, settings, options);
  const covers = timetable ? 'all-timetable-itineraries' : 'candidate-itineraries';
  const table = pricingTable(ctx, agg, options.capacityScale ?? 1);
  if (agg.commodities.length === 0) {
    // Nothing to plan (no parcels, or every one held before planning): nothing to bound either.
    const none = zeroPrices(table);
    return {
      table,
      aggregation: agg,
      covers,
      itinerariesPriced: 0,
      timetableSearches: 0,
      links: [],
      boundMinor: 0,
      boundAllMinor: 0,
      boundPrices: none,
      masterMinor: 0,
      masterPrices: none,
      mixes: [],
      settled: { choice: new Int16Array(parcels.count).fill(-1), split: new Map(), contested: 0 },
      rounds: 0,
      columns: 0,
      timingsMs: { lp: 0, pricing: 0, settle: 0 },
    };
  }
  const master = new Master(table, agg, settings.holdPenaltyMinor);
  const links: (CommodityLink & { row: number })[] = [];
  const C = agg.commodities.length;

  // Start: every commodity held (always feasible), and each parcel on its cheapest candidate at no price.
  const zero = zeroPrices(table);
  for (let ci = 0; ci < C; ci++) {
    master.addHold(ci);
    master.addColumn(ci, priceCommodity(table, agg, ci, parcels, settings, zero));
  }
  let startAt: CapacityPrices | undefined;
  if (options.startPrices) {
    const start = options.startPrices;
    startAt = {
      perKg: Float64Array.from(table.departures, (d) => start.perKg.get(d.key) ?? 0),
      perM3: Float64Array.from(table.departures, (d) => start.perM3.get(d.key) ?? 0),
      perParcel: table.commodities.map(() => undefined),
    };
    for (let ci = 0; ci < C; ci++)
      master.addColumn(ci, priceCommodity(table, agg, ci, parcels, settings, startAt));
  }
  const session = solver.openRelaxation(master.build(), {
    timeLimitSeconds: 600,
    relativeGap: 1e-6,
    relaxed: true,
    // Presolve costs more than it saves on a master solved again and again from its last basis.
    highsOptions: { presolve: 'off' },
  });
  master.commit();

  let bound = Number.NEGATIVE_INFINITY;
  /** The best bound from prices at which every itinerary of the timetable was searched, and its prices. */
  let boundAll = Number.NEGATIVE_INFINITY;
  let boundAllPrices = zero;
  const afterRounds = timetable && options.timetableSearch === 'after-rounds';
  /** Whether `price` searches the timetable now: each round, or only after the rounds. */
  let searching = timetable && !afterRounds;
  let finalSearches = 0;
  const mostFinalSearches = options.finalSearches ?? 3;
  /** Per commodity, its candidates when columns last joined the master (the mixes use no others). */
  let inMaster = table.commodities.map((t) => t.candidates.length);
  let boundPrices = zero;
  let masterPrices = zero;
  let rounds = 0;
  let lpMs = 0;
  let pricingMs = 0;
  let linksMs = 0;
  // The timetable search: no chain arriving after `capMs` can beat holding, nor, for a commodity,
  // one delivering on or after its `capDay` (lateness alone then costs the hold penalty).
  let maxPromise = Number.NEGATIVE_INFINITY;
  const capDay = agg.commodities.map((c) => {
    const last = parcels.promiseDay[c.parcels[c.count - 1]!]!;
    maxPromise = Math.max(maxPromise, last);
    return capDayOf(last, settings.latePenaltyMinorPerDay, settings.holdPenaltyMinor);
  });
  const capMs = searchCapMs(maxPromise, settings.latePenaltyMinorPerDay, settings.holdPenaltyMinor);
  let itinerariesPriced = 0;
  let timetableSearches = 0;
  // The most any plan puts on each departure, so that the bound counts whole containers where few
  // parcels can reach a departure (not on a sample, whose slots are fractions).
  const demandOf =
    table.scale === 1 && (options.wholeContainers ?? true)
      ? new DepartureDemand(ctx, agg, parcels)
      : undefined;
  const demandCache = new Map<number, readonly [number, number]>();
  const demand = demandOf
    ? (d: PlanDeparture) => {
        let v = demandCache.get(d.key);
        if (!v) {
          v = demandOf.of(d);
          demandCache.set(d.key, v);
        }
        return v;
      }
    : undefined;
  /** Prices by departure key over the table as it is now (nil where they have none). */
  const onTable = (p: DeparturePrices): CapacityPrices => ({
    perKg: Float64Array.from(table.departures, (d) => p.perKg.get(d.key) ?? 0),
    perM3: Float64Array.from(table.departures, (d) => p.perM3.get(d.key) ?? 0),
    perParcel: table.commodities.map(() => undefined),
  });
  /** Prices over the table as it is now: lifted prices (see `TimetablePrices`) on departures it gained. */
  const extend = (prices: CapacityPrices) => new TimetablePrices(ctx, table, prices).extended();
  /**
   * New itineraries at `prices` for every commodity, found over the timetable and added to its
   * candidates; returns the prices over the grown table.
   */
  const search = (prices: CapacityPrices): CapacityPrices => {
    const tp = new TimetablePrices(ctx, table, prices);
    const finder = new TimetableSearch(ctx, tp, capMs);
    let grown = false;
    for (let ci = 0; ci < C; ci++) {
      const t = table.commodities[ci]!;
      const own = prices.perParcel[ci];
      let link: { price: (key: number) => number; services: ReadonlySet<number> } | undefined;
      if (own) {
        const byKey = new Map<number, number>();
        const services = new Set<number>();
        own.forEach((v, l) => {
          if (v <= 0) return;
          const d = table.departures[t.departures[l]!]!;
          byKey.set(d.key, v);
          services.add(d.service);
        });
        if (byKey.size > 0) link = { price: (key) => byKey.get(key) ?? 0, services };
      }
      const rc = agg.routeClasses[agg.commodities[ci]!.routeClass]!;
      const found = finder.newItineraries(rc, t.candidates, capDay[ci]!, link);
      if (found.length === 0) continue;
      addCandidates(ctx, table, ci, found);
      itinerariesPriced += found.length;
      grown = true;
    }
    timetableSearches += finder.searches;
    if (grown) scratch = pricingScratch(table, agg);
    return tp.extended();
  };
  /** The Lagrangian at `prices`; with `dual` (the master's row duals), the columns that would lower the master. */
  let scratch = pricingScratch(table, agg);
  const price = (
    given: CapacityPrices,
    dual: Float64Array | undefined,
    entering: Entering[],
    atMaster = false,
  ): number => {
    const prices = searching ? search(given) : given;
    if (atMaster) masterPrices = prices;
    else if (prices.perKg.length > masterPrices.perKg.length) masterPrices = extend(masterPrices);
    let lagrangian = capacityTerm(table, prices, links, demand);
    for (let ci = 0; ci < C; ci++) {
      const sums = priceInto(table, agg, ci, parcels, settings, prices, scratch);
      lagrangian += sums.pricedMinor;
      if (!dual) continue;
      const sigma = dual[ci]!;
      const reduced = atMaster
        ? sums.pricedMinor
        : reducedCost(table, ci, { ...scratch, costMinor: sums.costMinor }, masterPrices);
      if (reduced < sigma - 1e-9 * Math.abs(sigma) - 1e-6)
        entering.push({ ci, choice: keepChoice(table, agg, ci, scratch, sums) });
    }
    if (searching && lagrangian > boundAll) {
      boundAll = lagrangian;
      boundAllPrices = prices;
    }
    if (lagrangian > bound) {
      bound = lagrangian;
      boundPrices = prices;
    }
    return lagrangian;
  };
  // Starting prices: their Lagrangian is a first bound, and the centre the master is steadied toward.
  if (startAt) price(startAt, undefined, []);

  let lp: MipResult;
  const linkingNow = linking;
  try {
    for (;;) {
      let t = now();
      lp = session.solve();
      lpMs += now() - t;
      if (lp.status !== 'optimal' || !lp.rowDual)
        throw new Error(`planner: the relaxation's master LP ended ${lp.status}`);
      rounds++;
      t = now();
      const raw = master.prices(lp.rowDual, links, lp.x, timetable ? liftWith(ctx, table) : undefined);
      const center = boundPrices;
      const entering: Entering[] = [];
      price(raw, lp.rowDual, entering, true);
      // Stabilisation (Wentges 1997): also price halfway between the master's prices and those of the
      // best bound so far, which damps the master's swings; its columns join when they would lower the
      // master, and its Lagrangian is a bound like any other.
      if (center !== zero) price(between(center, masterPrices, SMOOTHING), lp.rowDual, entering);
      const cuts = linkingNow ? master.brokenLinks(lp.x) : [];
      pricingMs += now() - t;
      options.onRound?.(rounds, lp.objective, bound);
      const closeEnough = lp.objective - bound <= tolerance * Math.abs(lp.objective);
      // Over the timetable, linking rows join once the master has every itinerary it wants:
      // before, each round's new itineraries would escape the rows the last one added.
      let stop = (cuts.length === 0 && (closeEnough || entering.length === 0)) || rounds >= maxRounds;
      if (stop && afterRounds && finalSearches < mostFinalSearches) {
        // The rounds are done over the candidates: search the timetable at the given prices (the first
        // time), the master's and the best ones; where that lowered the bound, go on with the rounds,
        // the runs found among the columns.
        t = now();
        const found = itinerariesPriced;
        const best = boundPrices;
        searching = true;
        entering.length = 0;
        if (finalSearches === 0 && options.searchFrom) {
          const from = options.searchFrom;
          agg.commodities.forEach((c, ci) => {
            // Those the candidates lack (they may hold some of them already: the sample's ridden ones).
            const have = new Set(table.commodities[ci]!.candidates);
            const more = from.candidates[c.routeClass]!.filter((k) => !have.has(k));
            itinerariesPriced += more.length;
            addCandidates(ctx, table, ci, more);
          });
          scratch = pricingScratch(table, agg);
          price(onTable(from.prices), undefined, []);
        }
        price(raw, lp.rowDual, entering, true);
        const over = price(extend(best), lp.rowDual, entering);
        searching = false;
        finalSearches++;
        pricingMs += now() - t;
        const lowered = bound - Math.max(over, boundAll) > tolerance * Math.abs(lp.objective);
        if (
          lowered &&
          itinerariesPriced > found &&
          entering.length > 0 &&
          finalSearches < mostFinalSearches
        ) {
          // The candidates' bound held over them only: over the grown table it starts again from the
          // searched one.
          bound = boundAll;
          boundPrices = boundAllPrices;
          stop = rounds >= maxRounds;
        }
      }
      if (stop) break;
      master.syncDepartures();
      for (const cut of cuts) links.push(master.addLink(cut.ci, cut.local));
      for (const { ci, choice } of entering) master.addColumn(ci, choice);
      session.add(master.change());
      master.commit();
      inMaster = table.commodities.map((t) => t.candidates.length);
    }
  } finally {
    session.dispose();
  }
  if (afterRounds) {
    // The bound to claim is the best found with the search (the rounds' own held over the candidates
    // only); every price from here on is searched too.
    searching = true;
    bound = boundAll;
    boundPrices = boundAllPrices;
  }
  if (demand) {
    // Whole containers where the demand is short of one: on each departure, the best prices raised
    // along their own direction until its capped term would turn negative (`zeroTermScale`), so that
    // the few parcels that can reach it pay for the container between them. The parcels answer by
    // moving (to other runs, found over the timetable, or to holding); the try is a Lagrangian bound
    // like any other, kept if it is the best. (More tries, with runs outside the table raised alike,
    // were measured: 0.01 pt more at 100,000 parcels for three times the pricing.)
    const t = now();
    price(raised(extend(boundPrices), table, demand), undefined, []);
    if (links.length === 0 && (options.linkAscent ?? true)) {
      const t1 = now();
      // Linking prices on the departures that carry little (`linkAscent`), evaluated like any others.
      // Over the timetable, the search then finds runs outside the table that the linked parcels
      // escape to (at lifted prices): the ascent goes again over the grown table, a few times.
      let at = extend(boundPrices);
      let linked: readonly CommodityLink[] = [];
      let best: readonly CommodityLink[] = [];
      let lastGot = Number.NEGATIVE_INFINITY;
      for (let round = 0; round < LINK_ROUNDS; round++) {
        const ascent = linkAscent(table, agg, parcels, settings, at, demand, linked);
        if (ascent.links.length === 0) break;
        links.length = 0;
        for (const l of ascent.links) links.push({ ...l, row: -1 });
        const size = table.departures.length;
        const got = price(ascent.prices, undefined, []);
        if (got === bound) best = ascent.links;
        if (table.departures.length === size && !(got > lastGot + LINK_GAIN * Math.abs(got))) break;
        lastGot = got;
        at = extend(ascent.prices);
        linked = ascent.links;
      }
      // The links of the best bound's prices (none when it was found before the ascent).
      links.length = 0;
      for (const l of best) links.push({ ...l, row: -1 });
      linksMs = now() - t1;
    }
    pricingMs += now() - t;
  }
  const mixes = master.mixes(lp.x);
  // Each route class's candidates as the search left them (one commodity per route class here).
  const lists = [...agg.candidates];
  agg.commodities.forEach((c, ci) => {
    lists[c.routeClass] = table.commodities[ci]!.candidates;
  });
  const grown: Aggregation = { ...agg, candidates: lists };
  const t0 = now();
  // Settled over the candidates the master's columns had (the search may have added more since).
  const had = [...agg.candidates];
  agg.commodities.forEach((c, ci) => {
    had[c.routeClass] = table.commodities[ci]!.candidates.slice(0, inMaster[ci]);
  });
  const settled = settleParcels(
    ctx,
    parcels,
    { ...agg, candidates: had },
    table,
    mixes,
    solver,
    settings,
    options.settleUpTo,
  );
  const settleMs = now() - t0;
  return {
    table,
    aggregation: grown,
    itinerariesPriced,
    timetableSearches,
    links: links.map(({ row: _row, ...l }) => l),
    boundMinor: bound,
    boundAllMinor: timetable ? boundAll : Number.NEGATIVE_INFINITY,
    covers: timetable && boundAll >= bound ? 'all-timetable-itineraries' : 'candidate-itineraries',
    boundPrices,
    masterMinor: lp.objective,
    masterPrices: extend(masterPrices),
    mixes,
    settled,
    rounds,
    columns: master.numCols,
    timingsMs: { lp: lpMs, pricing: pricingMs, settle: settleMs, ...(linksMs > 0 ? { links: linksMs } : {}) },
  };
}

/**
 * The relaxation with linking rows over the timetable, in two steps. A linking price holds only on
 * the runs the master has rows for, so with the search on, each round's new itineraries would escape
 * to runs without them, weeks later, and the bound would stay where the search left it. So: first the
 * relaxation without linking rows, searching the timetable until no itinerary would lower it (its
 * bound holds over every dated itinerary); then, over the candidates that found, the relaxation with
 * linking rows from a fresh master (its bound holds over those candidates, and is most often the
 * higher one on small plans). The result keeps both bounds and says which `boundMinor` is.
 */
function searchThenLink(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  solver: MipSolver,
  settings: PricingSettings,
  options: RelaxationOptions,
): Relaxation {
  const { onRound, ...rest } = options;
  // One budget of rounds for both steps: the first takes at most half (it most often needs two or three).
  const maxRounds = options.maxRounds ?? 60;
  const first = solveRelaxation(ctx, parcels, agg, solver, settings, {
    ...rest,
    linking: false,
    // The linking rows of the second step price whole containers better than the ascent would.
    linkAscent: false,
    maxRounds: Math.max(1, Math.floor(maxRounds / 2)),
  });
  const second = solveRelaxation(ctx, parcels, first.aggregation, solver, settings, {
    ...options,
    linking: true,
    timetable: false,
    linkAscent: false,
    maxRounds: Math.max(1, maxRounds - first.rounds),
  });
  const all = first.boundAllMinor >= second.boundMinor;
  // The first bound's prices, carried onto the second table (no linking prices there).
  const carried = departurePrices(first.table, first.boundPrices);
  const boundPrices: CapacityPrices = all
    ? {
        perKg: Float64Array.from(second.table.departures, (d) => carried.perKg.get(d.key) ?? 0),
        perM3: Float64Array.from(second.table.departures, (d) => carried.perM3.get(d.key) ?? 0),
        perParcel: second.table.commodities.map(() => undefined),
      }
    : second.boundPrices;
  return {
    ...second,
    covers: all ? 'all-timetable-itineraries' : 'candidate-itineraries',
    boundMinor: Math.max(first.boundMinor, second.boundMinor),
    boundAllMinor: first.boundAllMinor,
    boundPrices,
    itinerariesPriced: first.itinerariesPriced,
    timetableSearches: first.timetableSearches,
    rounds: first.rounds + second.rounds,
    timingsMs: {
      lp: first.timingsMs.lp + second.timingsMs.lp,
      pricing: first.timingsMs.pricing + second.timingsMs.pricing,
      settle: second.timingsMs.settle,
    },
  };
}

/** The lift `Master.prices` gives a departure the master leaves empty: a run outside the table's price. */
function liftWith(ctx: PlanContext, table: PricingTable) {
  let prices: TimetablePrices | undefined;
  return (perKg: Float64Array, perM3: Float64Array, i: number): readonly [number, number] => {
    prices ??= new TimetablePrices(ctx, table, { perKg, perM3, perParcel: [] });
    const d = table.departures[i]!;
    return prices.liftedFor(d.service, d.run);
  };
}

/**
 * `prices` raised on each containerised departure to the most at which its capped term is still zero
 * (see `zeroTermScale`), along their own direction (by volume where they are nil); never lowered.
 */
function raised(
  prices: CapacityPrices,
  table: PricingTable,
  demand: (d: PlanDeparture) => readonly [number, number],
): CapacityPrices {
  const perKg = Float64Array.from(prices.perKg);
  const perM3 = Float64Array.from(prices.perM3);
  table.departures.forEach((d, i) => {
    if (d.containers.length === 0) return;
    const [dk, dm] = demand(d);
    const kg = perKg[i]!;
    const m3 = perM3[i]!;
    const [ak, am] = kg > 0 || m3 > 0 ? [kg, m3] : [0, 1];
    const s = zeroTermScale(d, ak, am, dk, dm) * (1 - 1e-9);
    if (!Number.isFinite(s)) return;
    if (s * ak > kg || s * am > m3) {
      perKg[i] = Math.max(kg, s * ak);
      perM3[i] = Math.max(m3, s * am);
    }
  });
  return { perKg, perM3, perParcel: prices.perParcel };
}

/** Prices `weight` of the way from `b` to `a`. */
function between(a: CapacityPrices, b: CapacityPrices, weight: number): CapacityPrices {
  // Over `b`'s departures (the table may have grown since `a`): where `a` has none, `b`'s own.
  const mix = (x: Float64Array, y: Float64Array) =>
    Float64Array.from(y, (v, i) => weight * (x[i] ?? v) + (1 - weight) * v);
  return {
    perKg: mix(a.perKg, b.perKg),
    perM3: mix(a.perM3, b.perM3),
    perParcel: b.perParcel.map((y, ci) => {
      const x = a.perParcel[ci];
      if (!x && !y) return undefined;
      const len = (x ?? y)!.length;
      return Float64Array.from(
        { length: len },
        (_, l) => weight * (x?.[l] ?? 0) + (1 - weight) * (y?.[l] ?? 0),
      );
    }),
  };
}

/** A column's cost with these prices added (its reduced cost less the commodity row's dual). */
function reducedCost(
  table: PricingTable,
  ci: number,
  choice: Pick<CommodityChoice, 'costMinor' | 'kg' | 'm3' | 'parcels'>,
  prices: CapacityPrices,
): number {
  const t = table.commodities[ci]!;
  const link = prices.perParcel[ci];
  let total = choice.costMinor;
  for (let l = 0, n = Math.min(choice.parcels.length, t.departures.length); l < n; l++) {
    if (choice.parcels[l] === 0) continue;
    const g = t.departures[l]!;
    total += prices.perKg[g]! * choice.kg[l]! + prices.perM3[g]! * choice.m3[l]!;
    if (link && t.containerised[l] === 1) total += (link[l] ?? 0) * choice.parcels[l]!;
  }
  return total;
}
