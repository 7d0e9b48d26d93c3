import { LandbridgeError, type Network } from '../domain/index.ts';
import { exchangeFolders } from '../eport/folders.ts';
import { journeyEvents } from '../eport/journey-events.ts';
import { readTrackingData } from '../files/index.ts';
import {
  CustomsExchangeJob,
  type CustomsExchangeOptions,
  defineJobs,
  hubExchangeDir,
  type JobQueue,
  type JobsDeps,
  JourneyJob,
  type PeriodicJobsDeps,
  PgBossQueue,
} from '../jobs/index.ts';
import type { Store } from '../store/index.ts';
import { exchangeDir } from './customs.command.ts';

/** The schema pg-boss keeps its tables in: `LANDBRIDGE_JOBS_SCHEMA`, default `pgboss`. */
export function jobsSchema(): string {
  const schema = process.env.LANDBRIDGE_JOBS_SCHEMA?.trim() || 'pgboss';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new LandbridgeError(
      'invalid-input',
      `LANDBRIDGE_JOBS_SCHEMA must be a lower-case SQL name, got "${schema}"`,
      [{ where: { field: 'LANDBRIDGE_JOBS_SCHEMA' }, why: 'letters, digits and _, starting with a letter' }],
    );
  return schema;
}

/** The pg-boss queue on the store's PostgreSQL (`DATABASE_URL`), not started. */
export function pgBossQueue(log: (line: string) => void = (l) => console.error(l)): PgBossQueue {
  const url = process.env.DATABASE_URL ?? '';
  return new PgBossQueue({
    connectionString: url,
    schema: jobsSchema(),
    onError: (e) => log(`jobs: ${e.message}`),
  });
}

/**
 * Starts Landbridge's jobs on pg-boss (PostgreSQL only): `work` takes jobs here too (the worker's way);
 * without, this process only sends them (a stateless API process).
 */
export async function startPgBossJobs(store: Store, deps: JobsDeps, work: boolean): Promise<JobQueue> {
  if (store.dialect !== 'postgres')
    throw new LandbridgeError(
      'invalid-input',
      'background jobs on pg-boss need PostgreSQL (DATABASE_URL=postgres://…); with SQLite the server runs its jobs in process',
      [{ where: { field: 'DATABASE_URL' }, why: 'not a PostgreSQL URL' }],
    );
  const queue = pgBossQueue();
  defineJobs(queue, deps);
  await queue.start({ work });
  return queue;
}

/** What {@link hubJobs} needs from the process. */
export interface HubJobsOptions {
  readonly store: Store;
  /** The default hub's network in force. */
  readonly network: () => Network;
  /** Every hub's network in force, by hub (kept fresh by the caller). */
  readonly hubNetworks: () => ReadonlyMap<string, Network>;
  /** The default hub's exchange (the one the API's customs routes file through); none without. */
  readonly customs?: CustomsExchangeOptions;
}

/**
 * The periodic jobs' work for every hub of the store: the customs exchange (the default hub's as given;
 * another hub's in `EXCHANGE_DIR/hubs/HUB_ID`, its events through the tracking intake on its own
 * network) and the journey's pass, with the hubs to run them for (the default one and every hub with
 * an active network).
 */
export function hubJobs(o: HubJobsOptions): PeriodicJobsDeps & { readonly journey: JourneyJob } {
  const networkOf = (hubId: string) => (hubId === o.network().hub ? o.network() : o.hubNetworks().get(hubId));
  const customs = o.customs
    ? new CustomsExchangeJob(o.customs, async (hubId) => {
        if (!networkOf(hubId)) return undefined;
        return {
          store: o.store,
          hubId,
          folders: await exchangeFolders(hubExchangeDir(exchangeDir(), hubId)),
          nowMs: Date.now,
          sink: journeyEvents(() => networkOf(hubId)!),
        };
      })
    : undefined;
  const journey = new JourneyJob({
    store: o.store,
    network: o.network,
    networkOf,
    defaults: () => readTrackingData().durations,
    policy: { allowPrivate: process.env.LANDBRIDGE_WEBHOOKS_ALLOW_PRIVATE === '1' },
  });
  const hubs = () => [...new Set([o.network().hub, ...o.hubNetworks().keys()])];
  return { hubs, journey, ...(customs ? { customs } : {}) };
}
