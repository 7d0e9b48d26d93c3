import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { FX_FILE } from '../src/cli/context.ts';
import { runCli } from '../src/cli/index.ts';
import { type ImportedFxTable, parseEcbCsv } from '../src/duties/index.ts';
import { fxConverter, fxTablesWithImports, readDutyRules, readNetworkFile } from '../src/files/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

const fixtureFile = (name: string) => fileURLToPath(new URL(`./fixtures/fx/${name}`, import.meta.url));
const data = (path: string) => fileURLToPath(new URL(`../data/${path}`, import.meta.url));
const BIN = fileURLToPath(new URL('../bin/landbridge.js', import.meta.url));

const histTables = (): readonly ImportedFxTable[] => {
  const r = parseEcbCsv(readFileSync(fixtureFile('eurofxref-hist.csv'), 'utf8'), 'eurofxref-hist.csv');
  if (!r.ok) throw new Error('fixture');
  return r.tables;
};

// ---- the store: one contract, SQLite and PostgreSQL ----

const postgresUrl = process.env.LANDBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
const hasPostgres = await postgresReachable();

const DIALECTS: readonly {
  name: string;
  skip: boolean;
  setUp(): Promise<{ url: string; tearDown(): Promise<void> }>;
}[] = [
  {
    name: 'sqlite',
    skip: false,
    async setUp() {
      const dir = mkdtempSync(join(tmpdir(), 'lb-fx-store-'));
      return {
        url: `sqlite:${join(dir, 'fx.db')}`,
        tearDown: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    skip: !hasPostgres,
    async setUp() {
      const schema = `lb_fx_${randomBytes(6).toString('hex')}`;
      const admin = async (statement: string) => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      };
      await admin(`create schema ${schema}`);
      const separator = postgresUrl.includes('?') ? '&' : '?';
      return {
        url: `${postgresUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        tearDown: () => admin(`drop schema if exists ${schema} cascade`),
      };
    },
  },
];

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip)(`fx tables in the store (${dialect.name})`, () => {
    let store: Store;
    let tearDown: () => Promise<void>;
    let now = Date.parse('2026-12-07T17:00:00Z');
    beforeAll(async () => {
      const db = await dialect.setUp();
      tearDown = db.tearDown;
      store = await openStore(db.url, { nowMs: () => now });
    });
    afterAll(async () => {
      await store.close();
      await tearDown();
    });

    it('stores imported days, replaces a day imported again, and reports per source', async () => {
      expect(await store.fx.lastImportedAtMs()).toBeUndefined();
      expect(await store.fx.upsertMany(histTables())).toEqual({ inserted: 5, replaced: 0 });
      now += 60_000;
      const again = histTables().slice(3);
      expect(await store.fx.upsertMany(again)).toEqual({ inserted: 0, replaced: 2 });
      const all = await store.fx.list();
      expect(all.map((t) => t.date)).toEqual([
        '2026-11-17',
        '2026-11-18',
        '2026-12-03',
        '2026-12-04',
        '2026-12-07',
      ]);
      expect(all[4]).toMatchObject({
        source: 'ecb',
        base: 'EUR',
        origin: 'eurofxref-hist.csv',
        rates: { USD: '1.1602' },
      });
      expect(await store.fx.summary()).toEqual([
        {
          source: 'ecb',
          tables: 5,
          oldestDate: '2026-11-17',
          newestDate: '2026-12-07',
          lastImportedAtMs: now,
        },
      ]);
      expect(await store.fx.lastImportedAtMs()).toBe(now);
      await store.fx.upsertMany([
        {
          source: 'cbp-certified',
          date: '2026-12-01',
          validTo: '2026-12-31',
          base: 'USD',
          rates: { EUR: '0.8611' },
          origin: 'cbp.csv',
        },
      ]);
      expect((await store.fx.list()).find((t) => t.source === 'cbp-certified')).toMatchObject({
        validTo: '2026-12-31',
      });
    });
  });
}

// ---- the CLI: import, convert, update from a local server ----

describe('landbridge fx', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` });

  /** Runs the CLI in this process; returns stdout, stderr and the exit code it set. */
  async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      err.push(String(chunk));
      return true;
    });
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = env().DATABASE_URL;
    process.exitCode = 0;
    try {
      await runCli(['node', 'landbridge', ...args]);
    } finally {
      log.mockRestore();
      write.mockRestore();
      process.env.DATABASE_URL = saved;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { out: out.join('\n'), err: err.join(''), code };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-fx-cli-'));
    // A local stand-in for www.ecb.europa.eu: serves the fixture files, 503 for anything else.
    server = createServer((req, res) => {
      const name = (req.url ?? '').replace(/^\/stats\/eurofxref\//, '');
      if (name === 'eurofxref-daily.xml' || name === 'eurofxref-hist.xml') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(readFileSync(fixtureFile(name)));
      } else {
        res.writeHead(503);
        res.end('Service unavailable');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stats/eurofxref`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports eurofxref-hist.csv (the installed command, end to end), all or nothing', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...env() },
      });
    const ok = run('fx', 'import', fixtureFile('eurofxref-hist.csv'));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('imported 5 ecb tables (2026-11-17 to 2026-12-07) from');
    expect(ok.stdout).toContain(
      'EU monthly customs rates derived for 1 month(s), latest 2026-12-01 to 2026-12-31',
    );
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,USD,JPY,\n2026-12-08,1.16,x,\n');
    const refused = run('fx', 'import', bad);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('bad.csv row 2: JPY: "x" is not a positive rate');
  });

  it('a conversion on 2026-12-07 uses the imported day’s rate and says which; the XML file gives the same', async () => {
    const r = await cli('fx', 'convert', '100.00', 'EUR', 'USD', '--date', '2026-12-07');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'EUR 100.00 = USD 116.02 on 2026-12-07 at 1.1602 (reference table of 2026-12-07: ECB euro foreign exchange reference rates of 2026-12-07 (imported from eurofxref-hist.csv))',
    );
    const eu = await cli(
      'fx',
      'convert',
      '100.00',
      'USD',
      'EUR',
      '--date',
      '2026-12-07',
      '--source',
      'eu-customs',
    );
    expect(eu.out).toMatch(
      /\(eu-customs table of 2026-12-01: EU customs exchange rates \(UCC art\. 53\) from 2026-12-01 to 2026-12-31/,
    );
    expect((await cli('fx', 'import', fixtureFile('eurofxref-hist.xml'))).out).toContain('0 new, 5 replaced');
  });

  it('fx update fetches the daily file (here from a local server) and the next day converts with it', async () => {
    const r = await cli('fx', 'update', '--url', `${base}/eurofxref-daily.xml`);
    expect(r.err).toBe('');
    expect(r.out).toContain(
      `imported 1 ecb table (2026-12-08) from ${base}/eurofxref-daily.xml: 1 new, 0 replaced`,
    );
    const c = await cli('fx', 'convert', '100.00', 'EUR', 'USD', '--date', '2026-12-08');
    expect(c.out).toContain('at 1.1583 (reference table of 2026-12-08');
    const status = await cli('fx', 'status', '--json');
    expect(JSON.parse(status.out).imports).toEqual([
      expect.objectContaining({
        source: 'ecb',
        tables: 6,
        oldestDate: '2026-11-17',
        newestDate: '2026-12-08',
      }),
    ]);
  });

  it('fx update says so and changes nothing when the server does not answer with rates', async () => {
    const down = await cli('fx', 'update', '--url', `${base}/missing.xml`);
    expect(down.code).toBe(1);
    expect(down.err).toContain(
      `cannot fetch ${base}/missing.xml: HTTP 503 Service Unavailable; the stored rates are unchanged`,
    );
    const status = await cli('fx', 'status', '--json');
    expect(JSON.parse(status.out).imports[0].tables).toBe(6);
    expect((await cli('fx', 'update', '--url', 'ftp://example')).code).toBe(2);
  });
});

// ---- the API: GET /v1/fx and the stale-rates warning ----

describe('exchange-rate freshness over HTTP', () => {
  let store: Store;
  let stale: FastifyInstance;
  let fresh: FastifyInstance;
  let operator: string;
  let seller: string;
  const nowMs = () => Date.parse('2026-12-07T18:00:00Z');

  beforeAll(async () => {
    store = await openStore('sqlite::memory:', { nowMs });
    await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    seller = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 't' })).key;
    const network = readNetworkFile(data('network/chongqing.yaml'));
    const rules = readDutyRules(data('duties'));
    const shipped = fxTablesWithImports(FX_FILE, [], '2026-12-07');
    stale = await buildServer({
      store,
      network,
      fx: fxConverter(shipped),
      landed: { rules, fx: shipped },
      nowMs,
    });
    await store.fx.upsertMany(histTables());
    const withImports = fxTablesWithImports(FX_FILE, await store.fx.list(), '2026-12-07');
    fresh = await buildServer({
      store,
      network,
      fx: fxConverter(withImports),
      landed: { rules, fx: withImports },
      nowMs,
    });
  });
  afterAll(async () => {
    await stale.close();
    await fresh.close();
    await store.close();
  });

  const get = (app: FastifyInstance, key?: string) =>
    app.inject({ method: 'GET', url: '/v1/fx', headers: key ? { authorization: `Bearer ${key}` } : {} });

  for (const role of ['operator', 'seller'] as const) {
    it(`GET /v1/fx says how old the newest table is and warns past a week (${role} key)`, async () => {
      const key = role === 'operator' ? operator : seller;
      const old = await get(stale, key);
      expect(old.statusCode).toBe(200);
      expect(old.headers['landbridge-fx-warning']).toBe(
        'newest exchange-rate table 2025-05-09 is 577 days old',
      );
      expect(old.json().reference).toMatchObject({ newestDate: '2025-05-09', ageDays: 577, stale: true });
      expect(old.json().reference.warning).toMatch(/^the newest exchange-rate table is of 2025-05-09/);
      const now = await get(fresh, key);
      expect(now.headers['landbridge-fx-warning']).toBeUndefined();
      expect(now.json()).toMatchObject({
        today: '2026-12-07',
        reference: { newestDate: '2026-12-07', ageDays: 0, stale: false },
        official: [
          {
            source: 'eu-customs',
            tables: 1,
            newestDate: '2026-12-01',
            newestValidTo: '2026-12-31',
            inForceToday: true,
          },
          { source: 'cbp-certified', tables: 0, inForceToday: false },
        ],
        imports: [{ source: 'ecb', tables: 5, newestDate: '2026-12-07' }],
      });
    });
  }

  it('GET /v1/fx needs a key', async () => {
    expect((await get(fresh)).statusCode).toBe(401);
  });

  it('landed cost carries the warning while the rates are stale, and converts at the imported day once they are not', async () => {
    const body = {
      destination: 'GB',
      date: '2026-12-07',
      items: [
        {
          description: 'T-shirt',
          hsCode: '610910',
          quantity: 1,
          unitValueMinor: 2000,
          currency: 'USD',
          originCountry: 'CN',
        },
      ],
    };
    const post = (app: FastifyInstance) =>
      app.inject({
        method: 'POST',
        url: '/v1/landed-cost',
        headers: { authorization: `Bearer ${seller}` },
        payload: body,
      });
    const old = await post(stale);
    expect(old.statusCode).toBe(200);
    expect(old.headers['landbridge-fx-warning']).toContain('2025-05-09');
    const now = await post(fresh);
    expect(now.headers['landbridge-fx-warning']).toBeUndefined();
    expect(now.json().fx[0]).toMatchObject({
      from: 'USD',
      to: 'GBP',
      tableDate: '2026-12-07',
      rateSource: 'reference',
    });
    expect(now.json().fx[0].sources[0]).toBe(
      'ECB euro foreign exchange reference rates of 2026-12-07 (imported from eurofxref-hist.csv)',
    );
  });

  it('documents GET /v1/fx with its success body and problem responses', async () => {
    const doc = (await fresh.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths['/v1/fx'].get.responses)).toEqual(
      expect.arrayContaining(['200', '401', '503']),
    );
  });
});
