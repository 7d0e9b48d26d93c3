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
  let sellerOf: string;

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
    sellerOf = sellers[0]!.id;
    seller = (await store.apiKeys.create({ role: 'seller', sellerId: sellerOf, label: 't' })).key;
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
    // Planned, held by reason and containers, each container proven by the 3D loader or named.
    expect(s.planned + s.held).toBe(1500);
    expect(Object.values(s.heldByReason).reduce((a: number, b) => a + (b as number), 0)).toBe(s.held);
    const proof = job.result.containerProof;
    expect(proof.containers).toBe(s.containers);
    expect(proof.proven + proof.notProven.length).toBe(s.containers);
    expect(s.containersProven).toBe(proof.proven);
    expect(proof.proven).toBeGreaterThan(0);
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

  it('leaves planning to the operator: a seller sees only its own parcels’ place in the hub’s plans', async () => {
    const refused = await queuePlan({ from: '2026-12-01', days: 3 }, seller);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const hubPlan = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    await runQueued();
    const id = hubPlan.json().id;
    const list = await app.inject({ method: 'GET', url: '/v1/plans', headers: auth(seller) });
    expect(list.json().plans.map((p: { id: string }) => p.id)).toContain(id);
    expect(list.json().plans.every((p: { result?: unknown }) => p.result === undefined)).toBe(true);
    const whole = await app.inject({ method: 'GET', url: `/v1/plans/${id}`, headers: auth(seller) });
    expect(whole.statusCode).toBe(403);
    const csv = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/parcels.csv`,
      headers: auth(seller),
    });
    expect(csv.statusCode).toBe(200);
    const rows = csv.body.trim().split('\n').slice(1);
    const mine = (await store.parcels.list({ sellerId: sellerOf, limit: 1000 })).items.map((p) => p.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(1500);
    for (const row of rows) expect(mine).toContain(row.split(',')[0]);
    const own = rows[0]!.split(',')[0]!;
    const ownPlace = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/parcels/${own}`,
      headers: auth(seller),
    });
    expect(ownPlace.statusCode).toBe(200);
    const foreign = (await store.parcels.list({ limit: 1000 })).items.find((p) => p.sellerId !== sellerOf)!;
    const peek = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/parcels/${foreign.id}`,
      headers: auth(seller),
    });
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
    // The same plan as in this thread, byte for byte (the 3D proofs, bounded by time, aside).
    const planOnly = (r: { containerProof?: unknown; summary: { containersProven?: number } }) =>
      JSON.stringify({
        ...r,
        containerProof: undefined,
        summary: { ...r.summary, containersProven: undefined },
      });
    expect(planOnly(here.result)).toBe(planOnly(job.result));
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

  it('picks up a job left running when the server stopped, showing fresh progress', async () => {
    const job = await store.plans.create({ from: '2026-12-01', days: 1 });
    await store.plans.claimNext();
    await store.plans.update(job.id, { progress: 0.6 });
    expect((await store.plans.get(job.id))!.status).toBe('running');
    // A restart requeues it: the old progress is not shown as the re-run's.
    expect(await store.plans.requeueRunning()).toBeGreaterThanOrEqual(1);
    expect(await store.plans.get(job.id)).toMatchObject({ status: 'queued', progress: 0 });
    await store.plans.claimNext();
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
    // proven by the 3D loader as a plan is
    const containers = re.result.departures.reduce(
      (n: number, d: { containers: unknown[] }) => n + d.containers.length,
      0,
    );
    expect(re.result.containerProof.containers).toBe(containers);
    expect(re.result.summary.containersProven).toBe(re.result.containerProof.proven);
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

  it('costs a re-plan on its plan’s basis: DDP import charges on both sides, no fake saving', async () => {
    const landed = {
      rules: readDutyRules(fileURLToPath(new URL('../data/duties', import.meta.url))),
      fx: readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url))),
    };
    const runner = new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
      250,
      landed,
    );
    const base = await queuePlan({ from: '2026-12-01', days: 3 }, operator);
    await runner.drain();
    const before = (await planJson(base.json().id, operator)).result;
    expect(before.summary.costBasis).toBe('freight+ddp-import-charges');
    const post = await queuePlan(
      {
        basePlanId: base.json().id,
        disruption: {
          nodeId: 'brest',
          from: '2026-12-01T00:00:00Z',
          to: '2026-12-20T00:00:00Z',
          effect: 'closed',
          reason: 'crossing closed',
        },
      },
      operator,
    );
    await runner.drain();
    const after = (await planJson(post.json().id, operator)).result;
    expect(after.summary.costBasis).toBe('freight+ddp-import-charges');
    expect(after.summary.components.landedCostMinor).toBeGreaterThan(0);
    expect(after.replan.costBasis).toBe('freight+ddp-import-charges');
    expect(after.replan.costBeforeMinor).toBe(before.summary.costMinor);
    expect(after.replan.costAfterMinor).toBe(after.summary.costMinor);
    // Closing a crossing takes options away: no saving of the size of the import charges appears.
    expect(after.replan.costAfterMinor - after.replan.costBeforeMinor).toBeGreaterThan(
      -0.02 * before.summary.costMinor,
    );
    // Without landed-cost rules the re-plan is compared on freight alone, both sides.
    const bare = await queuePlan({ basePlanId: base.json().id }, operator);
    await runQueued();
    const freight = (await planJson(bare.json().id, operator)).result;
    expect(freight.replan.costBasis).toBe('freight');
    expect(freight.replan.costBeforeMinor).toBe(
      before.summary.costMinor - before.summary.components.landedCostMinor,
    );
  });

  it('refuses bad plan parameters with the field named', async () => {
    const res = await queuePlan({ days: 90 }, operator);
    expect(res.statusCode).toBe(422);
    expect(res.json().problems[0].where.field).toBe('days');
    const closure = { nodeId: 'brest', effect: 'closed', reason: 'crossing closed' };
    const backwards = await queuePlan(
      { disruption: { ...closure, from: '2026-12-19T00:00:00Z', to: '2026-12-12T00:00:00Z' } },
      operator,
    );
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().problems[0].where.field).toBe('disruption.to');
    const unknown = await queuePlan(
      {
        disruption: {
          ...closure,
          nodeId: 'atlantis',
          from: '2026-12-12T00:00:00Z',
          to: '2026-12-19T00:00:00Z',
        },
      },
      operator,
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().problems[0].where.field).toBe('disruption.nodeId');
    const both = await queuePlan(
      {
        disruption: {
          ...closure,
          serviceId: 'x',
          from: '2026-12-12T00:00:00Z',
          to: '2026-12-19T00:00:00Z',
        },
      },
      operator,
    );
    expect(both.statusCode).toBe(422);
    const delay = await queuePlan(
      {
        disruption: {
          ...closure,
          effect: 'delayed',
          from: '2026-12-12T00:00:00Z',
          to: '2026-12-19T00:00:00Z',
        },
      },
      operator,
    );
    expect(delay.statusCode).toBe(422);
    expect(delay.json().problems[0].where.field).toBe('disruption.delayMinutes');
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
