import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;

describe('landbridge customs (CLI)', () => {
  let dir: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
        LANDBRIDGE_CUSTOMS_EXCHANGE_DIR: join(dir, 'exchange'),
      },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-customs-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bad input: one line per problem naming file, row and field, exit 2, nothing written', () => {
    const file = join(dir, 'refs.csv');
    writeFileSync(file, 'parcelId,payChargeMinor,payCurrency\nP1,12.5,USD\nP2,100,XXX\n');
    const r = run('customs', 'references', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refs\.csv row 2: payChargeMinor: /);
    expect(r.stderr).toMatch(/refs\.csv row 3: payCurrency: not a supported ISO 4217 currency code/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const s = run('customs', 'summary', '--month', '2026-13');
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/month: must be a month YYYY-MM/);
  });

  it('an unknown departure is named, exit 1', () => {
    const r = run('customs', 'match', 'no-such-departure');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/departure no-such-departure is in no finished plan/);
  });
});
