import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Hub } from '../api/hub.ts';
import { answerLoadPlan, LoadPlanRequestSchema } from '../api/load-plans.routes.ts';
import { LandbridgeError, problemsFromZod } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, converterFromFiles, withStore } from './context.ts';
import { action, intOption } from './run.ts';

/** `landbridge load`: a 3D load plan for boxes from a file, or for generated parcels. */
export function loadCommands(program: Command): void {
  program
    .command('load')
    .description(commandDescription('load'))
    .option('--file <json>', 'a load-plan request (the API body: containerType or container, boxes, options)')
    .option('--generated <n>', 'load n generated parcels of the sample mix instead of a file')
    .option('--seed <n>', 'seed for --generated', '1')
    .option('--container <type>', 'container type for --generated', '45G1')
    .option('--seconds <s>', 'search time', '2')
    .option('--support <rule>', 'full or none', 'full')
    .option('--multi', 'as few containers as possible')
    .option('--json', 'print the whole plan as JSON (placements included)')
    .action(
      action(
        async (opts: {
          file?: string;
          generated?: string;
          seed: string;
          container: string;
          seconds: string;
          support: string;
          multi?: boolean;
          json?: boolean;
        }) => {
          let raw: unknown;
          if (opts.file) {
            try {
              raw = JSON.parse(readFileSync(opts.file, 'utf8'));
            } catch (e) {
              throw new LandbridgeError('invalid-input', `cannot read ${opts.file}`, [
                { where: { file: opts.file }, why: (e as Error).message },
              ]);
            }
          } else if (opts.generated) {
            const n = intOption(opts.generated, '--generated', 1);
            const { parcels } = generateParcels({
              count: n,
              seed: intOption(opts.seed, '--seed'),
              from: '2026-12-01',
            });
            raw = {
              containerType: opts.container,
              boxes: parcels.map((p) => ({
                id: p.externalOrderId,
                lengthMm: p.dimensions.lengthMm,
                widthMm: p.dimensions.widthMm,
                heightMm: p.dimensions.heightMm,
                weightG: p.grossWeightG,
              })),
              options: {
                support: opts.support,
                timeLimitMs: Math.round(Number(opts.seconds) * 1000),
                multi: !!opts.multi,
              },
            };
          } else throw new LandbridgeError('invalid-input', 'give --file or --generated');
          const parsed = LoadPlanRequestSchema.safeParse(raw);
          if (!parsed.success)
            throw new LandbridgeError(
              'invalid-input',
              'not a valid load-plan request',
              problemsFromZod(parsed.error, opts.file ? { file: opts.file } : {}),
            );
          await withStore(async (store) => {
            const hub = new Hub(await activeNetwork(store), converterFromFiles(), Date.now);
            const answer = answerLoadPlan(hub, parsed.data);
            if (opts.json) {
              console.log(JSON.stringify(answer, null, 2));
              return;
            }
            type Shown = {
              placements: unknown[];
              volumeUtilisation: number;
              weightUtilisation: number;
              check: { valid: boolean; problems: readonly { message: string }[] };
              stats: { elapsedMs: number };
            };
            const plans: Shown[] = 'plans' in answer ? (answer.plans ?? []) : [answer as Shown];
            plans.forEach((p, i) => {
              console.log(
                `container ${i + 1}: ${p.placements.length} boxes, volume ${(p.volumeUtilisation * 100).toFixed(1)} %, weight ${(p.weightUtilisation * 100).toFixed(1)} %, check ${p.check.valid ? 'passes' : `FAILS: ${p.check.problems[0]?.message}`} (${p.stats.elapsedMs.toFixed(0)} ms)`,
              );
            });
            if ('plans' in answer)
              console.log(
                `${answer.containers} containers (volume/weight bound ${answer.lowerBound}); ${answer.unplaced.length} boxes fit no container`,
              );
            else console.log(`${answer.unplaced.length} boxes left out`);
          });
        },
      ),
    );
}
