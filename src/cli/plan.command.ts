import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LandbridgeError } from '../domain/index.ts';
import { fxConverter } from '../files/index.ts';
import { PlanParamsSchema, runPlan } from '../jobs/index.ts';
import { type PlanDocument, planCsv, verifyPlan } from '../plan/index.ts';
import { activeNetwork, fxFromStore, landedFromStore, withStore } from './context.ts';
import { progressBar } from './progress.ts';
import { action, intOption } from './run.ts';

const money = (minor: number, currency: string) =>
  `${currency} ${(minor / 100).toLocaleString('en', { maximumFractionDigits: 0 })}`;

/** `landbridge plan run` and `landbridge plan verify`. */
export function planCommands(program: Command): void {
  const plan = program
    .command('plan')
    .description('Consolidation plans: each parcel on a departure and in a container');

  plan
    .command('run')
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
        async (opts: {
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
        }) => {
          const parsed = PlanParamsSchema.safeParse({
            ...(opts.from ? { from: opts.from } : {}),
            days: intOption(opts.days, '--days', 1),
            currency: opts.currency,
            latePenaltyMinorPerDay: intOption(opts.latePenalty, '--late-penalty'),
            carbonPriceMinorPerTonne: intOption(opts.carbonPrice, '--carbon-price'),
            maxRounds: intOption(opts.rounds, '--rounds', 1),
            ...(opts.linking !== undefined ? { linking: opts.linking } : {}),
          });
          if (!parsed.success)
            throw new LandbridgeError(
              'invalid-input',
              parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
            );
          await withStore(async (store) => {
            const network = await activeNetwork(store);
            const bar = progressBar('planning');
            const started = performance.now();
            const landed = await landedFromStore(store);
            const doc = await runPlan(store, network, fxConverter(landed.fx), parsed.data, {
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
          });
        },
      ),
    );

  plan
    .command('verify')
    .description(
      'Re-check a plan against the network, tariffs and the stored parcels by a separate code path',
    )
    .argument('<plan>', 'plan document (JSON) from `plan run`')
    .action(
      action(async (file: string) => {
        let doc: PlanDocument;
        try {
          doc = JSON.parse(readFileSync(file, 'utf8')) as PlanDocument;
        } catch (e) {
          throw new LandbridgeError('invalid-input', `cannot read ${file}`, [
            { where: { file }, why: (e as Error).message },
          ]);
        }
        if (doc.format !== 'landbridge-plan/1')
          throw new LandbridgeError('invalid-input', `${file} is not a landbridge-plan/1 document`);
        await withStore(async (store) => {
          const network = await activeNetwork(store);
          const fromMs = Date.parse(doc.horizon.from);
          const stored = await store.parcels.listForPlanning({
            fromMs: fromMs - 86_400_000,
            toMs: fromMs + (doc.horizon.days + 1) * 86_400_000,
          });
          const fx = fxConverter((await fxFromStore(store)).tables);
          const check = verifyPlan(network, new Map(stored.map((p) => [p.id, p])), doc, fx);
          if (check.ok) {
            console.log(
              `${file}: the plan holds — cost ${check.costMinor} recomputed, ${check.claimedCostMinor} claimed (${doc.summary.currency} minor units)`,
            );
            return;
          }
          for (const v of check.violations.slice(0, 50)) {
            console.error(
              `  ${[v.parcelId && `parcel ${v.parcelId}`, v.departureId && `departure ${v.departureId}`, v.containerId && `container ${v.containerId}`].filter(Boolean).join(', ')}: ${v.why}`,
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
