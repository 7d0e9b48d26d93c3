import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parcelsFromJson } from '../src/domain/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { openStore } from '../src/store/index.ts';

const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;

describe('landbridge events import', () => {
  let dir: string;
  let ids: string[];
  const url = () => `sqlite:${join(dir, 'cli.db')}`;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: url() },
    });
  const statuses = async () => {
    const store = await openStore(url());
    try {
      return (await store.db.selectFrom('parcels').select('status').execute()).map((r) => r.status);
    } finally {
      await store.close();
    }
  };
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-events-cli-'));
    const store = await openStore(url());
    const { sellers, parcels } = generateParcels({ count: 3, seed: 5, from: '2026-12-01' });
    for (const s of sellers) await store.sellers.upsert(s);
    ids = [
      ...(
        await importParcels(store, parcelsFromJson(parcels, 'g'), {
          actor: { role: 'operator' },
          receivedAtMs: Date.now(),
          sellerField: 'sellerId',
        })
      ).parcelIds,
    ];
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file with one bad row: exit 2, the row and field named, nothing recorded', async () => {
    writeFileSync(
      join(dir, 'bad.csv'),
      [
        'event_id,code,parcel_id,event_time,place,weight_g',
        `e1,HUB_RECEIVED,${ids[0]},${hourAgo},xiyong-hub,1200`,
        `e2,HUB_RECEIVED,${ids[1]},${hourAgo},nowhere,`,
        `e3,DEPARTED,${ids[2]},${hourAgo},xiyong-hub,`,
      ].join('\n'),
    );
    const res = run('events', 'import', 'bad.csv');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('bad.csv row 3: place:');
    expect(res.stderr).toContain('bad.csv row 4: code: a parcel that is announced cannot take DEPARTED');
    expect(await statuses()).toEqual(['announced', 'announced', 'announced']);
  });

  it('records a good file, and a second run of it records nothing again', async () => {
    writeFileSync(
      join(dir, 'good.csv'),
      [
        'event_id,code,parcel_id,event_time,place,weight_g',
        ...ids.map((id, i) => `r${i},HUB_RECEIVED,${id},${hourAgo},xiyong-hub,900`),
      ].join('\n'),
    );
    const first = run('events', 'import', 'good.csv');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('recorded 3 events');
    const second = run('events', 'import', 'good.csv');
    expect(second.stdout).toContain('recorded 0 events');
    expect(second.stdout).toContain('3 already recorded');
    expect(await statuses()).toEqual(['received', 'received', 'received']);
  });
});
