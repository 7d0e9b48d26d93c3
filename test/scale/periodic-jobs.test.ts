/**
 * The periodic jobs (customs exchange, the journey's pass) run for every hub, on the one `everyMs`
 * facility of the job queues: in process beside a SQLite store (`npm start`), and on pg-boss with two
 * workers on one PostgreSQL, where a hub's pass never runs twice at once.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubJobs } from '../../src/cli/jobs.ts';
import { exchangeFolders } from '../../src/eport/folders.ts';
import { readNetworkFile } from '../../src/files/index.ts';
import { definePeriodicJobs, InProcessQueue, type JobQueue, PgBossQueue } from '../../src/jobs/index.ts';
import { AIR_HUB_ID, airHubNetwork } from '../../src/sample/index.ts';
import { DEFAULT_HUB_ID, openStore, type Store, withHub } from '../../src/store/index.ts';
import { freshDatabase, postgresSkipReason } from './pg-database.ts';

const network = readNetworkFile(new URL('../../data/network/chongqing.yaml', import.meta.url).pathname);
const air = airHubNetwork(network);

const until = async (check: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The store with its webhook deliveries due read through a spy: which hubs a journey pass ran for. */
function spied(store: Store, seen: string[]): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'webhooks') return Reflect.get(target, key, receiver);
      return {
        ...target.webhooks,
        due: (hubId: string, nowMs: number, limit: number) => {
          seen.push(hubId);
          return target.webhooks.due(hubId, nowMs, limit);
        },
      };
    },
  });
}

/** Runs the periodic jobs of both hubs on `queues` and checks each hub's exchange and journey ran. */
async function bothHubs(store: Store, root: string, queues: JobQueue[]) {
  await store.networkVersions.save(network, { activate: true });
  await withHub(AIR_HUB_ID, () => store.networkVersions.save(air, { activate: true }));
  const hubNetworks = new Map((await store.networkVersions.listActive()).map((v) => [v.hubId, v.network]));
  expect([...hubNetworks.keys()].sort()).toEqual([AIR_HUB_ID, DEFAULT_HUB_ID]);
  // A receipt customs' client cannot have written, in each hub's own in folder.
  const xiyong = await exchangeFolders(root);
  const airIn = join(root, 'hubs', AIR_HUB_ID, 'in');
  mkdirSync(airIn, { recursive: true });
  writeFileSync(join(xiyong.in, 'receipt-x.xml'), '<not-a-receipt/>');
  writeFileSync(join(airIn, 'receipt-a.xml'), '<not-a-receipt/>');
  const seen: string[] = [];
  const running = new Map<string, number>();
  let overlap = 0;
  for (const queue of queues) {
    const jobs = hubJobs({
      store: spied(store, seen),
      network: () => network,
      hubNetworks: () => hubNetworks,
      customs: { store, hubId: DEFAULT_HUB_ID, folders: xiyong, nowMs: Date.now },
    });
    // Counts passes of a hub running at once over all the queues (workers).
    const journey = jobs.journey;
    const runOnce = journey.runOnce.bind(journey);
    journey.runOnce = async (hubId?: string) => {
      const hub = hubId ?? DEFAULT_HUB_ID;
      running.set(hub, (running.get(hub) ?? 0) + 1);
      overlap = Math.max(overlap, running.get(hub)!);
      try {
        await new Promise((r) => setTimeout(r, 150));
        return await runOnce(hubId);
      } finally {
        running.set(hub, running.get(hub)! - 1);
      }
    };
    definePeriodicJobs(queue, jobs);
  }
  for (const queue of queues) await queue.start({ work: true });
  try {
    await until(
      () =>
        seen.filter((h) => h === AIR_HUB_ID).length >= 3 &&
        seen.filter((h) => h === DEFAULT_HUB_ID).length >= 3 &&
        readdirSync(xiyong.error).some((f) => f.startsWith('receipt-x')) &&
        existsSync(join(root, 'hubs', AIR_HUB_ID, 'error')) &&
        readdirSync(join(root, 'hubs', AIR_HUB_ID, 'error')).some((f) => f.startsWith('receipt-a')),
    );
  } finally {
    for (const queue of queues) await queue.stop();
  }
  // Each hub's exchange read its own folder only: the unreadable receipt went to that hub's error folder.
  expect(readdirSync(xiyong.in).filter((f) => f.endsWith('.xml'))).toEqual([]);
  expect(readdirSync(airIn).filter((f) => f.endsWith('.xml'))).toEqual([]);
  expect(readdirSync(xiyong.error).some((f) => f.startsWith('receipt-a'))).toBe(false);
  expect(overlap).toBe(1);
}

describe('periodic jobs of every hub, in process (SQLite)', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-periodic-'));
    process.env.LANDBRIDGE_CUSTOMS_EXCHANGE_DIR = join(dir, 'exchange');
    store = await openStore(`sqlite:${join(dir, 'hub.db')}`);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the customs exchange and the journey pass for both hubs, each in its own folders', async () => {
    await bothHubs(store, join(dir, 'exchange'), [new InProcessQueue()]);
  }, 60_000);
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(
  `periodic jobs of every hub, on pg-boss with two workers${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let dir: string;
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let store: Store;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lb-periodic-pg-'));
      process.env.LANDBRIDGE_CUSTOMS_EXCHANGE_DIR = join(dir, 'exchange');
      db = await freshDatabase('lb_scale_periodic');
      store = await openStore(db.url);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('runs both hubs’ passes, a hub’s never on two workers at once', async () => {
      const worker = () => new PgBossQueue({ connectionString: db.url, pollSeconds: 0.5 });
      await bothHubs(store, join(dir, 'exchange'), [worker(), worker()]);
    }, 60_000);
  },
);
