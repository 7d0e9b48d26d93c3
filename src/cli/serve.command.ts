import type { Command } from 'commander';
import { buildServer } from '../api/index.ts';
import { LandbridgeError } from '../domain/index.ts';
import { TestCustomsResponder } from '../eport/test-responder.ts';
import { LiveFx, readDutyRules, readNetworkFile, readTrackingData } from '../files/index.ts';
import { CustomsExchangeJob, JourneyJob, PlanRunner } from '../jobs/index.ts';
import { fileSamplePlan, prepareSampleHub } from '../sample/index.ts';
import { activeNetwork, DUTIES_DIR, fxFromStore, SAMPLE_NETWORK_FILE, storeFromEnv } from './context.ts';
import { customsServiceFor } from './customs.command.ts';
import { action } from './run.ts';

/** How often the server looks for newly imported exchange rates. */
const FX_RELOAD_MS = 60_000;

function port(): number {
  const text = process.env.PORT ?? '8080';
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new LandbridgeError('invalid-input', `PORT must be a port number, got "${text}"`);
  return Number(text);
}

/** `landbridge serve`: the API (and, with --sample, the sample hub) on HOST:PORT. */
export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the API on $HOST:$PORT (default 127.0.0.1:8080); migrations run first')
    .option(
      '--sample',
      'load the sample Chongqing hub: network, demo sellers, a day of parcels, fresh demo keys',
    )
    .option('--quiet', 'no request log')
    .action(
      action(async (opts: { sample?: boolean; quiet?: boolean }) => {
        const started = performance.now();
        const host = process.env.HOST ?? '127.0.0.1';
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
        }
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
        const customsJob = new CustomsExchangeJob({
          store,
          hubId: network.hub,
          folders: customs.options.folders,
          nowMs: Date.now,
          ...(customs.options.events ? { sink: customs.options.events } : {}),
          ...(opts.sample ? { testResponder: new TestCustomsResponder(customs.options.folders) } : {}),
        });
        // Webhook URLs may reach private addresses only when the operator says so (a closed network).
        const webhooksAllowPrivate = process.env.LANDBRIDGE_WEBHOOKS_ALLOW_PRIVATE === '1';
        const app = await buildServer({
          store,
          network,
          fx,
          landed,
          logger: !opts.quiet,
          customs,
          customsJob,
          webhooksAllowPrivate,
        });
        const journeyJob = new JourneyJob({
          store,
          network: () => network,
          defaults: () => readTrackingData().durations,
          policy: { allowPrivate: webhooksAllowPrivate },
        });
        const runner = new PlanRunner(store, () => network, fx, Date.now, 250, landed, {
          get fxTables() {
            return live.tables;
          },
        });
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
        await runner.start();
        customsJob.start();
        journeyJob.start();
        if (opts.sample && (await store.plans.list()).every((p) => p.status === 'failed')) {
          const job = await store.plans.create({ days: 14 });
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
          await customsJob.stop();
          await journeyJob.stop();
          clearInterval(fxRefresh);
          await runner.stop();
          await app.close();
          await store.close();
          process.exit(0);
        };
        process.once('SIGINT', close);
        process.once('SIGTERM', close);
        await app.listen({ host, port: listenPort });
        const base = `http://${host === '0.0.0.0' ? 'localhost' : host}:${listenPort}`;
        console.log(
          `Landbridge API on ${base}  (docs ${base}/docs; store ${store.dialect}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
        );
        console.log(`Try: curl -H "Authorization: Bearer <key>" ${base}/v1/network`);
      }),
    );
}
