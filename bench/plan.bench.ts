/**
 * `npm run bench:plan -- [--parcels 100000,1000000] [--parcel-level-seconds 60] [--seed 1] [--shared-chains 0]`
 *
 * For each N: N generated parcels ready over a 14-day horizon on the sample network. Prints wall time
 * and peak RSS of the planner (parcels handed to it as columns), cost, lower bound, gap, on-time rate,
 * which itineraries the bound covers, and how many planned containers the 3D loader proves (`--prove-ms`
 * per container, 0 for none) at first and after the parcels it could not place moved, with the cost then;
 * the same for the greedy baseline (each parcel its cheapest on-time itinerary, containers first fit)
 * and, for N ≤ 100,000, for HiGHS on the parcel-level model (one commodity per parcel, every container
 * count integer) under a time limit, its solution rounded to whole parcels; runs `verifyPlan` on every
 * plan; then re-plans the smallest size after closing Brest for a week; then runs the plan job as a
 * user meets it (`--job-parcels`, default 100,000; 0 for none): parcels in a SQLite store, `POST
 * /v1/plans` through the API, the worker thread, DDP import charges, until the document is stored.
 */
import { fileURLToPath } from 'node:url';
import { fxConverter, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcelStream } from '../src/generate/index.ts';
import { PlanHelpers, startProofs } from '../src/jobs/plan-helpers.ts';
import {
  assignParcels,
  containersToProve,
  disaggregate,
  evaluatePlan,
  parcelLevelModel,
  parcelsFromMixes,
  planConsolidation,
  planDocument,
  planGreedy,
  planParcels,
  preparePlanContext,
  proveAndMove,
  replanConsolidation,
  verifyPlan,
  zeroPrices,
} from '../src/plan/index.ts';
import { createHighsSolver } from '../src/solver/index.ts';
import { planJobEndToEnd } from './plan-job.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const sizes = arg('--parcels', '100000,1000000').split(',').map(Number);
const parcelLevelSeconds = Number(arg('--parcel-level-seconds', '60'));
const seed = Number(arg('--seed', '1'));
const jobParcels = Number(arg('--job-parcels', '100000'));
/** From 250,000 parcels: chains of the timetable sample each route class it missed takes (`sharedChains`). */
const sharedChains = Number(arg('--shared-chains', '0'));
/** Loader effort per planned container for the 3D proof (0: no proof). */
const proveMs = Number(arg('--prove-ms', '200'));
const network = readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url)));
const fx = fxConverter(readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url))));
const fromMs = Date.parse('2026-12-01T00:00:00+08:00');
const usd = (minor: number) => `USD ${(minor / 100).toLocaleString('en', { maximumFractionDigits: 0 })}`;
/** The bench's parcels, generated afresh each time they are needed (same seed, same ids). */
function* generated(n: number) {
  let i = 0;
  for (const p of generateParcelStream({ count: n, seed, from: '2026-12-01', days: 14 })) {
    const id = `p${String(i++).padStart(7, '0')}`;
    yield { ...p, id, readyAtMs: Date.parse(p.readyAt) };
  }
}
const mib = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`;

// The parcel-level baseline runs after every size, so that its memory is not in their peak RSS.
const parcelLevel: {
  n: number;
  ctx: ReturnType<typeof preparePlanContext>;
  parcels: ReturnType<typeof planParcels>;
  aggregation: ReturnType<typeof planConsolidation>['aggregation'];
  costMinor: number;
  bound: number;
}[] = [];
for (const n of sizes) {
  // The planner gets the parcels as columns; the objects they came from are not kept while it runs.
  const ctx = preparePlanContext(network, fromMs, 14, fx);
  const parcels = planParcels(network, generated(n), n);
  const solver = await createHighsSolver();

  const t0 = performance.now();
  const outcome = planConsolidation(ctx, parcels, solver, {
    nowMs: () => performance.now(),
    ...(sharedChains > 0 ? { sharedChains } : {}),
  });
  const doc = planDocument(ctx, parcels, outcome);
  const wall = (performance.now() - t0) / 1000;
  const rss = mib();
  const s = doc.summary;
  const bound = s.lowerBoundMinor;
  const gapTo = (cost: number) => `${(((cost - bound) / cost) * 100).toFixed(3)} %`;
  const check = (plan: typeof doc) => {
    const v = verifyPlan(network, new Map([...generated(n)].map((p) => [p.id, p])), plan, fx);
    return v.ok
      ? `verify passes (recomputed ${usd(v.costMinor)})`
      : `verify FAILS (${v.violations.length}: ${v.violations[0]?.why})`;
  };
  console.log(`bench:plan — ${n.toLocaleString('en')} parcels over 14 days, sample network`);
  console.log(
    `  planner    ${wall.toFixed(1)} s wall, peak RSS ${rss}; cost ${usd(s.costMinor)}, bound ${usd(bound)}, gap ${s.gapPercent.toFixed(3)} %, on time ${(s.onTimeRate * 100).toFixed(1)} %; ${check(doc)}`,
  );
  const rx = outcome.relaxation;
  console.log(
    `             stages ${JSON.stringify(Object.fromEntries(Object.entries(outcome.timingsMs).map(([k, v]) => [k, Math.round(v)])))} ms; relaxation ${rx.rounds} rounds, ${rx.columns.toLocaleString('en')} columns, ${outcome.aggregation.commodities.length.toLocaleString('en')} commodities, master LP ${usd(rx.masterMinor)}; ${rx.settled.contested.toLocaleString('en')} parcels settled one by one, ${rx.settled.split.size} left split`,
  );
  const bc = s.boundCovers;
  console.log(
    bc.itineraries === 'all-timetable-itineraries'
      ? `             the bound covers all-timetable-itineraries (every dated itinerary along the route patterns; ${bc.itinerariesPriced} itineraries priced in by ${bc.searches} timetable searches beside the first candidates); cost basis ${s.costBasis}`
      : `             the bound covers candidate-itineraries (the first candidates and ${bc.itinerariesPriced ?? 0} priced in); over every timetable itinerary: ${bc.allItinerariesBoundMinor !== undefined ? usd(bc.allItinerariesBoundMinor) : 'not searched'}; cost basis ${s.costBasis}`,
  );
  console.log(
    `             held ${s.held} (for capacity ${doc.held.filter((h) => h.reason === 'no-capacity').length}), containers ${s.containers}; components (USD) ${JSON.stringify(Object.fromEntries(Object.entries(s.components).map(([k, v]) => [k, Math.round(v / 100)])))}`,
  );

  if (proveMs > 0) {
    // The 3D proof as the plan job makes it: the first loads on a helper thread and this one, then the
    // parcels the loader could not place moved (loaded again here), and the document made again.
    const l0 = performance.now();
    const helpers = new PlanHelpers(1, undefined);
    const inputs = new Map([...generated(n)].map((p) => [p.id, p]));
    const first = await startProofs(helpers, containersToProve(doc, inputs), network.equipment, proveMs)
      .finish()
      .finally(() => helpers.close());
    const l1 = performance.now();
    const proven = proveAndMove(
      ctx,
      parcels,
      outcome.aggregation,
      outcome,
      first,
      inputs,
      network.equipment,
      proveMs,
    );
    const moved = proven.changed
      ? planDocument(ctx, parcels, { ...outcome, assignment: proven.assignment, stats: proven.stats })
      : doc;
    const p = proven.proof;
    const withProof = {
      ...moved,
      summary: { ...moved.summary, containersProven: p.proven },
      containerProof: p,
    };
    console.log(
      `             containers proven by the 3D loader ${p.provenFirst} of ${first.length} at first (${proveMs} ms each, 2 threads, ${((l1 - l0) / 1000).toFixed(1)} s); after moving what it could not place ${p.proven} of ${p.containers} (${p.parcelsMoved} parcels moved, ${p.parcelsHeld} held for container-load, ${p.reproofs} containers loaded again, ${((performance.now() - l1) / 1000).toFixed(1)} s); cost ${usd(moved.summary.costMinor)} (${moved.summary.costMinor >= s.costMinor ? '+' : ''}${(((moved.summary.costMinor - s.costMinor) / s.costMinor) * 100).toFixed(3)} %), gap ${moved.summary.gapPercent.toFixed(3)} %; ${check(withProof)}${
        p.notProven.length > 0
          ? `; not proven: ${p.notProven
              .slice(0, 3)
              .map((x) => `${x.id} (${x.why})`)
              .join(', ')}`
          : ''
      }`,
    );
  }

  const g0 = performance.now();
  const greedy = planGreedy(ctx, parcels, outcome.aggregation);
  const gs = evaluatePlan(ctx, parcels, outcome.aggregation, greedy.assignment);
  const gWall = (performance.now() - g0) / 1000;
  const greedyDoc = planDocument(ctx, parcels, { ...outcome, assignment: greedy.assignment, stats: gs });
  const saving = ((gs.costs.totalMinor - s.costMinor) / gs.costs.totalMinor) * 100;
  console.log(
    `  greedy     ${gWall.toFixed(1)} s wall, peak RSS ${mib()}; cost ${usd(gs.costs.totalMinor)}, gap to the bound ${gapTo(gs.costs.totalMinor)}, on time ${((gs.onTime / gs.planned) * 100).toFixed(1)} %, containers ${gs.containers}; ${check(greedyDoc)}`,
  );
  console.log(
    `             → the planner ${saving >= 0 ? 'saves' : 'costs'} ${Math.abs(saving).toFixed(2)} % (${usd(gs.costs.totalMinor - s.costMinor)}) against greedy`,
  );

  if (n <= 100_000 && parcelLevelSeconds > 0)
    parcelLevel.push({ n, ctx, parcels, aggregation: outcome.aggregation, costMinor: s.costMinor, bound });
}

for (const { n, ctx, parcels, aggregation, costMinor, bound } of parcelLevel) {
  const solver = await createHighsSolver();
  console.log(
    `bench:plan parcel-level baseline — ${n.toLocaleString('en')} parcels, HiGHS for ${parcelLevelSeconds} s`,
  );
  const p0 = performance.now();
  try {
    const single = disaggregate(aggregation, parcels);
    const settings = {
      latePenaltyMinorPerDay: ctx.settings.latePenaltyMinorPerDay,
      holdPenaltyMinor: ctx.settings.holdPenaltyMinor,
    };
    const level = parcelLevelModel(ctx, parcels, single, settings);
    const mip = solver.solve(level.model, {
      timeLimitSeconds: parcelLevelSeconds,
      relativeGap: 1e-4,
      highsOptions: { presolve: 'off' },
    });
    if (mip.x.length === 0) {
      console.log(
        `  parcel-level HiGHS  ${level.model.numCols.toLocaleString('en')} columns; ${mip.status} after ${mip.seconds.toFixed(0)} s with no solution; its bound ${usd(mip.dualBound)}`,
      );
    } else {
      // HiGHS's solution (integer containers, parcels fractional) rounded to whole parcels and loaded,
      // without the planner's own container moves.
      const a = assignParcels(
        ctx,
        parcels,
        single,
        {
          table: level.table,
          settled: parcelsFromMixes(single, level.mixes(mip.x), parcels.count),
          masterPrices: zeroPrices(level.table),
        },
        settings,
        { improvementRounds: 0 },
      );
      const st = evaluatePlan(ctx, parcels, single, a);
      const wall = (performance.now() - p0) / 1000;
      const plan = planDocument(ctx, parcels, {
        aggregation: single,
        assignment: a,
        stats: st,
        lowerBoundMinor: bound,
        relaxation: { masterMinor: mip.objective, rounds: 0 },
      });
      const v = verifyPlan(network, new Map([...generated(n)].map((p) => [p.id, p])), plan, fx);
      console.log(
        `  parcel-level HiGHS  ${wall.toFixed(0)} s wall (${mip.status}), peak RSS ${mib()}; ${level.model.numCols.toLocaleString('en')} columns; cost ${usd(st.costs.totalMinor)} (solver objective ${usd(mip.objective)}), its own bound ${usd(mip.dualBound)} (over its pruned candidates), gap to the planner's bound ${(((st.costs.totalMinor - bound) / st.costs.totalMinor) * 100).toFixed(3)} %, on time ${((st.onTime / st.planned) * 100).toFixed(1)} %, containers ${st.containers}; verify ${v.ok ? 'passes' : `FAILS: ${v.violations[0]?.why}`}`,
      );
      console.log(
        `             → the planner is ${st.costs.totalMinor >= costMinor ? 'not above it' : 'ABOVE it'}: ${usd(Math.abs(st.costs.totalMinor - costMinor))} (${((Math.abs(st.costs.totalMinor - costMinor) / st.costs.totalMinor) * 100).toFixed(2)} %) ${st.costs.totalMinor >= costMinor ? 'below' : 'above'}`,
      );
    }
  } catch (e) {
    console.log(
      `  parcel-level HiGHS  failed after ${((performance.now() - p0) / 1000).toFixed(0)} s: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

// Re-planning after a border crossing closes for a week: the 100,000-parcel case (or the smallest size run).
{
  const n = Math.min(...sizes, 100_000);
  const inputs = new Map([...generated(n)].map((p) => [p.id, p]));
  const solver = await createHighsSolver();
  const ctx = preparePlanContext(network, fromMs, 14, fx);
  const parcels = planParcels(network, inputs.values(), n);
  const before = planDocument(ctx, parcels, planConsolidation(ctx, parcels, solver));
  const closure = {
    id: 'brest-closed',
    nodeId: 'brest',
    from: '2026-12-12T00:00:00Z',
    to: '2026-12-19T00:00:00Z',
    effect: 'closed' as const,
    reason: 'border crossing closed for a week (as Poland–Belarus, 2025-09-12/25)',
    sources: [],
  };
  const disrupted = { ...network, disruptions: [closure] };
  const t0 = performance.now();
  const ctx2 = preparePlanContext(disrupted, fromMs, 14, fx);
  const r = replanConsolidation(ctx2, parcels, before, solver, () => performance.now());
  const wall = (performance.now() - t0) / 1000;
  const check = verifyPlan(disrupted, inputs, r.document, fx);
  console.log(`bench:plan re-plan — ${n.toLocaleString('en')} parcels, Brest closed 2026-12-12 → 12-19`);
  console.log(
    `  ${wall.toFixed(1)} s wall; affected ${r.affected.length}, moved ${r.moved.length}; cost (both ${r.document.summary.costBasis}) ${usd(r.costBeforeMinor)} → ${usd(r.costAfterMinor)} (${r.costAfterMinor >= r.costBeforeMinor ? '+' : '−'}${usd(Math.abs(r.costAfterMinor - r.costBeforeMinor))}), bound ${usd(r.document.summary.lowerBoundMinor)}, gap ${r.document.summary.gapPercent.toFixed(3)} %; verify ${check.ok ? 'passes' : `FAILS: ${check.violations[0]?.why}`}`,
  );
}

// The plan job end to end, as a user meets it.
if (jobParcels > 0) {
  const f = await planJobEndToEnd(jobParcels, seed);
  console.log(`bench:plan job — ${jobParcels.toLocaleString('en')} parcels through the API (SQLite store)`);
  console.log(
    `  ${(f.endToEndMs / 1000).toFixed(1)} s end to end (POST /v1/plans → stored document, ${f.documentMb.toFixed(1)} MB); cost ${usd(f.costMinor)} (${f.costBasis}, import charges ${usd(f.landedCostMinor)}); /health p99 ${f.healthP99Ms.toFixed(0)} ms, max ${f.healthMaxMs.toFixed(0)} ms`,
  );
}
