import type { Command } from 'commander';
import type { Network } from '../domain/index.ts';
import { LiveFx, readDutyRules } from '../files/index.ts';
import { closeSparePlanWorker, type JobsDeps, keepSparePlanWorker } from '../jobs/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, DUTIES_DIR, fxFromStore, storeFromEnv } from './context.ts';
import { customsServiceFor } from './customs.command.ts';
import { hubJobs, startPgBossJobs } from './jobs.ts';
import { action } from './run.ts';

/** How often a worker looks for a newly activated network version and newly imported rates. */
const RELOAD_MS = 30_000;

/**
 * `landbridge worker`: takes background jobs from pg-boss on the store's PostgreSQL — plan runs and
 * re-plans, the customs exchange, and every job defined in src/jobs/catalog.ts. Run any number, on any
 * machine that reaches the database; a worker that dies loses its job to another once its lease runs out.
 */
export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description(commandDescription('worker'))
    .option(
      '--no-customs',
      'do not run the customs exchange (e.g. on a machine without the exchange folders)',
    )
    .action(
      action(async (opts: { customs: boolean }) => {
        const store = await storeFromEnv();
        let network = await activeNetwork(store);
        // Every hub's active network: a plan job plans with its hub's.
        let hubNetworks = new Map<string, Network>();
        const loadHubs = async () => {
          hubNetworks = new Map((await store.networkVersions.listActive()).map((v) => [v.hubId, v.network]));
        };
        await loadHubs();
        const initial = await fxFromStore(store);
        const live = new LiveFx(initial.tables, initial.importedAtMs);
        const landed = {
          rules: readDutyRules(DUTIES_DIR),
          get fx() {
            return live.tables;
          },
        };
        // The default hub's exchange folders come from the customs service (as the API's routes use).
        const customs = opts.customs
          ? (await customsServiceFor(store, () => network, Date.now, live.converter)).options
          : undefined;
        const periodic = hubJobs({
          store,
          network: () => network,
          hubNetworks: () => hubNetworks,
          ...(customs
            ? {
                customs: {
                  store,
                  hubId: network.hub,
                  folders: customs.folders,
                  nowMs: Date.now,
                  ...(customs.events ? { sink: customs.events } : {}),
                },
              }
            : {}),
        });
        const deps: JobsDeps = {
          hubs: periodic.hubs,
          journey: periodic.journey,
          ...(periodic.customs ? { customs: periodic.customs } : {}),
          plans: {
            store,
            network: (hubId) => hubNetworks.get(hubId) ?? network,
            fx: live.converter,
            nowMs: Date.now,
            landed,
            worker: {
              get fxTables() {
                return live.tables;
              },
            },
          },
        };
        const queue = await startPgBossJobs(store, deps, true);
        // a plan worker loaded ahead of the next plan job
        keepSparePlanWorker();
        const reload = setInterval(() => {
          void (async () => {
            const active = await store.networkVersions.getActive(network.id);
            if (active && active.network.version !== network.version) network = active.network;
            await loadHubs();
            const latest = await store.fx.lastImportedAtMs();
            if (latest !== undefined && latest !== live.importedAtMs) {
              const next = await fxFromStore(store);
              live.set(next.tables, next.importedAtMs);
            }
          })().catch(() => {});
        }, RELOAD_MS);
        const close = async () => {
          clearInterval(reload);
          await queue.stop();
          await closeSparePlanWorker();
          await store.close();
          process.exit(0);
        };
        process.once('SIGINT', close);
        process.once('SIGTERM', close);
        console.log(
          `Landbridge worker ${process.pid} taking jobs (pg-boss; hubs ${(await periodic.hubs()).join(', ')}; network ${network.id} ${network.version}${opts.customs ? '; customs exchange' : ''}).`,
        );
      }),
    );
}
