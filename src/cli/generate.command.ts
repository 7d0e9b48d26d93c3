import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { LandbridgeError, PARCEL_CSV_COLUMNS, parcelCsvRows } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { commandDescription } from './commands.ts';
import { withStore } from './context.ts';
import { action, intOption } from './run.ts';

/** `landbridge generate parcels`: a documented synthetic mix, the same file for the same seed. */
export function generateCommands(program: Command): void {
  const generate = program.command('generate').description(commandDescription('generate'));
  generate
    .command('parcels')
    .description('Write synthetic parcels (mix documented in data/generator/README.md); same seed, same file')
    .requiredOption('--count <n>', 'how many parcels')
    .option('--seed <n>', 'random seed', '1')
    .requiredOption('--from <date>', 'first ready day, YYYY-MM-DD (Chongqing time)')
    .option('--days <n>', 'spread ready times over this many days', '1')
    .option('--out <file>', 'output file (default: standard output)')
    .option('--format <format>', 'csv or json (default: from --out extension, else csv)')
    .option('--register-sellers', 'also add the generated sellers to the store, so the file imports as it is')
    .action(
      action(
        async (opts: {
          count: string;
          seed: string;
          from: string;
          days: string;
          out?: string;
          format?: string;
          registerSellers?: boolean;
        }) => {
          const count = intOption(opts.count, '--count', 1);
          const seed = intOption(opts.seed, '--seed');
          const days = intOption(opts.days, '--days', 1);
          if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.from))
            throw new LandbridgeError('invalid-input', '--from must be a date YYYY-MM-DD');
          const format = opts.format ?? (opts.out?.endsWith('.json') ? 'json' : 'csv');
          if (format !== 'csv' && format !== 'json')
            throw new LandbridgeError('invalid-input', '--format must be csv or json');
          const { sellers, parcels } = generateParcels({ count, seed, from: opts.from, days });
          if (opts.registerSellers) {
            await withStore(async (store) => {
              for (const seller of sellers) await store.sellers.upsert(seller);
            });
            console.error(`registered ${sellers.length} sellers in the store`);
          }
          const out = opts.out ? createWriteStream(opts.out) : process.stdout;
          let failure: Error | undefined;
          out.on('error', (e: Error) => {
            failure = e;
          });
          const write = async (text: string) => {
            if (failure) throw failure;
            if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          };
          if (format === 'csv') {
            await write(`${PARCEL_CSV_COLUMNS.join(',')}\n`);
            let chunk: string[] = [];
            for (const p of parcels) {
              chunk.push(...parcelCsvRows(p));
              if (chunk.length >= 5_000) {
                await write(`${chunk.join('\n')}\n`);
                chunk = [];
              }
            }
            if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
          } else {
            await write('[\n');
            for (let i = 0; i < parcels.length; i++)
              await write(`${JSON.stringify(parcels[i])}${i + 1 < parcels.length ? ',' : ''}\n`);
            await write(']\n');
          }
          if (opts.out) {
            await new Promise<void>((resolve, reject) =>
              (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) =>
                e ? reject(e) : resolve(),
              ),
            );
            console.error(`wrote ${count} parcels to ${opts.out}`);
          }
        },
      ),
    );
}
