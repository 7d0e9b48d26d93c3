import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type Currency, LandbridgeError, type Network, problemsFromZod } from '../domain/index.ts';
import { fxConverter } from '../files/index.ts';
import type { PlanParams } from '../jobs/index.ts';
import { localDate, zonedToUtcMs } from '../network/index.ts';
import { importChargeFor, type PlanDocument, planCsv, verifyPlan } from '../plan/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, landedFromStore, withStore } from './context.ts';
import { progressBar } from './progress.ts';
import { action, intOption } from './run.ts';

const money = (minor: number, currency: string) =>
  `${currency} ${(minor / 100).toLocaleString('en', { maximumFractionDigits: 0 })}`;

/** Options of a disruption on the command line. */
interface DisruptionOptions {
  closeNode?: string;
  closeService?: string;
  delayNode?: string;
  delayService?: string;
  delayMinutes?: string;
  disruptionFrom?: string;
  disruptionTo?: string;
  reason?: string;
}

function disruptionOptions(cmd: Command): Command {
  return cmd
    .option('--close-node <id>', 'plan around this node closed (a border crossing, a port) …')
    .option('--close-service <id>', '… or this service suspended …')
    .option('--delay-node <id>', '… or this node slowed by --delay-minutes …')
    .option('--delay-service <id>', '… or this service running --delay-minutes late …')
    .option('--delay-minutes <n>', 'minutes of delay, with --delay-node or --delay-service')
    .option(
      '--disruption-from <instant>',
      'when it starts, e.g. 2026-12-12T00:00:00Z (default: the horizon’s start)',
    )
    .option('--disruption-to <instant>', 'when it ends, e.g. 2026-12-19T00:00:00Z')
    .option('--reason <text>', 'why, as the plan shows it', 'disruption given on the command line');
}

/** The job parameter `disruption` from the options, checked like the API's (field names as there). */
function disruptionParam(o: DisruptionOptions, defaultFrom: string): Record<string, unknown> | undefined {
  const targets = [o.closeNode, o.closeService, o.delayNode, o.delayService].filter((x) => x !== undefined);
  if (targets.length === 0) {
    if (o.disruptionFrom || o.disruptionTo || o.delayMinutes)
      throw new LandbridgeError(
        'invalid-input',
        '--disruption-from, --disruption-to and --delay-minutes need one of --close-node, --close-service, --delay-node, --delay-service',
      );
    return undefined;
  }
  if (targets.length > 1)
    throw new LandbridgeError(
      'invalid-input',
      'name one of --close-node, --close-service, --delay-node, --delay-service',
    );
  if (!o.disruptionTo)
    throw new LandbridgeError('invalid-input', 'a disruption needs --disruption-to (when it ends)');
  const delayed = o.delayNode !== undefined || o.delayService !== undefined;
  return {
    ...(o.closeNode || o.delayNode ? { nodeId: o.closeNode ?? o.delayNode } : {}),
    ...(o.closeService || o.delayService ? { serviceId: o.closeService ?? o.delayService } : {}),
    from: o.disruptionFrom ?? defaultFrom,
    to: o.disruptionTo,
    effect: delayed ? 'delayed' : 'closed',
    ...(o.delayMinutes !== undefined
      ? { delayMinutes: intOption(o.delayMinutes, '--delay-minutes', 1) }
      : {}),
    reason: o.reason ?? 'disruption given on the command line',
  };
}

/** The plan jobs (the solver, the queue…): loaded by `plan run` and `plan replan`, not by `plan verify`. */
const planJobs = () => import('../jobs/index.ts');

/** The checked job parameters, or a clear error naming each option's field. */
async function checkedParams(raw: Record<string, unknown>, network: Network): Promise<PlanParams> {
  const { disruptionProblems, PlanParamsSchema } = await planJobs();
  const parsed = PlanParamsSchema.safeParse(raw);
  if (!parsed.success)
    throw new LandbridgeError('invalid-input', 'not valid plan parameters', problemsFromZod(parsed.error));
  const problems = disruptionProblems(network, parsed.data.disruption);
  if (problems.length > 0)
    throw new LandbridgeError(
      'invalid-input',
      problems[0]!.why,
      problems.map((p) => ({ where: { field: p.field }, why: p.why })),
    );
  return parsed.data;
}

/** Reads a plan document written by `plan run` or `plan replan`. */
function readPlan(file: string): PlanDocument {
  let doc: PlanDocument;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as PlanDocument;
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${file}`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
  if (doc?.format !== 'landbridge-plan/1')
    throw new LandbridgeError('invalid-input', `${file} is not a landbridge-plan/1 document`);
  return doc;
}

/** `landbridge plan run`, `landbridge plan replan` and `landbridge plan verify`. */
export function planCommands(program: Command): void {
  const plan = program.command('plan').description(commandDescription('plan'));

  disruptionOptions(plan.command('run'))
    .description(
      'Plan the stored parcels ready in a window; prints cost, lower bound, gap; writes JSON and CSV',
    )
    .option('--from <date>', 'first ready day (hub calendar), default today')
    .option('--days <n>', 'ready days in the horizon', '14')
    .option('--currency <code>', 'plan currency', 'USD')
    .option('--late-penalty <minor>', 'penalty per parcel-day late, minor units', '500')
    .option('--carbon-price <minor>', 'price per tonne CO2e, minor units', '0')
    .option('--seller <id>', 'only this seller’s parcels')
    .option('--rounds <n>', 'most rounds of the relaxation (master LP solves)', '60')
    .option(
      '--linking',
      'linking rows in the relaxation: a tighter bound where departures carry few containers, much slower',
    )
    .option('--out <file>', 'plan document (JSON)', 'plan.json')
    .option('--csv <file>', 'a row a parcel (CSV)')
    .action(
      action(
        async (
          opts: {
            from?: string;
            days: string;
            currency: string;
            latePenalty: string;
            carbonPrice: string;
            seller?: string;
            rounds: string;
            linking?: boolean;
            out: string;
            csv?: string;
          } & DisruptionOptions,
        ) => {
          const raw = {
            ...(opts.from ? { from: opts.from } : {}),
            days: intOption(opts.days, '--days', 1),
            currency: opts.currency,
            latePenaltyMinorPerDay: intOption(opts.latePenalty, '--late-penalty'),
            carbonPriceMinorPerTonne: intOption(opts.carbonPrice, '--carbon-price'),
            maxRounds: intOption(opts.rounds, '--rounds', 1),
            ...(opts.linking !== undefined ? { linking: opts.linking } : {}),
          };
          await withStore(async (store) => {
            const network = await activeNetwork(store);
            const hubZone = network.nodes.find((n) => n.id === network.hub)?.zone ?? 'UTC';
            const start = new Date(
              zonedToUtcMs(opts.from ?? localDate(Date.now(), hubZone), '00:00', hubZone),
            ).toISOString();
            const disruption = disruptionParam(opts, start);
            const params = await checkedParams({ ...raw, ...(disruption ? { disruption } : {}) }, network);
            const bar = progressBar('planning');
            const started = performance.now();
            const landed = await landedFromStore(store);
            const { runPlan } = await planJobs();
            const doc = await runPlan(store, network, fxConverter(landed.fx), params, {
              ...(opts.seller ? { sellerId: opts.seller } : {}),
              nowMs: Date.now(),
              landed,
              onProgress: (f) => bar.update(Math.round(f * 100), 100),
            });
            bar.stop();
            writeFileSync(opts.out, JSON.stringify(doc));
            if (opts.csv) writeFileSync(opts.csv, planCsv(doc));
            const s = doc.summary;
            console.log(
              `planned ${s.planned} of ${s.parcels} parcels in ${((performance.now() - started) / 1000).toFixed(1)} s → ${opts.out}`,
            );
            console.log(
              `  cost ${money(s.costMinor, s.currency)}; lower bound ${money(s.lowerBoundMinor, s.currency)}; gap ${s.gapPercent.toFixed(3)} %`,
            );
            console.log(
              `  on time ${(s.onTimeRate * 100).toFixed(1)} %; late ${s.late} (${s.lateDays} parcel-days); held ${s.held}; ${s.containers} containers on ${s.departuresUsed} departures; ${s.co2eKg} kg CO2e`,
            );
            if (doc.baseline)
              console.log(
                `  greedy baseline ${money(doc.baseline.costMinor, s.currency)} (on time ${(doc.baseline.onTimeRate * 100).toFixed(1)} %)`,
              );
            console.log(
              `  the cost includes ${s.costBasis === 'freight' ? 'freight only' : 'freight and DDP import charges'}`,
            );
          });
        },
      ),
    );

  disruptionOptions(
    plan
      .command('replan')
      .description(
        'Re-plan a plan document around a disruption: parcels keep their itineraries unless it breaks them or moving saves',
      )
      .argument('<plan>', 'plan document (JSON) from `plan run`')
      .option('--rounds <n>', 'most rounds of the relaxation (master LP solves)', '60')
      .option('--out <file>', 're-plan document (JSON)', 'replan.json')
      .option('--csv <file>', 'a row a parcel (CSV)'),
  ).action(
    action(async (file: string, opts: { rounds: string; out: string; csv?: string } & DisruptionOptions) => {
      const previous = readPlan(file);
      await withStore(async (store) => {
        const network = await activeNetwork(store);
        const disruption = disruptionParam(opts, previous.horizon.from);
        const params = await checkedParams(
          { maxRounds: intOption(opts.rounds, '--rounds', 1), ...(disruption ? { disruption } : {}) },
          network,
        );
        const landed = await landedFromStore(store);
        const started = performance.now();
        const { runReplan } = await planJobs();
        const doc = await runReplan(store, network, fxConverter(landed.fx), params, previous, {
          ...(previous.scope ? { sellerId: previous.scope.sellerId } : {}),
          landed,
        });
        writeFileSync(opts.out, JSON.stringify(doc));
        if (opts.csv) writeFileSync(opts.csv, planCsv(doc));
        const r = doc.replan;
        const change = r.costAfterMinor - r.costBeforeMinor;
        console.log(
          `re-planned ${doc.summary.planned} of ${doc.summary.parcels} parcels in ${((performance.now() - started) / 1000).toFixed(1)} s → ${opts.out}`,
        );
        console.log(`  ${r.disruption}: ${r.affected} affected, ${r.movedCount} moved`);
        console.log(
          `  cost ${money(r.costBeforeMinor, doc.summary.currency)} → ${money(r.costAfterMinor, doc.summary.currency)} (${change >= 0 ? '+' : '−'}${money(Math.abs(change), doc.summary.currency)}), both ${r.costBasis === 'freight' ? 'freight only' : 'with DDP import charges'}`,
        );
      });
    }),
  );

  plan
    .command('verify')
    .description(
      'Re-check a plan against the network, tariffs and the stored parcels by a separate code path',
    )
    .argument('<plan>', 'plan document (JSON) from `plan run`')
    .action(
      action(async (file: string) => {
        const doc = readPlan(file);
        await withStore(async (store) => {
          const network = await activeNetwork(store);
          // The plan's input: the parcels ready in its window (of its seller, for a seller's plan).
          const fromMs = Date.parse(doc.horizon.from);
          const stored = await store.parcels.listForPlanning({
            fromMs,
            toMs: fromMs + doc.horizon.days * 86_400_000,
            ...(doc.scope?.sellerId ? { sellerId: doc.scope.sellerId } : {}),
          });
          const landed = await landedFromStore(store);
          const fx = fxConverter(landed.fx);
          const byId = new Map(stored.map((p) => [p.id, p]));
          const currency = doc.summary.currency as Currency;
          const check = verifyPlan(network, byId, doc, fx, {
            importCharges: (id, trip) => importChargeFor(byId.get(id)!, trip, currency, landed),
          });
          if (check.ok) {
            console.log(
              `${file}: the plan holds — ${doc.summary.planned} planned and ${doc.summary.held} held of ${stored.length} parcels; cost ${check.costMinor} recomputed, ${check.claimedCostMinor} claimed (${doc.summary.currency} minor units, ${doc.summary.costBasis ?? 'freight'}${check.importChargesChecked ? ', import charges recomputed' : ''})`,
            );
            return;
          }
          for (const v of check.violations.slice(0, 50)) {
            console.error(
              `  [${v.rule}] ${[v.parcelId && `parcel ${v.parcelId}`, v.departureId && `departure ${v.departureId}`, v.containerId && `container ${v.containerId}`].filter(Boolean).join(', ')}: ${v.why}`,
            );
          }
          console.error(
            `${file}: ${check.violations.length} violation${check.violations.length === 1 ? '' : 's'}`,
          );
          process.exitCode = 1;
        });
      }),
    );
}
