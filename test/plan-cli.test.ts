import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../src/plan/index.ts';

const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;

describe('landbridge plan (CLI)', () => {
  let dir: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'plan.db')}` },
    });
  const plan = () => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanDocument;
  const verify = (doc: PlanDocument) => {
    writeFileSync(join(dir, 'changed.json'), JSON.stringify(doc));
    return run('plan', 'verify', 'changed.json');
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-plan-cli-'));
    const gen = run(
      'generate',
      'parcels',
      '--count',
      '400',
      '--seed',
      '4',
      '--from',
      '2026-12-01',
      '--days',
      '3',
      '--out',
      'p.csv',
      '--register-sellers',
    );
    if (gen.status !== 0) throw new Error(gen.stderr);
    const imp = run('parcels', 'import', 'p.csv');
    if (imp.status !== 0) throw new Error(imp.stderr);
    const res = run('plan', 'run', '--from', '2026-12-01', '--days', '3', '--out', 'plan.json');
    if (res.status !== 0) throw new Error(res.stderr);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies the plan it made, with every parcel planned or held and the import charges recomputed', () => {
    const doc = plan();
    expect(doc.summary.costBasis).toBe('freight+ddp-import-charges');
    expect(doc.summary.planned + doc.summary.held).toBe(400);
    const res = run('plan', 'verify', 'plan.json');
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/the plan holds — \d+ planned and \d+ held of 400 parcels/);
    expect(res.stdout).toContain('import charges recomputed');
  });

  it('fails a plan from which one parcel was deleted, naming it', () => {
    const doc = plan();
    const gone = doc.parcels[7]!.id;
    const res = verify({ ...doc, parcels: doc.parcels.filter((p) => p.id !== gone) });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`[coverage] parcel ${gone}`);
  });

  it('fails a parcel whose cost claim is off by 927 minor units, and import charges not the rules’', () => {
    const doc = plan();
    const p = doc.parcels[3]!;
    const off = verify({
      ...doc,
      parcels: doc.parcels.map((x) => (x.id === p.id ? { ...x, costMinor: x.costMinor + 927 } : x)),
    });
    expect(off.status).toBe(1);
    expect(off.stderr).toContain(`[parcel-cost] parcel ${p.id}`);
    const ddp = doc.parcels.find((x) => (x.importChargesMinor ?? 0) > 0)!;
    const wrong = verify({
      ...doc,
      parcels: doc.parcels.map((x) =>
        x.id === ddp.id
          ? { ...x, importChargesMinor: x.importChargesMinor! + 40, costMinor: x.costMinor + 40 }
          : x,
      ),
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`[import-charges] parcel ${ddp.id}`);
  });

  it('re-plans around a closure with a start and an end, on the plan’s cost basis', () => {
    const res = run(
      'plan',
      'replan',
      'plan.json',
      '--close-node',
      'brest',
      '--disruption-from',
      '2026-12-02T00:00:00Z',
      '--disruption-to',
      '2026-12-09T00:00:00Z',
      '--reason',
      'crossing closed',
      '--out',
      'replan.json',
    );
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('crossing closed');
    expect(res.stdout).toContain('both with DDP import charges');
    const doc = JSON.parse(readFileSync(join(dir, 'replan.json'), 'utf8'));
    expect(doc.replan.costBasis).toBe('freight+ddp-import-charges');
    expect(doc.replan.costBeforeMinor).toBe(plan().summary.costMinor);
    expect(doc.replan.costAfterMinor).toBe(doc.summary.costMinor);
    // The re-plan's containers are proven by the 3D loader like the plan's, and `plan verify` checks
    // the proofs (every proven container carries exactly the parcels its proof loaded).
    const containers = doc.departures.reduce(
      (n: number, d: { containers: unknown[] }) => n + d.containers.length,
      0,
    );
    expect(containers).toBeGreaterThan(0);
    expect(doc.containerProof.containers).toBe(containers);
    expect(doc.containerProof.byContainer).toHaveLength(containers);
    expect(doc.summary.containersProven).toBe(doc.containerProof.proven);
    const verified = run('plan', 'verify', 'replan.json');
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  });

  it('refuses a disruption that ends before it starts, or names no known node, with the field', () => {
    const backwards = run(
      'plan',
      'replan',
      'plan.json',
      '--close-node',
      'brest',
      '--disruption-from',
      '2026-12-09T00:00:00Z',
      '--disruption-to',
      '2026-12-02T00:00:00Z',
    );
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toContain('disruption.to');
    const unknown = run(
      'plan',
      'replan',
      'plan.json',
      '--close-node',
      'atlantis',
      '--disruption-to',
      '2026-12-09T00:00:00Z',
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('disruption.nodeId');
    expect(unknown.stderr).toContain('atlantis');
    const noEnd = run('plan', 'replan', 'plan.json', '--close-node', 'brest');
    expect(noEnd.status).toBe(2);
    expect(noEnd.stderr).toContain('--disruption-to');
  });
});
