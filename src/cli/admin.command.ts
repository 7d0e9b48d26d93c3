import type { Command } from 'commander';
import { LandbridgeError, problemsFromZod, SellerSchema } from '../domain/index.ts';
import { commandDescription } from './commands.ts';
import { withStore } from './context.ts';
import { jobsSchema, pgBossQueue } from './jobs.ts';
import { say } from './printable.ts';
import { action } from './run.ts';

/** Sellers and API keys. */
export function adminCommands(program: Command): void {
  const sellers = program.command('sellers').description(commandDescription('sellers'));
  sellers
    .command('add')
    .description('Add or update a seller')
    .argument('<id>', 'seller id: lower-case letters, digits, dashes')
    .requiredOption('--name <name>', 'company name')
    .option('--country <code>', 'ISO country code', 'CN')
    .action(
      action(async (id: string, opts: { name: string; country: string }) => {
        const parsed = SellerSchema.safeParse({ id, name: opts.name, country: opts.country });
        if (!parsed.success)
          throw new LandbridgeError('invalid-input', 'not a valid seller', problemsFromZod(parsed.error));
        await withStore(async (store) => {
          await store.sellers.upsert(parsed.data);
          say(`seller ${id} saved`);
        });
      }),
    );
  sellers
    .command('list')
    .description('List sellers')
    .action(
      action(async () => {
        await withStore(async (store) => {
          for (const s of await store.sellers.list()) say(`${s.id.padEnd(20)} ${s.country}  ${s.name}`);
        });
      }),
    );

  const keys = program.command('keys').description(commandDescription('keys'));
  keys
    .command('create')
    .description('Create an API key for a seller, or the operator')
    .option('--seller <id>', 'the seller the key speaks for')
    .option('--operator', 'an operator key (sees every seller)')
    .option('--label <text>', 'what the key is for', 'cli')
    .action(
      action(async (opts: { seller?: string; operator?: boolean; label: string }) => {
        if (!!opts.operator === !!opts.seller)
          throw new LandbridgeError('invalid-input', 'give exactly one of --seller <id> and --operator');
        await withStore(async (store) => {
          const created = await store.apiKeys.create(
            opts.operator
              ? { role: 'operator', label: opts.label }
              : { role: 'seller', sellerId: opts.seller!, label: opts.label },
          );
          console.log(created.key);
          console.error(`key ${created.id} created; it is not stored in clear and cannot be shown again`);
        });
      }),
    );
  keys
    .command('list')
    .description('List API keys (never the keys themselves)')
    .action(
      action(async () => {
        await withStore(async (store) => {
          for (const k of await store.apiKeys.list()) {
            say(
              `${k.id}  ${k.role.padEnd(8)} ${(k.sellerId ?? '').padEnd(18)} ${k.label.padEnd(12)} ${k.revokedAtMs ? 'revoked' : 'live'}`,
            );
          }
        });
      }),
    );
  keys
    .command('revoke')
    .description('Revoke an API key by its id')
    .argument('<id>', 'key id from `keys list`')
    .action(
      action(async (id: string) => {
        await withStore(async (store) => {
          if (!(await store.apiKeys.revoke(id))) throw new LandbridgeError('not-found', `no live key ${id}`);
          say(`key ${id} revoked`);
        });
      }),
    );

  program
    .command('migrate')
    .description(commandDescription('migrate'))
    .action(
      action(async () => {
        await withStore(async (store) => {
          if (store.dialect === 'postgres') {
            // pg-boss's own tables, so that workers and API processes start on an installed schema.
            const queue = pgBossQueue();
            await queue.start();
            await queue.stop();
          }
          say(
            `store migrated (${store.dialect}${store.dialect === 'postgres' ? `; job queue schema ${jobsSchema()}` : ''})`,
          );
        });
      }),
    );
}
