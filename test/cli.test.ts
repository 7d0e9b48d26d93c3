import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.ts';

const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;

describe('landbridge CLI', () => {
  let dir: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help for every command', () => {
    for (const cmd of [
      [],
      ['parcels', 'import'],
      ['generate', 'parcels'],
      ['network', 'check'],
      ['departures'],
      ['keys', 'create'],
    ]) {
      const res = run(...cmd, '--help');
      expect(res.status, cmd.join(' ')).toBe(0);
      expect(res.stdout).toContain('Usage: landbridge');
      if (cmd.length === 0)
        for (const c of COMMANDS)
          expect(res.stdout.replace(/\s+/g, ' ')).toContain(`${c.term} ${c.description}`);
    }
  });

  it('writes the same file for the same seed', () => {
    const a = run('generate', 'parcels', '--count', '50', '--seed', '9', '--from', '2026-12-01');
    const b = run('generate', 'parcels', '--count', '50', '--seed', '9', '--from', '2026-12-01');
    const c = run('generate', 'parcels', '--count', '50', '--seed', '10', '--from', '2026-12-01');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it('imports all or nothing: one bad row exits 2 naming row and field, and writes nothing', () => {
    const gen = run(
      'generate',
      'parcels',
      '--count',
      '300',
      '--seed',
      '5',
      '--from',
      '2026-12-01',
      '--out',
      'p.csv',
      '--register-sellers',
    );
    expect(gen.status, gen.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'p.csv'), 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const weight = header.indexOf('gross_weight_g');
    // Row 41 (line index 40): make its weight text; fields before it hold no quoted commas.
    const cells = lines[40]!.split(',');
    cells[weight] = 'heavy';
    lines[40] = cells.join(',');
    writeFileSync(join(dir, 'bad.csv'), lines.join('\n'));

    const bad = run('parcels', 'import', 'bad.csv');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv row 41: gross_weight_g: /);
    expect(run('parcels', 'list', '--json').stdout.trim()).toBe('');

    const good = run('parcels', 'import', 'p.csv');
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/imported 300 parcels/);
    const again = run('parcels', 'import', 'p.csv');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/was imported before/);
  });

  it('checks the sample network and lists its departures', () => {
    const check = run('network', 'check');
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/valid — \d+ nodes, \d+ services, 4 corridors/);
    const deps = run('departures', '--from', '2026-12-01', '--to', '2026-12-02', '--json');
    expect(deps.status, deps.stderr).toBe(0);
    const rows = deps.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { origin: string; departAt: string });
    const fromChongqing = rows.filter((r) => r.departAt.endsWith('+08:00') && r.origin !== 'hong-kong-hkg');
    expect(fromChongqing.length).toBeGreaterThan(0);
    expect(fromChongqing.every((r) => r.departAt.startsWith('2026-12-01'))).toBe(true);
  });

  it('refuses a bad option with a clear message', () => {
    const res = run('generate', 'parcels', '--count', 'many', '--from', '2026-12-01');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--count must be a whole number');
  });
});
