import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { build } from 'vite';
import { buildServer } from '../../src/api/index.ts';
import { converterFromFiles, landedFromFiles, SAMPLE_NETWORK_FILE } from '../../src/cli/context.ts';
import { customsServiceFor } from '../../src/cli/customs.command.ts';
import { type ResponderAction, TestCustomsResponder } from '../../src/eport/test-responder.ts';
import { readNetworkFile } from '../../src/files/index.ts';
import { CustomsExchangeJob, PlanRunner } from '../../src/jobs/index.ts';
import { prepareSampleHub } from '../../src/sample/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const WEB_CONFIG = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

/** A running console: the API with the sample hub, the freshly built web app, and the demo keys. */
export interface ConsoleServer {
  readonly url: string;
  readonly operatorKey: string;
  readonly sellers: readonly { sellerId: string; key: string }[];
  readonly store: Store;
  readonly app: FastifyInstance;
  /** What the labelled test customs responder answers for a list, by order or waybill number (tests set it). */
  readonly customsAnswers: Record<string, ResponderAction>;
  close(): Promise<void>;
}

/** Builds the web app from the current sources into web/dist, as `npm run build:web` does (Vite, about 3 s). */
export async function buildWeb(): Promise<void> {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build: build as
  // `npm run build:web` does, for production.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: WEB_CONFIG, logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/**
 * Starts the server as `npm start` does — sample network, demo sellers and parcels, fresh keys, a
 * temporary SQLite file — on a free port of 127.0.0.1, serving the console built from the current
 * sources into web/dist. The stats and web routes are added here only while src/api/server.ts does not register them.
 */
export async function startConsoleServer(options: { parcels?: number } = {}): Promise<ConsoleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-console-'));
  await buildWeb();
  const store = await openStore(`sqlite:${join(dir, 'console.db')}`);
  const network = readNetworkFile(SAMPLE_NETWORK_FILE);
  const sample = await prepareSampleHub(store, {
    network,
    nowMs: Date.now(),
    parcelCount: options.parcels ?? 5_000,
  });
  const fx = converterFromFiles();
  // Customs as `serve --sample` has it: the exchange folders answered by the labelled test responder.
  process.env.LANDBRIDGE_CUSTOMS_EXCHANGE_DIR = join(dir, 'customs-exchange');
  const customsAnswers: Record<string, ResponderAction> = {};
  const customs = await customsServiceFor(store, () => network, Date.now, fx);
  const customsJob = new CustomsExchangeJob({
    store,
    hubId: network.hub,
    folders: customs.options.folders,
    nowMs: Date.now,
    ...(customs.options.events ? { sink: customs.options.events } : {}),
    testResponder: new TestCustomsResponder(customs.options.folders, { lists: customsAnswers }),
  });
  const app = await buildServer({ store, network, fx, landed: landedFromFiles(), customs, customsJob });
  // As `serve --sample` does: a plan runner in the process, and the sample parcels planned before the
  // first visitor arrives, so the dashboard, the map and the board have a plan to show.
  const runner = new PlanRunner(store, () => network, fx);
  const job = await store.plans.create({ days: 14 });
  await runner.start();
  for (let waited = 0; ; waited += 100) {
    const status = (await store.plans.get(job.id))?.status;
    if (status === 'done') break;
    if (status === 'failed' || waited > 60_000)
      throw new Error(
        `the sample plan did not finish: ${status} ${(await store.plans.get(job.id))?.error ?? ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  customsJob.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    operatorKey: sample.operatorKey,
    sellers: sample.sellerKeys.map((s) => ({ sellerId: s.sellerId, key: s.key })),
    store,
    app,
    customsAnswers,
    async close() {
      await customsJob.stop();
      await runner.stop();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
