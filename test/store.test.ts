import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LandbridgeError } from '../src/domain/errors.ts';
import { type Network, NetworkSchema } from '../src/domain/network.ts';
import type { Parcel, ParcelStatus, ServiceLevel } from '../src/domain/parcel.ts';
import { MIGRATIONS, type NewParcel, openStore, parseDatabaseUrl, type Store } from '../src/store/index.ts';

/** A database the contract suite runs against: how to make it, its URL, how to drop it. */
interface DialectUnderTest {
  readonly name: 'sqlite' | 'postgres';
  /** Why the dialect's cases are skipped; undefined when they run. */
  readonly skipReason?: string;
  setUp(): Promise<string>;
  tearDown(): Promise<void>;
}

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const postgresUrl = process.env.LANDBRIDGE_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
const isPostgresUrlExplicit = process.env.LANDBRIDGE_TEST_POSTGRES_URL !== undefined;
const postgresProblem = await probePostgres(postgresUrl);

async function probePostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

function sqliteUnderTest(): DialectUnderTest {
  let dir: string | undefined;
  return {
    name: 'sqlite',
    async setUp() {
      dir = mkdtempSync(join(tmpdir(), 'lb-store-test-'));
      return `sqlite:${join(dir, 'test.db')}`;
    },
    async tearDown() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL in a fresh schema per run, reached through `search_path`, dropped afterwards. */
function postgresUnderTest(): DialectUnderTest {
  const schema = `lb_test_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    ...(postgresProblem === undefined
      ? {}
      : { skipReason: `PostgreSQL not reachable at ${postgresUrl}: ${postgresProblem}` }),
    async setUp() {
      await admin(`create schema ${schema}`);
      const separator = postgresUrl.includes('?') ? '&' : '?';
      return `${postgresUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    },
    async tearDown() {
      await admin(`drop schema if exists ${schema} cascade`);
    },
  };
}

const DIALECTS: readonly DialectUnderTest[] = [sqliteUnderTest(), postgresUnderTest()];

const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);
const HOUR_MS = 3_600_000;
const COUNTRIES = ['DE', 'PL', 'HU', 'SG', 'TH'] as const;
const LEVELS: readonly ServiceLevel[] = ['economy', 'standard', 'express'];

/** A synthetic parcel; `i` varies its destination, service level, ready time and creation time. */
function makeParcel(i: number, overrides: Partial<NewParcel> = {}): NewParcel {
  return {
    id: `p-${randomBytes(8).toString('hex')}`,
    externalOrderId: `ORD-${i}`,
    items: [
      {
        description: 'Cotton T-shirt',
        hsCode: '610910',
        quantity: 1 + (i % 3),
        unitValueMinor: 1299,
        currency: 'EUR',
        originCountry: 'CN',
      },
    ],
    grossWeightG: 300 + i,
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 50 + (i % 7) },
    dangerousGoods: i % 10 === 0 ? ['UN3481'] : [],
    consignee: {
      name: `Buyer ${i}`,
      address: `Street ${i}`,
      city: 'Łódź',
      postcode: `9${String(i).padStart(4, '0')}`,
      country: COUNTRIES[i % COUNTRIES.length]!,
      phone: '+48 22 123 45 67',
    },
    promisedDeliveryDate: '2026-12-24',
    incoterm: i % 2 === 0 ? 'DDP' : 'DAP',
    serviceLevel: LEVELS[i % LEVELS.length]!,
    readyAtMs: T0 + (i % 48) * HOUR_MS,
    // Several parcels share a creation time, so pagination must break ties by id.
    createdAtMs: T0 + Math.floor(i / 4) * 1000,
    ...overrides,
  };
}

function expectedParcel(sellerId: string, p: NewParcel, status: ParcelStatus = 'announced'): Parcel {
  const { sellerId: _ignored, status: _s, ...rest } = p;
  return { ...rest, sellerId, status };
}

function makeNetwork(version: string): Network {
  return NetworkSchema.parse({
    id: 'cq-hub',
    name: 'Chongqing hub',
    version,
    hub: 'cnckg-xiyong',
    equipment: [
      {
        type: '42G1',
        name: "40' dry",
        innerLengthMm: 12_032,
        innerWidthMm: 2_352,
        innerHeightMm: 2_393,
        payloadG: 26_680_000,
        tareG: 3_800_000,
        teu: 2,
      },
    ],
    nodes: [
      {
        id: 'cnckg-xiyong',
        name: 'Xiyong consolidation centre',
        kind: 'hub',
        country: 'CN',
        zone: 'Asia/Shanghai',
        lat: 29.6,
        lon: 106.3,
      },
    ],
  });
}

async function expectLandbridgeError(promise: Promise<unknown>, code: LandbridgeError['code']) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LandbridgeError);
  expect((error as LandbridgeError).code).toBe(code);
  return error as LandbridgeError;
}

describe('openStore URLs', () => {
  it('reads sqlite:, sqlite::memory:, postgres:// and the default', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ dialect: 'sqlite', path: 'landbridge.db' });
    expect(parseDatabaseUrl('sqlite:/tmp/x.db')).toEqual({ dialect: 'sqlite', path: '/tmp/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgresql://u:p@h/db').dialect).toBe('postgres');
  });

  it('refuses an unknown scheme with invalid-input naming DATABASE_URL and hiding the password', async () => {
    const error = await expectLandbridgeError(openStore('mysql://root:secret@db/x'), 'invalid-input');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('secret');
    expect(error.problems[0]?.where.field).toBe('DATABASE_URL');
  });

  it('refuses a SQLite file in a missing directory with invalid-input', async () => {
    await expectLandbridgeError(openStore('sqlite:/nonexistent-dir-lb/x.db'), 'invalid-input');
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await openStore('sqlite::memory:');
    expect(store.dialect).toBe('sqlite');
    expect(await store.sellers.list()).toEqual([]);
    await store.close();
  });

  it('reports an unreachable PostgreSQL as unavailable', async () => {
    const error = await expectLandbridgeError(openStore('postgres://u:pw@127.0.0.1:1/none'), 'unavailable');
    expect(error.message).not.toContain(':pw@');
  });
});

if (postgresProblem !== undefined && isPostgresUrlExplicit) {
  describe('postgres', () => {
    it('reaches LANDBRIDGE_TEST_POSTGRES_URL, which is set explicitly', () => {
      throw new Error(
        `LANDBRIDGE_TEST_POSTGRES_URL=${postgresUrl} is set but unreachable: ${postgresProblem}`,
      );
    });
  });
}

for (const dialect of DIALECTS) {
  if (dialect.skipReason !== undefined) {
    describe.skip(`store on ${dialect.name} (skipped: ${dialect.skipReason})`, () => {
      it('runs the contract suite', () => {});
    });
    continue;
  }

  describe(`store on ${dialect.name}`, () => {
    let url: string;
    let store: Store;
    let clockMs = T0;

    beforeAll(async () => {
      url = await dialect.setUp();
      store = await openStore(url, { nowMs: () => clockMs });
    });

    afterAll(async () => {
      await store?.close();
      await dialect.tearDown();
    });

    async function seller(id: string) {
      return store.sellers.upsert({ id, name: `Seller ${id}`, country: 'CN' });
    }

    it('applies migrations once: opening the same database again is a no-op', async () => {
      expect(store.dialect).toBe(dialect.name);
      await seller('s-migrate');
      const again = await openStore(url);
      try {
        expect((await again.sellers.get('s-migrate'))?.name).toBe('Seller s-migrate');
        const { rows } = await sql<{
          n: number | string;
        }>`select count(*) as n from kysely_migration`.execute(again.db);
        expect(Number(rows[0]?.n)).toBe(Object.keys(MIGRATIONS).length);
      } finally {
        await again.close();
      }
    });

    it('upserts a seller, keeping its creation time, and gets and lists it', async () => {
      clockMs = T0 + 1;
      const first = await store.sellers.upsert({ id: 's-upsert', name: 'Old name', country: 'CN' });
      expect(first).toEqual({ id: 's-upsert', name: 'Old name', country: 'CN', createdAtMs: T0 + 1 });
      clockMs = T0 + 2;
      await store.sellers.upsert({
        id: 's-upsert',
        name: 'New name',
        country: 'HK',
        customsCode: '5001234567',
      });
      expect(await store.sellers.get('s-upsert')).toEqual({
        id: 's-upsert',
        name: 'New name',
        country: 'HK',
        customsCode: '5001234567',
        createdAtMs: T0 + 1,
      });
      expect(await store.sellers.get('s-none')).toBeUndefined();
      expect((await store.sellers.list()).map((s) => s.id)).toContain('s-upsert');
      // which of the named ids are sellers, past one query's list of ids
      const asked = [
        's-upsert',
        's-none',
        ...Array.from({ length: 1200 }, (_, i) => `s-absent-${i}`),
        's-upsert',
      ];
      expect([...(await store.sellers.existing(asked))]).toEqual(['s-upsert']);
      expect(await store.sellers.existing([])).toEqual(new Set());
      // the records of the named ids, past one query's list of ids
      const many = await store.sellers.getMany(asked);
      expect([...many.keys()]).toEqual(['s-upsert']);
      expect(many.get('s-upsert')).toEqual(await store.sellers.get('s-upsert'));
      expect(await store.sellers.getMany([])).toEqual(new Map());
    });

    it('creates an API key, stores only its SHA-256, authenticates it and stops after revocation', async () => {
      await seller('s-keys');
      const { id, key } = await store.apiKeys.create({ role: 'seller', sellerId: 's-keys', label: 'shop' });
      expect(key).toMatch(/^lb_[A-Za-z0-9_-]{43}$/);
      expect(await store.apiKeys.authenticate(key)).toEqual({
        id,
        role: 'seller',
        sellerId: 's-keys',
        hubs: ['xiyong-hub'],
      });

      const row = await store.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(Object.values(row).some((v) => typeof v === 'string' && v.includes(key.slice(3)))).toBe(false);

      const operator = await store.apiKeys.create({ role: 'operator', label: 'hub' });
      expect(await store.apiKeys.authenticate(operator.key)).toEqual({
        id: operator.id,
        role: 'operator',
        hubs: ['xiyong-hub'],
      });
      expect(await store.apiKeys.authenticate(`${key}x`)).toBeUndefined();

      expect(await store.apiKeys.revoke(id)).toBe(true);
      expect(await store.apiKeys.revoke(id)).toBe(false);
      expect(await store.apiKeys.authenticate(key)).toBeUndefined();
      expect(await store.apiKeys.authenticate(operator.key)).toBeDefined();
    });

    it('refuses an API key whose role and seller do not fit', async () => {
      await expectLandbridgeError(store.apiKeys.create({ role: 'seller', label: 'x' }), 'invalid-input');
      await expectLandbridgeError(
        store.apiKeys.create({ role: 'operator', sellerId: 's-keys', label: 'x' }),
        'invalid-input',
      );
      await expectLandbridgeError(
        store.apiKeys.create({ role: 'seller', sellerId: 's-missing', label: 'x' }),
        'invalid-input',
      );
    });

    it('inserts parcels and reads them back unchanged', async () => {
      await seller('s-roundtrip');
      const parcels = [0, 1, 2, 3].map((i) => makeParcel(i));
      // Mixed currencies leave the declared value columns empty; the items still round-trip.
      parcels[1] = makeParcel(1, {
        items: [...parcels[1]!.items, { ...parcels[1]!.items[0]!, currency: 'USD', hsCode: '61091000' }],
      });
      expect(await store.parcels.insertMany('s-roundtrip', parcels)).toBe(4);
      for (const p of parcels)
        expect(await store.parcels.get(p.id)).toEqual(expectedParcel('s-roundtrip', p));
      const row = await store.db
        .selectFrom('parcels')
        .select(['declared_value_minor', 'declared_currency'])
        .where('id', '=', parcels[0]!.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ declared_value_minor: 1299, declared_currency: 'EUR' });
    });

    it('writes a batch with a duplicate order id not at all, and finds the duplicates beforehand', async () => {
      await seller('s-dup');
      const first = [0, 1, 2].map((i) => makeParcel(i));
      await store.parcels.insertMany('s-dup', first);

      const clashWithStore = [makeParcel(3), makeParcel(4), makeParcel(1)];
      expect(
        await store.parcels.findExistingOrderIds(
          's-dup',
          clashWithStore.map((p) => p.externalOrderId),
        ),
      ).toEqual(new Set(['ORD-1']));
      const error = await expectLandbridgeError(
        store.parcels.insertMany('s-dup', clashWithStore),
        'conflict',
      );
      expect(error.problems.length).toBeGreaterThan(0);

      const clashWithinBatch = [makeParcel(5), makeParcel(6), makeParcel(5)];
      await expectLandbridgeError(store.parcels.insertMany('s-dup', clashWithinBatch), 'conflict');

      expect(await store.parcels.count({ sellerId: 's-dup' })).toBe(3);
      expect(await store.parcels.get(clashWithStore[0]!.id)).toBeUndefined();
      expect(await store.parcels.get(clashWithinBatch[0]!.id)).toBeUndefined();
    });

    it('rolls back a large batch that fails in its last chunk', async () => {
      await seller('s-bulk');
      const parcels = Array.from({ length: 6_001 }, (_, i) => makeParcel(i));
      parcels[6_000] = makeParcel(0);
      await expectLandbridgeError(store.parcels.insertMany('s-bulk', parcels), 'conflict');
      expect(await store.parcels.count({ sellerId: 's-bulk' })).toBe(0);
      expect(await store.parcels.insertMany('s-bulk', parcels.slice(0, 6_000))).toBe(6_000);
      expect(await store.parcels.count({ sellerId: 's-bulk' })).toBe(6_000);
      const ids = Array.from({ length: 6_000 }, (_, i) => `ORD-${i}`);
      expect((await store.parcels.findExistingOrderIds('s-bulk', ids)).size).toBe(6_000);
    });

    it('refuses parcels of an unknown seller and parcels naming another seller', async () => {
      await expectLandbridgeError(store.parcels.insertMany('s-ghost', [makeParcel(0)]), 'invalid-input');
      await seller('s-own');
      await expectLandbridgeError(
        store.parcels.insertMany('s-own', [makeParcel(0, { sellerId: 's-other' })]),
        'invalid-input',
      );
    });

    it("hides another seller's parcel from a seller-scoped get", async () => {
      await seller('s-a');
      await seller('s-b');
      const p = makeParcel(0);
      await store.parcels.insertMany('s-a', [p]);
      expect(await store.parcels.get(p.id, { sellerId: 's-b' })).toBeUndefined();
      expect((await store.parcels.get(p.id, { sellerId: 's-a' }))?.id).toBe(p.id);
      expect((await store.parcels.get(p.id))?.sellerId).toBe('s-a');
    });

    describe('list', () => {
      const sellerId = 's-list';
      const parcels = Array.from({ length: 137 }, (_, i) => makeParcel(i));

      beforeAll(async () => {
        await seller(sellerId);
        await seller('s-list-other');
        await store.parcels.insertMany(sellerId, parcels);
        await store.parcels.insertMany('s-list-other', [makeParcel(0), makeParcel(1)]);
      });

      async function pageThrough(filter: Parameters<Store['parcels']['list']>[0], limit: number) {
        const ids: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const page = await store.parcels.list({ ...filter, limit, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          ids.push(...page.items.map((p) => p.id));
          if (page.nextCursor === null) return ids;
          cursor = page.nextCursor;
        }
        throw new Error('pagination did not end');
      }

      const byCreation = (a: NewParcel, b: NewParcel) =>
        a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

      it('pages through every parcel exactly once, in (creation time, id) order', async () => {
        const ids = await pageThrough({ sellerId }, 10);
        expect(ids).toHaveLength(parcels.length);
        expect(new Set(ids).size).toBe(parcels.length);
        const createdAt = new Map(parcels.map((p) => [p.id, p.createdAtMs]));
        const times = ids.map((id) => createdAt.get(id)!);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        if (dialect.name === 'sqlite') expect(ids).toEqual([...parcels].sort(byCreation).map((p) => p.id));
      });

      it.runIf(dialect.name === 'sqlite')(
        'reads a seller’s page from the (hub, seller, creation) index, not by walking the hub’s parcels',
        async () => {
          const query = store.db
            .selectFrom('parcels')
            .selectAll()
            .where((eb) => eb.and([eb('hub_id', '=', 'xiyong-hub'), eb('seller_id', '=', sellerId)]))
            .orderBy('created_at_ms', 'asc')
            .orderBy('id', 'asc')
            .limit(51)
            .compile();
          const plan = await store.db.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
          );
          expect(plan.rows.map((r) => r.detail).join('; ')).toMatch(
            /USING INDEX parcels_hub_seller_created_idx \(hub_id=\? AND seller_id=\?\)/,
          );
        },
      );

      it('filters by country, service level, status and ready window, and counts the same', async () => {
        const filter = {
          sellerId,
          country: 'PL',
          serviceLevel: 'standard' as const,
          readyFromMs: T0 + 5 * HOUR_MS,
          readyToMs: T0 + 40 * HOUR_MS,
        };
        const expected = parcels.filter(
          (p) =>
            p.consignee.country === 'PL' &&
            p.serviceLevel === 'standard' &&
            p.readyAtMs >= filter.readyFromMs &&
            p.readyAtMs < filter.readyToMs,
        );
        expect(expected.length).toBeGreaterThan(2);
        const ids = await pageThrough(filter, 2);
        expect(new Set(ids)).toEqual(new Set(expected.map((p) => p.id)));
        expect(ids).toHaveLength(expected.length);
        expect(await store.parcels.count(filter)).toBe(expected.length);

        const toHold = parcels.slice(0, 5).map((p) => p.id);
        expect(await store.parcels.setStatus(toHold, 'held', { sellerId: 's-list-other' })).toBe(0);
        expect(await store.parcels.setStatus(toHold, 'held', { sellerId })).toBe(5);
        expect(new Set(await pageThrough({ sellerId, status: 'held' }, 3))).toEqual(new Set(toHold));
        expect(await store.parcels.count({ sellerId, status: 'announced' })).toBe(parcels.length - 5);
        expect(await store.parcels.count({ sellerId: 's-list-other' })).toBe(2);
      });

      it('defaults to 50 a page and refuses a bad limit or cursor', async () => {
        const page = await store.parcels.list({ sellerId });
        expect(page.items).toHaveLength(50);
        await expectLandbridgeError(store.parcels.list({ sellerId, limit: 1001 }), 'invalid-input');
        await expectLandbridgeError(store.parcels.list({ sellerId, limit: 0 }), 'invalid-input');
        await expectLandbridgeError(
          store.parcels.list({ sellerId, cursor: 'not-a-cursor' }),
          'invalid-input',
        );
      });

      it('streams a planning window in bounded batches, by ready time', async () => {
        const window = { sellerId, fromMs: T0 + 10 * HOUR_MS, toMs: T0 + 20 * HOUR_MS };
        const expected = parcels.filter((p) => p.readyAtMs >= window.fromMs && p.readyAtMs < window.toMs);
        const batches: Parcel[][] = [];
        for await (const batch of store.parcels.streamForPlanning(window, 7)) batches.push(batch);
        expect(batches.every((b) => b.length <= 7)).toBe(true);
        const streamed = batches.flat();
        expect(streamed).toHaveLength(expected.length);
        expect(new Set(streamed.map((p) => p.id))).toEqual(new Set(expected.map((p) => p.id)));
        const ready = streamed.map((p) => p.readyAtMs);
        expect(ready).toEqual([...ready].sort((a, b) => a - b));
        expect((await store.parcels.listForPlanning(window)).map((p) => p.id)).toEqual(
          streamed.map((p) => p.id),
        );
        const received = await store.parcels.listForPlanning({ ...window, statuses: ['announced'] });
        expect(received.every((p) => p.status === 'announced')).toBe(true);
      });
    });

    it('saves a network version once per content and keeps one active version', async () => {
      clockMs = T0 + 10;
      const v1 = await store.networkVersions.save(makeNetwork('2026-11-01'));
      expect(v1.isActive).toBe(false);
      expect(v1.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(v1.network).toEqual(makeNetwork('2026-11-01'));

      const reordered = JSON.parse(
        JSON.stringify(Object.fromEntries(Object.entries(makeNetwork('2026-11-01')).reverse())),
      ) as Network;
      const again = await store.networkVersions.save(reordered, { activate: true });
      expect(again.id).toBe(v1.id);
      expect(again.isActive).toBe(true);

      clockMs = T0 + 20;
      const v2 = await store.networkVersions.save(makeNetwork('2026-12-01'), { activate: true });
      expect(v2.id).not.toBe(v1.id);
      expect((await store.networkVersions.getActive('cq-hub'))?.id).toBe(v2.id);
      expect((await store.networkVersions.getActive())?.id).toBe(v2.id);
      expect((await store.networkVersions.get(v1.id))?.isActive).toBe(false);
      expect(await store.networkVersions.getActive('no-such-network')).toBeUndefined();

      expect(await store.networkVersions.activate(v1.id)).toBe(true);
      expect((await store.networkVersions.getActive('cq-hub'))?.version).toBe('2026-11-01');
      const listed = await store.networkVersions.list({ networkId: 'cq-hub' });
      expect(listed.map((v) => [v.id, v.isActive])).toEqual([
        [v2.id, false],
        [v1.id, true],
      ]);
    });

    it('claims queued plan jobs the operator’s first, then oldest first, each once, and requeues running ones', async () => {
      await seller('s-plans');
      clockMs = T0 + 100;
      const a = await store.plans.create({ horizonDays: 3 }, 's-plans');
      clockMs = T0 + 200;
      const b = await store.plans.create({ horizonDays: 5 });
      clockMs = T0 + 300;
      const c = await store.plans.create({ horizonDays: 7 });
      expect(a).toMatchObject({
        status: 'queued',
        progress: 0,
        params: { horizonDays: 3 },
        sellerId: 's-plans',
      });

      // a seller's job waits while its seller is excluded (it has one running); the operator's come first
      expect(await store.plans.claimNext({ operatorOnly: true, exceptSellers: ['s-plans'] })).toMatchObject({
        id: b.id,
      });
      expect((await store.plans.claimNext({ exceptSellers: ['s-plans'] }))?.id).toBe(c.id);
      expect(await store.plans.claimNext({ exceptSellers: ['s-plans'] })).toBeUndefined();
      await store.plans.update(b.id, { status: 'queued' });
      await store.plans.update(c.id, { status: 'queued' });
      expect((await store.plans.claimNext())?.id).toBe(b.id);
      const claims = await Promise.all([
        store.plans.claimNext(),
        store.plans.claimNext(),
        store.plans.claimNext(),
      ]);
      const claimed = claims.flatMap((j) => (j === undefined ? [] : [j.id]));
      expect(claimed.sort()).toEqual([a.id, c.id].sort());
      expect(await store.plans.claimNext()).toBeUndefined();

      clockMs = T0 + 400;
      const done = await store.plans.update(a.id, {
        status: 'done',
        progress: 1,
        result: { costMinor: 123_456 },
      });
      expect(done).toMatchObject({
        status: 'done',
        progress: 1,
        result: { costMinor: 123_456 },
        updatedAtMs: T0 + 400,
      });
      await store.plans.update(b.id, { progress: 0.25 });
      expect((await store.plans.get(b.id))?.progress).toBe(0.25);
      expect(await store.plans.update('plan-missing', { progress: 1 })).toBeUndefined();

      expect(await store.plans.requeueRunning()).toBe(2);
      expect((await store.plans.get(b.id))?.status).toBe('queued');
      expect((await store.plans.get(a.id))?.status).toBe('done');
      expect((await store.plans.list({ sellerId: 's-plans' })).map((j) => j.id)).toEqual([a.id]);
      expect((await store.plans.list()).map((j) => j.id)).toEqual([c.id, b.id, a.id]);
    });

    it('stores a big plan compressed and reads it back whole, as a value, as text and in summaries', async () => {
      const big = {
        parcels: Array.from({ length: 6_000 }, (_, i) => ({
          id: `p-${i}`,
          costMinor: i * 7,
          note: '運輸 ✓',
        })),
      };
      const json = JSON.stringify(big);
      expect(json.length).toBeGreaterThan(256 * 1024);
      const job = await store.plans.create({ horizonDays: 1 });
      // As the plan worker hands it over: JSON text already serialised.
      await store.plans.update(job.id, { status: 'done', progress: 1, resultJson: json });
      expect((await store.plans.get(job.id))?.result).toEqual(big);
      const text = await store.plans.getText(job.id);
      expect(text?.resultJson).toBeUndefined();
      expect(text?.resultGzip?.byteLength).toBeLessThan(json.length / 4);
      expect(gunzipSync(text!.resultGzip!).toString('utf8')).toBe(json);
      expect((await store.plans.listSummaries()).find((j) => j.id === job.id)?.hasResult).toBe(true);
      // A small plan stays plain text; clearing the result clears the compressed copy too.
      await store.plans.update(job.id, { result: { costMinor: 1 } });
      expect(await store.plans.getText(job.id)).toMatchObject({ resultJson: '{"costMinor":1}' });
      expect((await store.plans.getText(job.id))?.resultGzip).toBeUndefined();
      await store.plans.update(job.id, { resultJson: json });
      await store.plans.update(job.id, { result: null });
      expect(await store.plans.getText(job.id)).not.toHaveProperty('resultGzip');
      expect((await store.plans.listSummaries()).find((j) => j.id === job.id)?.hasResult).toBe(false);
    });

    it('keeps the first response of an idempotency key', async () => {
      const record = {
        scope: 'operator',
        key: 'k-1',
        requestHash: 'h1',
        statusCode: 201,
        responseBody: '{"ok":true}',
        createdAtMs: T0,
      };
      expect(await store.idempotency.put(record)).toBe(true);
      expect(await store.idempotency.put({ ...record, requestHash: 'h2', statusCode: 409 })).toBe(false);
      expect(await store.idempotency.get('operator', 'k-1')).toEqual(record);
      expect(await store.idempotency.get('s-a', 'k-1')).toBeUndefined();
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await store.transaction(async (tx) => {
        await tx.sellers.upsert({ id: 's-tx-ok', name: 'Committed', country: 'CN' });
        await tx.parcels.insertMany('s-tx-ok', [makeParcel(0)]);
        const seen = await tx.parcels.listForPlanning({
          sellerId: 's-tx-ok',
          fromMs: T0,
          toMs: T0 + HOUR_MS,
        });
        expect(seen).toHaveLength(1);
      });
      expect(await store.parcels.count({ sellerId: 's-tx-ok' })).toBe(1);

      const failed = store.transaction(async (tx) => {
        await tx.sellers.upsert({ id: 's-tx-bad', name: 'Rolled back', country: 'CN' });
        await tx.parcels.insertMany('s-tx-bad', [makeParcel(0)]);
        throw new Error('boom');
      });
      await expect(failed).rejects.toThrow('boom');
      expect(await store.sellers.get('s-tx-bad')).toBeUndefined();
      expect(await store.parcels.count({ sellerId: 's-tx-bad' })).toBe(0);
    });
  });
}
