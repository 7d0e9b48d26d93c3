/**
 * The plan job as a user meets it: N generated parcels in a fresh SQLite store, the API with its plan
 * runner (worker thread, DDP import charges), `POST /v1/plans` → polled until the stored document is
 * there. Prints the job's end-to-end time, its stages, and `/health` latency while it ran.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../src/api/index.ts';
import { parcelsFromJson } from '../src/domain/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import {
  closeSparePlanWorker,
  hasSparePlanWorker,
  keepSparePlanWorker,
  PlanRunner,
} from '../src/jobs/index.ts';
import { openStore } from '../src/store/index.ts';

export interface PlanJobFigures {
  readonly parcels: number;
  readonly endToEndMs: number;
  readonly costMinor: number;
  readonly costBasis: string;
  readonly landedCostMinor: number;
  readonly healthP99Ms: number;
  readonly healthMaxMs: number;
  readonly documentMb: number;
  /** CPU time of the whole process (every thread) from the POST to the stored document, ms. */
  readonly cpuMs: number;
  /** The job's stages in order with their times (ms): read, worker start, plan, charges, proofs, store… */
  readonly phases: readonly { readonly phase: string; readonly ms: number }[];
  /** Whether the job found a plan worker loaded ahead (a server's spare). */
  readonly spare: boolean;
  /** The containers' 3D proofs: how many, proven at first and after the moves, parcels moved. */
  readonly proofs?: {
    readonly containers: number;
    readonly proven: number;
    readonly provenFirst: number;
    readonly moves: number;
  };
}

const url = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

export async function planJobEndToEnd(n: number, seed = 1): Promise<PlanJobFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-bench-plan-job-'));
  const network = readNetworkFile(url('../data/network/chongqing.yaml'));
  const fxTables = readFxFile(url('../data/fx/rates.yaml'));
  const fx = fxConverter(fxTables);
  const landed = { rules: readDutyRules(url('../data/duties')), fx: fxTables };
  // BENCH_PLAN_DB: a copy of a database a run made already (same n and seed), to skip the import.
  const reuse = process.env.BENCH_PLAN_DB;
  if (reuse) copyFileSync(reuse, join(dir, 'bench.db'));
  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  const NOW = Date.parse('2026-12-01T02:00:00Z');
  // A server keeps a plan worker loaded ahead of the next job (LANDBRIDGE_PLAN_SPARE=0: not): started
  // here, it loads while the parcels are imported, as a server's would while it is up.
  keepSparePlanWorker();
  try {
    if (!reuse) {
      const { sellers, parcels } = generateParcels({ count: n, seed, from: '2026-12-01', days: 14 });
      for (const s of sellers) await store.sellers.upsert(s);
      await importParcels(store, parcelsFromJson(parcels, 'generated'), {
        actor: { role: 'operator' },
        receivedAtMs: NOW,
      });
    }
    const operator = (await store.apiKeys.create({ role: 'operator', label: 'bench' })).key;
    const app = await buildServer({ store, network, fx, nowMs: () => NOW, landed });
    let phases: readonly { phase: string; ms: number }[] = [];
    const runner = new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
      100,
      landed,
      { fxTables },
      {
        onPhases: (_id, p) => {
          phases = p;
        },
      },
    );
    await runner.start();
    const health: number[] = [];
    let polling = true;
    const probe = (async () => {
      while (polling) {
        const t = performance.now();
        await app.inject({ method: 'GET', url: '/health' });
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const spare = hasSparePlanWorker();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const post = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: { authorization: `Bearer ${operator}` },
      payload: { from: '2026-12-01', days: 14 },
    });
    const id = post.json().id as string;
    let job: { status: string; error?: string } = { status: 'queued' };
    while (job.status === 'queued' || job.status === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      // The job's row without parsing its document (tens of MB): the poll sees it stored, no more.
      job = (await store.plans.getText(id)) as typeof job;
    }
    const endToEndMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    polling = false;
    await probe;
    await runner.stop();
    if (job.status !== 'done') throw new Error(`the plan job ${job.status}: ${job.error}`);
    const res = await app.inject({
      method: 'GET',
      url: `/v1/plans/${id}`,
      headers: { authorization: `Bearer ${operator}` },
    });
    const result = res.json().result;
    const s = result.summary;
    const proof = result.containerProof as
      | { containers: number; proven: number; provenFirst?: number; moves?: unknown[] }
      | undefined;
    const stored = (await store.plans.get(id))!;
    await app.close();
    health.sort((a, b) => a - b);
    return {
      parcels: n,
      endToEndMs,
      costMinor: s.costMinor,
      costBasis: s.costBasis,
      landedCostMinor: s.components.landedCostMinor ?? 0,
      healthP99Ms: health[Math.floor(health.length * 0.99)] ?? 0,
      healthMaxMs: health.at(-1) ?? 0,
      documentMb: JSON.stringify(stored.result).length / 1e6,
      cpuMs: (cpu.user + cpu.system) / 1000,
      phases,
      spare,
      ...(proof
        ? {
            proofs: {
              containers: proof.containers,
              proven: proof.proven,
              provenFirst: proof.provenFirst ?? proof.proven,
              moves: proof.moves?.length ?? 0,
            },
          }
        : {}),
    };
  } finally {
    await closeSparePlanWorker();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The job's stages as `read 1.2 s · plan 8.0 s · …`. */
export function phaseLine(phases: readonly { readonly phase: string; readonly ms: number }[]): string {
  return phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(' · ');
}

// Run alone: `npx tsx bench/plan-job.ts 100000`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 100_000);
  const load = () => loadavg()[0]!.toFixed(2);
  const before = load();
  const f = await planJobEndToEnd(n);
  console.log(`  machine load (1-minute average) ${before} before, ${load()} after`);
  console.log(
    `plan job through the API — ${n.toLocaleString('en')} parcels: ${(f.endToEndMs / 1000).toFixed(1)} s end to end (POST /v1/plans → stored document, ${f.documentMb.toFixed(1)} MB); cost USD ${(f.costMinor / 100).toLocaleString('en', { maximumFractionDigits: 0 })} (${f.costBasis}); /health p99 ${f.healthP99Ms.toFixed(0)} ms, max ${f.healthMaxMs.toFixed(0)} ms`,
  );
  console.log(
    `  stages (${f.spare ? 'a spare plan worker loaded ahead' : 'a fresh plan worker'}): ${phaseLine(f.phases)}`,
  );
  console.log(`  CPU time of the process (all its threads) during the job: ${(f.cpuMs / 1000).toFixed(1)} s`);
  if (f.proofs)
    console.log(
      `  containers proven by the 3D loader: ${f.proofs.provenFirst} of ${f.proofs.containers} at first, ${f.proofs.proven} after ${f.proofs.moves} moves`,
    );
}
