import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessQueue, type JobQueue, PgBossQueue } from '../../src/jobs/index.ts';
import { freshDatabase, postgresSkipReason } from './pg-database.ts';

const until = async (check: () => boolean | Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The same behaviour asked of both queues: retries with back-off, keys, ids. */
function contract(make: () => Promise<JobQueue>, drop: () => Promise<void>) {
  const queues: JobQueue[] = [];
  afterAll(async () => {
    for (const q of queues) await q.stop();
    await drop();
  }, 60_000);

  it('retries a failing job with growing delays, then completes it', async () => {
    const q = await make();
    queues.push(q);
    const attempts: { attempt: number; at: number }[] = [];
    q.define<{ n: number }>({
      name: 'flaky',
      retryLimit: 3,
      retryDelaySeconds: 1,
      async run(data, job) {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        expect(data.n).toBe(7);
        if (job.attempt < 2) throw new Error('not yet');
      },
    });
    await q.start({ work: true });
    await q.send('flaky', { n: 7 });
    await until(() => attempts.length === 3);
    expect(attempts.map((a) => a.attempt)).toEqual([0, 1, 2]);
    // Back-off: at least the first delay (1 s) before the first retry.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts).toHaveLength(3);
  });

  it('drops a second send with the same id, and runs jobs of one key one at a time', async () => {
    const q = await make();
    queues.push(q);
    let running = 0;
    let most = 0;
    let runs = 0;
    q.define<{ i: number }>({
      name: 'keyed',
      concurrency: 3,
      async run() {
        running++;
        most = Math.max(most, running);
        runs++;
        await new Promise((r) => setTimeout(r, 300));
        running--;
      },
    });
    await q.start({ work: true });
    const id = '00000000-0000-4000-8000-000000000001';
    expect(await q.send('keyed', { i: 0 }, { id })).toBe(id);
    expect(await q.send('keyed', { i: 1 }, { id })).toBeUndefined();
    await until(() => runs === 1 && running === 0);
    for (let i = 0; i < 3; i++) await q.send('keyed', { i }, { key: 'k' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(most).toBe(1);
  });

  it('gives a job up once, with the last error, when its retries are exhausted', async () => {
    const q = await make();
    queues.push(q);
    let attempts = 0;
    const given: { data: unknown; why: string }[] = [];
    q.define<{ n: number }>({
      name: 'doomed',
      retryLimit: 1,
      retryDelaySeconds: 1,
      async run() {
        attempts++;
        throw new Error('the carrier refused it');
      },
      async onGiveUp(data, why) {
        given.push({ data, why });
      },
    });
    await q.start({ work: true });
    await q.send('doomed', { n: 3 });
    await until(() => given.length === 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts).toBe(2);
    expect(given).toEqual([{ data: { n: 3 }, why: 'the carrier refused it' }]);
  });

  it('ticks a periodic job per key (per hub), never running one key twice at once', async () => {
    const q = await make();
    queues.push(q);
    const runs = { a: 0, b: 0 };
    const running = { a: 0, b: 0 };
    let most = 0;
    q.define<{ hub: 'a' | 'b' }>({
      name: 'per-hub',
      everyMs: 100,
      every: () => [
        { key: 'a', data: { hub: 'a' } },
        { key: 'b', data: { hub: 'b' } },
      ],
      retryLimit: 0,
      async run({ hub }) {
        runs[hub]++;
        running[hub]++;
        most = Math.max(most, running[hub]);
        await new Promise((r) => setTimeout(r, 250));
        running[hub]--;
      },
    });
    await q.start({ work: true });
    await until(() => runs.a >= 3 && runs.b >= 3, 20_000);
    expect(most).toBe(1);
  });
}

describe('in-process job queue (SQLite deployments)', () => {
  contract(
    async () => new InProcessQueue(),
    async () => {},
  );
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`pg-boss job queue${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase('lb_scale_q');
  });
  contract(
    async () => new PgBossQueue({ connectionString: db.url, pollSeconds: 0.5 }),
    async () => db?.drop(),
  );

  it('a worker that stops hands its running job back at once, not as an attempt, for another to take', async () => {
    const runs: string[] = [];
    const make = (who: string, hang: boolean) => {
      const q = new PgBossQueue({ connectionString: db.url, pollSeconds: 0.5, maintenanceSeconds: 1 });
      q.define<object>({
        name: 'leased',
        leaseSeconds: 60,
        retryDelaySeconds: 1,
        async run(_data, job) {
          runs.push(`${who}:${job.attempt}`);
          if (hang) await new Promise((_r, reject) => job.signal.addEventListener('abort', reject));
        },
      });
      return q;
    };
    const first = make('first', true);
    await first.start({ work: true });
    await first.send('leased', {});
    await until(() => runs.length === 1);
    // The first worker stops mid-job (SIGTERM, a deploy): the job is queued again, due now.
    await first.stop();
    const second = make('second', false);
    const t0 = Date.now();
    await second.start({ work: true });
    await until(() => runs.length === 2, 20_000);
    // taken at once, not after its 60 s lease
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(runs).toEqual(['first:0', 'second:0']);
    const jobs = await second.boss.getQueueSize('leased', { before: 'completed' });
    expect(jobs).toBe(0);
    await second.stop();
  });
});
