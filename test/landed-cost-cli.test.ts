import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/landbridge.js', import.meta.url));

describe('landbridge landed-cost', () => {
  let dir: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` },
    });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-landed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads --shipping in the items' currency, and prints the notes and the rates used", () => {
    const eur = run(
      'landed-cost',
      '--to',
      'DE',
      '--date',
      '2026-11-24',
      '--item',
      '610910:2:7.99:EUR',
      '--shipping',
      '4.00',
    );
    expect(eur.status).toBe(0);
    expect(eur.stdout).toContain('goods EUR 15.98, shipping EUR 4.00, customs value EUR 19.98 (CIF)');
    expect(eur.stdout).toMatch(
      /\n {2}note: The customs duty relief for consignments up to EUR 150 ends on 2026-07-01/,
    );
    const usd = run(
      'landed-cost',
      '--to',
      'DE',
      '--date',
      '2026-11-24',
      '--item',
      '610910:1:20.00:USD',
      '--shipping',
      '4.00',
    );
    expect(usd.status).toBe(0);
    expect(usd.stdout).toMatch(/\n {2}FX {4}USD→EUR \d+\.\d+ \(table of \d{4}-\d{2}-\d{2}/);
    expect(usd.stdout).toMatch(/\n {2}note: USD\/EUR converted at the rate of/);
    const explicit = run(
      'landed-cost',
      '--to',
      'DE',
      '--date',
      '2026-11-24',
      '--item',
      '610910:2:7.99:EUR',
      '--shipping',
      '4.00',
      '--costs-currency',
      'USD',
    );
    expect(explicit.stdout).not.toContain('shipping EUR 4.00');
  });
});
