import type { Command } from 'commander';
import { buildServer } from '../api/index.ts';
import { startLoopMonitor } from '../api/loop-monitor.ts';
import { LandbridgeError } from '../domain/index.ts';
import { TestCustomsResponder } from '../eport/test-responder.ts';
import { LiveFx, readDutyRules, readNetworkFile, readTrackingData } from '../files/index.ts';
import {
  closeSparePlanWorker,
  definePeriodicJobs,
  InProcessQueue,
  type JobQueue,
  keepSparePlanWorker,
  PlanRunner,
  sendPlanJob,
} from '../jobs/index.ts';
import { fileSamplePlan, prepareSampleHub, prepareSampleMonth } from '../sample/index.ts';
import { DEFAULT_HUB_ID } from '../store/index.ts';
import { apiNice, poolNice, setThreadPriority, TaskPool } from '../workers/index.ts';
import { commandDescription } from './commands.ts';
import { activeNetwork, DUTIES_DIR, fxFromStore, SAMPLE_NETWORK_FILE, storeFromEnv } from './context.ts';
import { customsServiceFor } from './customs.command.ts';
import { hubJobs, startPgBossJobs } from './jobs.ts';
import { action } from './run.ts';

/** How often the server looks for newly imported exchange rates. */
const FX_RELOAD_MS = 60_000;

function port(): number {
  const text = process.env.PORT ?? '8080';
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new LandbridgeError('invalid-input', `PORT must be a port number, got "${text}"`);
  return Number(text);
}

/** The interface to listen on: `$HOST`, or loopback when it is unset or empty (never all interfaces by accident). */
export function listenHost(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.HOST?.trim();
  return host ? host : '127.0.0.1';
}

/** `landbridge serve`: the API (and, with --sample, the sample hub) on HOST:PORT. */
export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description(commandDescription('serve'))
    .option(
      '--sample',
      'load the sample Chongqing hub: network, demo sellers, a day of parcels, fresh demo keys',
    )
    .option('--quiet', 'no request log')
    .option(
      '--worker',
      'on PostgreSQL, also take background jobs here (as `landbridge worker`); implied by --sample. With SQLite jobs always run in process',
    )
    .action(
      action(async (opts: { sample?: boolean; quiet?: boolean; worker?: boolean }) => {
        const started = performance.now();
        // LANDBRIDGE_API_NICE=-5: the API's thread ahead of everything else on the machine (needs the
        // privilege); the pools and jobs it starts set their own values from there
        const askedNice = apiNice();
        if (askedNice !== undefined && !setThreadPriority(askedNice))
          console.error(
            `landbridge: LANDBRIDGE_API_NICE=${askedNice} refused (needs CAP_SYS_NICE); running at the usual priority`,
          );
        // LANDBRIDGE_LOOP_LOG_MS=20: log every event-loop callback of 20 ms or more, with its route or job
        const loopLogMs = Number(process.env.LANDBRIDGE_LOOP_LOG_MS);
        const loopMonitor = loopLogMs > 0 ? startLoopMonitor(loopLogMs) : undefined;
        const as = <T>(name: string, fn: () => T): T => (loopMonitor ? loopMonitor.run(name, fn) : fn());
        const host = listenHost();
        const listenPort = port();
        const store = await storeFromEnv();
        let network = opts.sample ? readNetworkFile(SAMPLE_NETWORK_FILE) : await activeNetwork(store);
        if (opts.sample) {
          const sample = await prepareSampleHub(store, { network, nowMs: Date.now() });
          network = (await store.networkVersions.getActive(network.id))?.network ?? network;
          console.log(
            `Sample hub ready: network ${network.id} ${network.version}; ${sample.parcelsImported} parcels imported now.`,
          );
          console.log('Demo API keys (new at every start; the previous demo keys are revoked):');
          console.log(`  operator                ${sample.operatorKey}`);
          for (const s of sample.sellerKeys)
            console.log(`  ${s.sellerId.padEnd(22)}  ${s.key}   (${s.name})`);
          console.log(
            `  operator ${sample.airHub.hubId.padEnd(13)}  ${sample.airHub.operatorKey}   (the air hub)`,
          );
        }
        // The other hubs whose networks the store holds (the sample's air hub, a park's further hubs).
        const hubNetworks = new Map(
          (await store.networkVersions.listActive())
            .filter((v) => v.hubId !== DEFAULT_HUB_ID)
            .map((v) => [v.hubId, v.network] as const),
        );
        const networkOf = (hubId: string) => hubNetworks.get(hubId) ?? network;
        // Rate tables the server swaps when `landbridge fx import` / `fx update` stores new ones.
        const initial = await fxFromStore(store);
        const live = new LiveFx(initial.tables, initial.importedAtMs);
        const fx = live.converter;
        const rules = readDutyRules(DUTIES_DIR);
        const landed = {
          rules,
          get fx() {
            return live.tables;
          },
        };
        const customs = await customsServiceFor(store, () => network, Date.now, fx);
        // The sample hub has no E-port: the TEST CUSTOMS RESPONDER (not customs) answers its out folder.
        // The exchange and the journey's pass run for every hub (see hubJobs), as periodic jobs.
        const periodic = hubJobs({
          store,
          network: () => network,
          hubNetworks: () => hubNetworks,
          customs: {
            store,
            hubId: network.hub,
            folders: customs.options.folders,
            nowMs: Date.now,
            ...(customs.options.events ? { sink: customs.options.events } : {}),
            ...(opts.sample ? { testResponder: new TestCustomsResponder(customs.options.folders) } : {}),
          },
        });
        const customsJob = periodic.customs!;
        // Webhook URLs may reach private addresses only when the operator says so (a closed network).
        const webhooksAllowPrivate = process.env.LANDBRIDGE_WEBHOOKS_ALLOW_PRIVATE === '1';
        const fxTables = {
          get fxTables() {
            return live.tables;
          },
        };
        // PostgreSQL: jobs on pg-boss; this process sends them, and takes them too with --worker or
        // --sample (otherwise `landbridge worker` processes do). SQLite: the plan runner in process.
        let jobs: JobQueue | undefined;
        if (store.dialect === 'postgres')
          jobs = await startPgBossJobs(
            store,
            {
              plans: { store, network: networkOf, fx, nowMs: Date.now, landed, worker: fxTables },
              ...periodic,
            },
            opts.worker === true || opts.sample === true,
          );
        // worker threads for heavy requests, loaded now so that the first load plan does not wait for them
        const pool = new TaskPool({ nice: poolNice() });
        pool.warm();
        // long requests (3D load plans) on threads of their own, so they never hold the quotes' threads
        const longPool = new TaskPool({ maxQueued: 32, nice: poolNice() });
        longPool.warm(1);
        const app = await buildServer({
          store,
          network,
          fx,
          landed,
          logger: !opts.quiet,
          customs,
          customsOf: async (hubId) => {
            const hubNetwork = hubNetworks.get(hubId);
            return hubNetwork && customsServiceFor(store, () => hubNetwork, Date.now, fx, hubId);
          },
          customsJob,
          hubNetworks,
          webhooksAllowPrivate,
          ...(jobs ? { jobs } : {}),
          pool,
          longPool,
          ...(loopMonitor ? { loopMonitor } : {}),
        });
        const runner = jobs
          ? undefined
          : new PlanRunner(store, networkOf, fx, Date.now, 250, landed, fxTables);
        const fxRefresh = setInterval(() => {
          void (async () => {
            const latest = await store.fx.lastImportedAtMs();
            if (latest === undefined || latest === live.importedAtMs) return;
            const next = await fxFromStore(store);
            live.set(next.tables, next.importedAtMs);
            console.log(`Exchange rates reloaded: newest reference table ${next.tables.days.at(-1)?.date}.`);
          })().catch(() => {});
        }, FX_RELOAD_MS);
        fxRefresh.unref();
        await as('plan runner', () => runner?.start());
        // a plan worker loaded ahead of the next plan job, where this process computes plans
        if (runner || opts.worker === true || opts.sample === true) keepSparePlanWorker();
        // On PostgreSQL the customs exchange and the journey's pass are pg-boss jobs (one at a time per
        // hub over every worker); with SQLite the same periodic jobs run on the in-process queue.
        const local = jobs ? undefined : new InProcessQueue();
        if (local) {
          definePeriodicJobs(local, periodic);
          await as('periodic jobs', () => local.start({ work: true }));
        }
        const isSampleMonth = (p: { params: unknown }) =>
          (p.params as { sample?: string } | null)?.sample === 'month';
        if (
          opts.sample &&
          (await store.plans.list()).every((p) => p.status === 'failed' || isSampleMonth(p))
        ) {
          const job = await store.plans.create({ days: 14 });
          if (jobs) await sendPlanJob(jobs, job.id);
          console.log(`Planning the sample hub's parcels: plan ${job.id} queued (GET /v1/plans/${job.id}).`);
        }
        if (opts.sample)
          void fileSamplePlan(customs, customsJob)
            .then((r) => {
              if (r.departures > 0)
                console.log(
                  `Customs (sample, test responder): ${r.departures} departures of plan ${r.planId} filed in ${(r.ms / 1000).toFixed(1)} s: ${r.filed} parcels declared, ${r.held} held, ${r.released} released, ${r.reported} departure reports (GET /v1/customs/declarations).`,
                );
            })
            .catch((e: Error) => console.error(`Customs (sample): ${e.message}`));
        const close = async () => {
          await local?.stop();
          await customsJob.stop();
          clearInterval(fxRefresh);
          await runner?.stop();
          await closeSparePlanWorker();
          await jobs?.stop();
          await app.close();
          await pool.close();
          await longPool.close();
          await store.close();
          if (loopMonitor) console.error(loopMonitor.stop());
          process.exit(0);
        };
        process.once('SIGINT', close);
        process.once('SIGTERM', close);
        await app.listen({ host, port: listenPort });
        if (opts.sample) {
          // The sample hub's last 30 days, simulated after the server is up (startup stays fast).
          const t = performance.now();
          void prepareSampleMonth(store, {
            network,
            fx,
            defaults: readTrackingData().durations,
            nowMs: Date.now(),
          })
            .then((r) => {
              if (r)
                console.log(
                  `Sample month simulated in ${((performance.now() - t) / 1000).toFixed(1)} s: ${r.parcels} parcels, ${r.events} events over the last 30 days (GET /v1/hub/exceptions, /v1/hub/eta/calibration).`,
                );
            })
            .catch((e: Error) => console.error(`Sample month: ${e.message}`));
        }
        const base = `http://${host === '0.0.0.0' ? 'localhost' : host}:${listenPort}`;
        console.log(
          `Landbridge API on ${base}  (docs ${base}/docs; store ${store.dialect}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
        );
        console.log(`Try: curl -H "Authorization: Bearer <key>" ${base}/v1/network`);
      }),
    );
}
