import type { Command } from 'commander';
import { formatProblem } from '../domain/index.ts';
import { commandDescription } from './commands.ts';
import { withStore } from './context.ts';
import { say } from './printable.ts';
import { progressBar } from './progress.ts';
import { action, intOption } from './run.ts';

export function parcelsCommands(program: Command): void {
  const parcels = program.command('parcels').description(commandDescription('parcels'));

  parcels
    .command('import')
    .description(
      'Import parcels from a CSV or JSON file, all or nothing (exit 2 and nothing written on any bad row)',
    )
    .argument('<file>', 'parcel file (.csv: one row per item line; .json: an array of parcels)')
    .option('--seller <id>', 'seller of rows that do not name one in seller_id')
    .action(
      action(async (file: string, opts: { seller?: string }) => {
        const started = performance.now();
        // the file readers and the intake checks: `parcels import` alone needs them
        const [{ readParcelFile }, { importParcels }] = await Promise.all([
          import('../files/index.ts'),
          import('../intake/index.ts'),
        ]);
        const batch = readParcelFile(file);
        await withStore(async (store) => {
          const bar = progressBar('importing');
          try {
            const result = await importParcels(store, batch, {
              actor: { role: 'operator' },
              receivedAtMs: Date.now(),
              file,
              sellerField: file.endsWith('.csv') ? 'seller_id' : 'sellerId',
              ...(opts.seller ? { defaultSellerId: opts.seller } : {}),
              onProgress: (done, total) => bar.update(done, total),
            });
            bar.stop();
            const seconds = (performance.now() - started) / 1000;
            say(`imported ${result.imported} parcels from ${file} in ${seconds.toFixed(2)} s`);
            if (result.flags.length > 0) {
              say(
                `${result.flags.length} item line${result.flags.length === 1 ? '' : 's'} flagged (imported; check the HS code or the description):`,
              );
              for (const f of result.flags.slice(0, 20)) say(`  ${formatProblem(f)}`);
              if (result.flags.length > 20) say(`  … and ${result.flags.length - 20} more`);
            }
          } finally {
            bar.stop();
          }
        });
      }),
    );

  parcels
    .command('list')
    .description('List parcels, newest first')
    .option('--seller <id>', 'one seller')
    .option('--status <status>', 'one status')
    .option('--country <code>', 'one destination country')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'JSON lines')
    .action(
      action(
        async (opts: {
          seller?: string;
          status?: string;
          country?: string;
          limit: string;
          json?: boolean;
        }) => {
          await withStore(async (store) => {
            const page = await store.parcels.list({
              ...(opts.seller ? { sellerId: opts.seller } : {}),
              ...(opts.status ? { status: opts.status as never } : {}),
              ...(opts.country ? { country: opts.country } : {}),
              limit: intOption(opts.limit, '--limit', 1),
            });
            for (const p of page.items) {
              if (opts.json) console.log(JSON.stringify(p));
              else
                say(
                  `${p.id}  ${p.sellerId.padEnd(16)} ${p.externalOrderId.padEnd(14)} ${p.consignee.country} ${String(p.grossWeightG).padStart(8)} g  ${p.serviceLevel.padEnd(8)} ${p.status}`,
                );
            }
          });
        },
      ),
    );
}
