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

describe('landbridge hub and track', () => {
  let dir: string;
  let ids: string[];
  let number: string;
  const url = () => `sqlite:${join(dir, 'cli.db')}`;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: url() },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-hub-cli-'));
    const store = await openStore(url());
    const { sellers, parcels } = generateParcels({ count: 2, seed: 7, from: '2026-12-01' });
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
    await store.journeys.ensure('xiyong-hub');
    number = (await store.journeys.get('xiyong-hub', ids[0]!))!.tracking_number;
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('receives scans from a CSV with the re-weigh audit, refuses a bad one naming row and field, and tracks the parcel', () => {
    writeFileSync(join(dir, 'bad.csv'), `parcel_id,weight_g\n${ids[0]},heavy\n`);
    const bad = run('hub', 'receive', 'bad.csv');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('row 2');
    expect(bad.stderr).toContain('weight_g');
    writeFileSync(join(dir, 'scans.csv'), `tracking_number,weight_g\n${number},999999\n`);
    const ok = run('hub', 'receive', 'scans.csv');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('received 1 parcels');
    expect(ok.stdout).toContain('re-weigh: 1 of 1 beyond the tolerance');
    const track = run('track', number, '--lang', 'de');
    expect(track.status, track.stderr).toBe(0);
    expect(track.stdout).toContain('Im Exportzentrum eingegangen');
    const wrong = run('track', `${number.slice(0, 12)}${(Number(number.at(-1)) + 1) % 10}`);
    expect(wrong.status).toBe(2);
  });
});
