import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { parcelsFromJson } from '../src/domain/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { PlanRunner } from '../src/jobs/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

const network = readNetworkFile(new URL('../data/network/chongqing.yaml', import.meta.url).pathname);
const fx = fxConverter(readFxFile(new URL('../data/fx/rates.yaml', import.meta.url).pathname));
const NOW = Date.parse('2026-12-01T02:00:00Z');

describe('plans as jobs', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let seller: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-plans-'));
    store = await openStore(`sqlite:${join(dir, 'plans.db')}`);
    const { sellers, parcels } = generateParcels({ count: 1500, seed: 3, from: '2026-12-01', days: 3 });
    for (const s of sellers) await store.sellers.upsert(s);
    await importParcels(store, parcelsFromJson(parcels, 'generated'), {
      actor: { role: 'operator' },
      receivedAtMs: NOW,
    });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    seller = (await store.apiKeys.create({ role: 'seller', sellerId: sellers[0]!.id, label: 't' })).key;
    app = await buildServer({ store, network, fx, nowMs: () => NOW });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const queuePlan = (payload: object, key: string) =>
    app.inject({ method: 'POST', url: '/v1/plans', headers: auth(key), payload });
  const runQueued = () =>
    new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
    ).drain();
  const planJson = async (id: string, key: string) =>
    (await app.inject({ method: 'GET', url: `/v1/plans/${id}`, headers: auth(key) })).json();

  it('queues a plan (202), runs it, and serves its summary, departures and CSV', async () => {
    const post = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    expect(post.statusCode).toBe(202);
    const { id, status } = post.json();
    expect(status).toBe('queued');
    expect(post.headers.location).toBe(`/v1/plans/${id}`);
    await runQueued();
    const res = await app.inject({ method: 'GET', url: `/v1/plans/${id}`, headers: auth(operator) });
    const job = res.json();
    expect(job.status).toBe('done');
    expect(job.progress).toBe(1);
    const s = job.result.summary;
    expect(s.parcels).toBe(1500);
    expect(s.lowerBoundMinor).toBeLessThanOrEqual(s.costMinor);
    expect(s.costMinor).toBeLessThanOrEqual(job.result.baseline.costMinor);
    expect(job.result.departures.length).toBeGreaterThan(0);
    const csv = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/parcels.csv`,
      headers: auth(operator),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n')[0]).toBe(
      'parcel_id,departure_ids,container_ids,gateway,delivery_date,promised_date,late_days,cost_minor,currency',
    );
    expect(csv.body.trim().split('\n')).toHaveLength(1501);
    const first = csv.body.split('\n')[1]!.split(',')[0]!;
    const one = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/parcels/${first}`,
      headers: auth(operator),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ planId: id, id: first });
    const none = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/parcels/nope`,
      headers: auth(operator),
    });
    expect(none.statusCode).toBe(404);
  });

  it('keeps a seller to its own plans and parcels', async () => {
    const own = await queuePlan({ from: '2026-12-01', days: 3 }, seller);
    expect(own.statusCode).toBe(202);
    await runQueued();
    const list = await app.inject({ method: 'GET', url: '/v1/plans', headers: auth(seller) });
    expect(list.json().plans.map((p: { id: string }) => p.id)).toEqual([own.json().id]);
    const done = await app.inject({
      method: 'GET',
      url: `/v1/plans/${own.json().id}`,
      headers: auth(seller),
    });
    expect(done.json().result.summary.parcels).toBeLessThan(1500);
    const all = await app.inject({ method: 'GET', url: '/v1/plans', headers: auth(operator) });
    const foreign = all.json().plans.find((p: { sellerId?: string }) => p.sellerId === undefined);
    const peek = await app.inject({ method: 'GET', url: `/v1/plans/${foreign.id}`, headers: auth(seller) });
    expect(peek.statusCode).toBe(404);
  });

  it('plans in a worker thread while the server keeps answering, and re-plans there too', async () => {
    const fxTables = readFxFile(new URL('../data/fx/rates.yaml', import.meta.url).pathname);
    const post = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    const runner = new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
      250,
      undefined,
      { fxTables },
    );
    // The event loop turns while the worker solves: timers fire and the API answers.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const draining = runner.drain();
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    await draining;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
    const job = await planJson(post.json().id, operator);
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('done');
    expect(job.result.summary.parcels).toBe(1500);
    // The same plan as in this thread, byte for byte.
    const again = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    await runQueued();
    const here = await planJson(again.json().id, operator);
    expect(JSON.stringify(here.result)).toBe(JSON.stringify(job.result));
    const replan = await queuePlan(
      {
        basePlanId: post.json().id,
        disruption: {
          nodeId: 'brest',
          from: '2026-11-25T00:00:00Z',
          to: '2027-01-31T00:00:00Z',
          effect: 'closed',
          reason: 'crossing closed',
        },
      },
      operator,
    );
    await runner.drain();
    const r = await planJson(replan.json().id, operator);
    expect(r.status).toBe('done');
    expect(r.result.replan.basePlanId).toBe(post.json().id);
  });

  it('picks up a job left running when the server stopped', async () => {
    const job = await store.plans.create({ from: '2026-12-01', days: 1 });
    await store.plans.claimNext();
    expect((await store.plans.get(job.id))!.status).toBe('running');
    const runner = new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
    );
    await runner.start();
    for (let i = 0; i < 200 && (await store.plans.get(job.id))!.status !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 50));
    await runner.stop();
    expect((await store.plans.get(job.id))!.status).toBe('done');
  });

  it('re-plans a finished plan around a disruption, listing what moved', async () => {
    const base = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    await runQueued();
    const done = await planJson(base.json().id, operator);
    const busiest = [...done.result.departures].sort((a, b) => b.containers.length - a.containers.length)[0];
    const post = await queuePlan(
      {
        basePlanId: base.json().id,
        disruption: {
          serviceId: busiest.serviceId,
          from: '2026-11-25T00:00:00Z',
          to: '2027-01-31T00:00:00Z',
          effect: 'closed',
          reason: 'service suspended',
        },
      },
      operator,
    );
    expect(post.statusCode).toBe(202);
    await runQueued();
    const re = await planJson(post.json().id, operator);
    expect(re.status).toBe('done');
    expect(re.result.replan.affected).toBeGreaterThan(0);
    expect(re.result.replan.movedCount).toBeGreaterThanOrEqual(re.result.replan.affected);
    expect(re.result.moved.length).toBeGreaterThan(0);
    expect(re.result.disruption).toBe('service suspended');
    const stillOn = re.result.departures
      .filter(
        (d: { serviceId: string; departAt: string }) =>
          d.serviceId === busiest.serviceId && Date.parse(d.departAt) < Date.parse('2027-01-31T00:00:00Z'),
      )
      .map((d: { id: string; departAt: string }) => `${d.id} ${d.departAt}`);
    expect(stillOn).toEqual([]);
  });

  it('puts the sellers’ DDP import charges into the plan’s cost and keeps the bound valid', async () => {
    const landed = {
      rules: readDutyRules(fileURLToPath(new URL('../data/duties', import.meta.url))),
      fx: readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url))),
    };
    const post = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    await new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
      250,
      landed,
    ).drain();
    const s = (await planJson(post.json().id, operator)).result.summary;
    expect(s.components.landedCostMinor).toBeGreaterThan(0);
    expect(s.costMinor).toBe(s.components.totalMinor);
    expect(s.lowerBoundMinor).toBeLessThanOrEqual(s.costMinor);
  });

  it('refuses bad plan parameters with the field named', async () => {
    const res = await queuePlan({ days: 90 }, operator);
    expect(res.statusCode).toBe(422);
    expect(res.json().problems[0].where.field).toBe('days');
    const rounds = await queuePlan({ maxRounds: 0 }, operator);
    expect(rounds.statusCode).toBe(422);
    expect(rounds.json().problems[0].where.field).toBe('maxRounds');
  });

  it('takes the planner’s effort settings: rounds of the relaxation and linking rows', async () => {
    const post = await queuePlan({ from: '2026-12-01', days: 3, maxRounds: 2, linking: true }, operator);
    expect(post.statusCode).toBe(202);
    await runQueued();
    const job = await planJson(post.json().id, operator);
    expect(job.status).toBe('done');
    expect(job.result.summary.relaxationRounds).toBeLessThanOrEqual(2);
    expect(job.result.summary.lowerBoundMinor).toBeLessThanOrEqual(job.result.summary.costMinor);
  });
});
