import { type Aggregation, aggregate, sampleAggregation } from './aggregate.ts';
import { type Assignment, assignParcels } from './assign.ts';
import { candidateOn, type PlanCandidate, patternAdmits, patternCharges } from './candidates.ts';
import type { PlanContext } from './context.ts';
import { evaluatePlan, type PlanStats } from './evaluate.ts';
import type { PlanParcels } from './parcels.ts';
import { type DeparturePrices, departurePrices, type PricingSettings } from './pricing.ts';
import { type Relaxation, type RelaxationOptions, solveRelaxation } from './relaxation.ts';
import type { MipSolver } from './solver.ts';

export interface PlanRunOptions {
  /** Most rounds of the relaxation (see `RelaxationOptions.maxRounds`). */
  readonly maxRounds?: number;
  /** When the relaxation stops: master within this fraction of the bound. */
  readonly tolerance?: number;
  /**
   * Linking rows in the relaxation: a far tighter bound where departures carry few containers, at many
   * times the time. Default: on up to 25,000 parcels (seconds there), off above (minutes at 100,000).
   */
  readonly linking?: boolean;
  /**
   * Price itineraries over the whole timetable, so that the bound holds over every dated itinerary;
   * false keeps to the first candidates. Default on.
   */
  readonly timetable?: boolean;
  /**
   * When the timetable is searched (see `RelaxationOptions.timetableSearch`): each round, or once the
   * rounds over the candidates are done, at their best prices. Default: each round below 250,000
   * parcels; after the rounds from there (searching each round, a 1M run took over 10 min: every
   * round's search found more runs at the master's swinging prices, and its LP grew with them).
   */
  readonly timetableSearch?: 'each-round' | 'after-rounds';
  /**
   * Plans of this many parcels or more start from samples' relaxations and search the timetable after
   * the rounds (default 250,000); a test sets it low to take that path on a small plan.
   */
  readonly sampleFrom?: number;
  /**
   * Linking prices by dual ascent after the relaxation (see `RelaxationOptions.linkAscent`), where the
   * master has no linking rows. Default: on below 250,000 parcels (where the timetable is searched);
   * off above, where the gap is small already and the ascent's per-parcel table would cost hundreds of
   * MB. Plans with linking rows (up to 25,000 parcels by default) do without it.
   */
  readonly linkAscent?: boolean;
  /**
   * From `sampleFrom` parcels: how many of the chains of runs the timetable sample rides from a ready
   * bucket each route class it has no parcels of takes (see `withRiddenItineraries`). Default 0: at 1M,
   * 2 took the plan from USD 27.09 M to 26.68 M (gap 16.0 % → 14.7 %) but the master LP from 16 s to
   * about 20 s, past the 60 s the whole plan has (measured 2026-12-07).
   */
  readonly sharedChains?: number;
  /** The parcels' aggregation, when the caller has made it already. */
  readonly aggregation?: Aggregation;
  /** Re-plans: per parcel, the candidate it keeps (index in its commodity's list), −1 for none. */
  readonly preferred?: Int16Array;
  /** Called at each stage with a fraction 0–1 of the way. */
  readonly onProgress?: (stage: string, fraction: number) => void;
  /** A clock for stage timings (the core reads none of its own). */
  readonly nowMs?: () => number;
}

/** A solved consolidation plan with its lower bound and how it was reached. */
export interface PlanOutcome {
  readonly aggregation: Aggregation;
  readonly relaxation: Relaxation;
  readonly assignment: Assignment;
  readonly stats: PlanStats;
  /**
   * The plan's lower bound: valid for every plan of these parcels over every dated itinerary the
   * timetable allows along the network's route patterns (`relaxation.covers`; the Lagrangian bound of
   * the relaxation at its best prices, each parcel on its cheapest itinerary found by a search over
   * the timetable, each departure's containers whole against the most any plan can load there, and
   * linking prices on the sets of parcels riding lightly loaded departures; see `lagrangianBound`,
   * `TimetableSearch`, `cappedContainerTerm`, `linkAscent`).
   */
  readonly lowerBoundMinor: number;
  readonly boundMethod: 'lagrangian';
  /** (cost − lower bound) / cost, percent. */
  readonly gapPercent: number;
  readonly timingsMs: Readonly<Record<string, number>>;
}

/** Plans of up to this many parcels have linking rows unless told otherwise. */
const LINKING_UP_TO = 25_000;

/** Plans of this many parcels or more start from a sample's prices. */
const SAMPLE_FROM = 250_000;
/** About how many parcels that sample holds. */
const SAMPLE_SIZE = 25_000;
/** About how many parcels the sample over the timetable holds, its most rounds and its tolerance. */
const TIMETABLE_SAMPLE_SIZE = 5_000;
const TIMETABLE_SAMPLE_ROUNDS = 40;
const TIMETABLE_SAMPLE_TOLERANCE = 1e-3;
/**
 * At scale the rounds stop with the master within 0.5 % of the candidates' bound: each round costs
 * 5–8 s at 1M, and the last ones gained under 0.3 % each (measured 2026-12-07).
 */
const LARGE_TOLERANCE = 5e-3;
/**
 * At scale, most rounds over the candidates: the master LP grows each round (3.6 s the second solve at
 * 1M, 7 s the sixth); rounds 6 and 7 took it from USD 27.18 M to 26.90 M for 13 s (measured 2026-12-07).
 */
const LARGE_MAX_ROUNDS = 5;
/** At scale, most contested parcels the parcel-level LP settles (see `RelaxationOptions.settleUpTo`). */
const LARGE_SETTLE_UP_TO = 5_000;

/** What a parcel saves by keeping its previous itinerary in a re-plan: one minor unit. */
export const STAY_BONUS_MINOR = 1;

/**
 * Plans parcels: groups them into commodities (route classes) with every candidate itinerary, solves
 * the parcel-level relaxation with HiGHS by column generation (its Lagrangian bound is the plan's
 * lower bound), turns its fractional plan into whole parcels in containers, and costs the result.
 *
 * The lower bound, step by step (each a Lagrangian bound, valid at any prices ≥ 0; the best is kept):
 * 1. the master LP's capacity prices (per kg and filled m³ of each departure), each parcel on its
 *    cheapest itinerary over the whole timetable at those prices (`TimetableSearch`);
 * 2. whole containers against what can reach a departure (`cappedContainerTerm`), prices raised
 *    where fewer parcels can reach a departure than fill a container;
 * 3. where the master has no linking rows (above 25,000 parcels), linking prices by dual ascent
 *    (`linkAscent`): on each departure that carries less than two containers in the bound, the
 *    parcels riding it, per commodity, share its container rate (each pays λ, each container earns
 *    λ × the most of them it holds) as far as their next-best way allows; the departure's own
 *    capacity prices are lowered where that pays more. The LP prices a lone container by the share
 *    it fills; these make its few riders pay for it whole. The search over the timetable then finds
 *    runs outside the candidates that the priced parcels escape to, so the ascent runs again over
 *    the grown candidates, up to six rounds, until a round gains under 0.02 % with no new runs. The
 *    bound still holds over every dated itinerary of the timetable: the search carries a commodity's
 *    linking prices in its Pareto fronts.
 * At 100,000 parcels of the bench the ascent took the gap from 3.62 % to 1.48 % (six rounds, about
 * 8 s more CPU): the gap sat in departures with one part-filled container (the plan pays the
 * container, the LP its share), not in the plan's routing (its parcels' own charges and lateness are
 * within 0.1 % of the bound's). `bench/plan-gap.ts` prints the breakdown by departure and corridor.
 *
 * From 250,000 parcels (`sampleFrom`) the timetable is searched after the rounds, not in them: a 1M
 * run searching every round took over 10 min (each search found more runs at the master's swinging
 * prices, and the master LP, 15–30 s a round, grew with them). Instead: a 5,000-parcel sample is
 * solved over the whole timetable (searched each round, to 0.1 %); the itineraries its solution rides
 * join each route class's candidates (`withRiddenItineraries`) and its prices start the rounds, which
 * run over those candidates (at most 5, to 0.5 %); after them the sample's other itineraries join and
 * the timetable is searched once at its prices, and at the master's and the best ones — each a
 * Lagrangian bound over every dated itinerary, valid at any prices; the best is the plan's bound.
 * The rounds' own prices are no use for it there: they price the congested candidates' runs high and
 * every run outside them as free of congestion, and at 1M the search at them gave a negative bound.
 * Measured 2026-12-07 at 1,000,000 parcels (`bench:plan`): USD 27.09 M, gap 16.0 % in 59.6 s (load
 * 1.2–2.1); with `sharedChains: 2` (off by default) USD 26.68 M, gap 14.7 % (74.2 s at load
 * 0.4–3.6); bound USD 22.75 M over every itinerary (31.1 % when the rounds ran over the first candidates
 * alone and the sample's itineraries served only the assignment's leftovers). The gap is the plan's:
 * the sample's own LP scaled up is below the bound; the sample has parcels in 2,216 of the 11,479
 * route classes (71 % of the parcels).
 */
export function planConsolidation(
  ctx: PlanContext,
  parcels: PlanParcels,
  solver: MipSolver,
  options: PlanRunOptions = {},
): PlanOutcome {
  const now = options.nowMs ?? (() => 0);
  const timings: Record<string, number> = {};
  let t = now();
  const stage = (name: string, fraction: number) => {
    const t2 = now();
    timings[name] = t2 - t;
    t = t2;
    options.onProgress?.(name, fraction);
  };
  const aggregation = options.aggregation ?? aggregate(ctx, parcels);
  stage('aggregate', 0.05);
  const settings: PricingSettings = {
    latePenaltyMinorPerDay: ctx.settings.latePenaltyMinorPerDay,
    holdPenaltyMinor: ctx.settings.holdPenaltyMinor,
    ...(options.preferred ? { preferred: options.preferred, stayBonusMinor: STAY_BONUS_MINOR } : {}),
  };
  const maxRounds = options.maxRounds ?? 60;
  // Many parcels: a sample's relaxation (every k-th parcel, capacities scaled alike) prices capacity
  // first, so that the whole one starts near its answer and takes fewer of its dearer rounds.
  const sampleFrom = options.sampleFrom ?? SAMPLE_FROM;
  const large = parcels.count >= sampleFrom;
  const timetable = options.timetable ?? true;
  const timetableSearch = options.timetableSearch ?? (large ? 'after-rounds' : 'each-round');
  let startPrices: DeparturePrices | undefined;
  let searchFrom: RelaxationOptions['searchFrom'];
  /** The aggregation the rounds route over: at scale, with the itineraries a sample's solution rides. */
  let routed = aggregation;
  if (large && timetable && timetableSearch === 'after-rounds') {
    // A sample over the whole timetable, searched each round: its prices start the whole relaxation's
    // rounds, the itineraries its solution rides join their candidates (so that the rounds route over
    // the later runs a million parcels need), and the bound is searched after the rounds at its prices
    // (see `searchFrom`).
    const few = sampleAggregation(
      aggregation,
      parcels,
      Math.max(1, Math.round(parcels.count / TIMETABLE_SAMPLE_SIZE)),
    );
    const s = solveRelaxation(ctx, parcels, few.aggregation, solver, settings, {
      maxRounds: TIMETABLE_SAMPLE_ROUNDS,
      tolerance: TIMETABLE_SAMPLE_TOLERANCE,
      timetable: true,
      capacityScale: few.share,
    });
    startPrices = departurePrices(s.table, s.masterPrices);
    searchFrom = { prices: startPrices, candidates: s.aggregation.candidates };
    const shared = options.sharedChains ?? 0;
    routed = withRiddenItineraries(aggregation, s, shared > 0 ? { ctx, most: shared } : undefined);
    stage('timetable sample', 0.15);
  } else if (large) {
    const every = Math.max(1, Math.round(parcels.count / SAMPLE_SIZE));
    const sample = sampleAggregation(aggregation, parcels, every);
    // Over the candidates: its prices warm-start the whole relaxation's rounds, which are over them too.
    const r = solveRelaxation(ctx, parcels, sample.aggregation, solver, settings, {
      maxRounds,
      timetable: false,
      capacityScale: sample.share,
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
    });
    startPrices = departurePrices(r.table, r.masterPrices);
    stage('sample', 0.1);
  }
  const tolerance = options.tolerance ?? (large ? LARGE_TOLERANCE : undefined);
  const relaxation = solveRelaxation(ctx, parcels, routed, solver, settings, {
    ...(startPrices ? { startPrices } : {}),
    maxRounds: options.maxRounds ?? (large ? LARGE_MAX_ROUNDS : maxRounds),
    ...(tolerance !== undefined ? { tolerance } : {}),
    linking: options.linking ?? parcels.count <= LINKING_UP_TO,
    timetable,
    timetableSearch,
    ...(searchFrom ? { searchFrom } : {}),
    // At scale each round over the grown table costs many seconds: one search, no rounds after it;
    // and the parcel-level LP that settles contested parcels grows past minutes (39,000 at 1M: 347 s).
    ...(large ? { finalSearches: 1, settleUpTo: LARGE_SETTLE_UP_TO } : {}),
    linkAscent: options.linkAscent ?? !large,
    nowMs: now,
    onRound: (round) =>
      options.onProgress?.('relaxation', 0.05 + (0.75 * Math.min(round, maxRounds)) / maxRounds),
  });
  stage('relaxation', 0.8);
  // The route classes' candidates with the itineraries the relaxation found over the timetable.
  const grown = relaxation.aggregation;
  const assignment = assignParcels(ctx, parcels, grown, relaxation, settings);
  stage('assign', 0.95);
  const stats = evaluatePlan(ctx, parcels, grown, assignment);
  stage('evaluate', 1);
  const total = stats.costs.totalMinor;
  // With stay bonuses the relaxation bounds the cost less the bonuses: lower, so still a bound.
  const lowerBoundMinor = Math.min(total, Math.floor(relaxation.boundMinor));
  return {
    aggregation: grown,
    relaxation,
    assignment,
    stats,
    lowerBoundMinor,
    boundMethod: 'lagrangian',
    gapPercent: total > 0 ? ((total - lowerBoundMinor) / total) * 100 : 0,
    timingsMs: { ...timings, ...relaxation.timingsMs },
  };
}

/**
 * The aggregation with, in each route class, the itineraries a sample's relaxation over the timetable
 * found and its solution rides (after the class's own candidates, whose indices stay as they were).
 * With `shared`, each route class the sample has no parcels of takes up to `most` of the chains of runs
 * the sample's solution rides from the same ready bucket (most ridden first), on patterns that admit
 * it, costed for its own zone: a sample of 5,000 parcels has parcels in 2,216 of the 11,479
 * route classes of 1M, and the others would otherwise route over their first candidates only.
 */
export function withRiddenItineraries(
  agg: Aggregation,
  sample: Relaxation,
  shared?: { readonly ctx: PlanContext; readonly most: number },
): Aggregation {
  const lists = agg.candidates.map((l) => [...l]);
  /** Per ready bucket: the chains (pattern and runs) the sample's solution rides, with its riders. */
  const chains = new Map<number, Map<string, { k: PlanCandidate; riders: number }>>();
  sample.aggregation.commodities.forEach((c, ci) => {
    const first = agg.candidates[c.routeClass]!.length;
    const found = sample.table.commodities[ci]!.candidates;
    const used = new Map<number, number>();
    for (const m of sample.mixes[ci]!)
      for (const k of m.choice) if (k >= first) used.set(k, (used.get(k) ?? 0) + m.weight);
    const bucket = agg.routeClasses[c.routeClass]!.bucket;
    let byChain = chains.get(bucket);
    if (!byChain) {
      byChain = new Map();
      chains.set(bucket, byChain);
    }
    for (const k of [...used.keys()].sort((a, b) => a - b)) {
      const cand = found[k]!;
      lists[c.routeClass]!.push(cand);
      const key = chainKey(cand);
      const had = byChain.get(key);
      if (had) had.riders += used.get(k)!;
      else byChain.set(key, { k: cand, riders: used.get(k)! });
    }
  });
  if (shared) {
    // Route classes the sample had no parcels of: the chains it rides from their ready bucket, most
    // ridden first, on the patterns that admit them, priced for their own zone.
    const { ctx, most } = shared;
    const sampled = new Set(sample.aggregation.commodities.map((c) => c.routeClass));
    // Each bucket's chains ranked once, not once per route class that takes from them.
    const rankedBy = new Map(
      [...chains].map(([bucket, byChain]) => [
        bucket,
        [...byChain].sort((a, b) => b[1].riders - a[1].riders || (a[0] < b[0] ? -1 : 1)),
      ]),
    );
    for (const c of agg.commodities) {
      if (sampled.has(c.routeClass)) continue;
      const rc = agg.routeClasses[c.routeClass]!;
      const ranked = rankedBy.get(rc.bucket);
      if (!ranked) continue;
      const have = new Set(lists[c.routeClass]!.map(chainKey));
      let added = 0;
      for (const [key, { k }] of ranked) {
        if (added >= most) break;
        if (have.has(key) || !patternAdmits(ctx, k.pattern, rc)) continue;
        const charges = patternCharges(ctx, k.pattern, rc.zone);
        if (!charges) continue;
        const runs = k.rides.map((r) => r.run);
        lists[c.routeClass]!.push(candidateOn(ctx, rc, k.pattern, charges, runs, k.arriveMs));
        added++;
      }
    }
  }
  return { ...agg, candidates: lists };
}

/** A chain's pattern and runs: the same for every route class that rides it. */
function chainKey(k: PlanCandidate): string {
  return `${k.pattern}|${k.rides.map((r) => r.run).join(',')}`;
}
