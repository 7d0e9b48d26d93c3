/**
 * Container-loading benchmark on the BR instances (Bischoff & Ratcliff 1995; Davies & Bischoff 1999):
 * loads the first K problems of each class named, checks every plan with the independent checker and
 * prints, per class, the average volume utilisation and time beside the reference figures of
 * ../shared/bench/published.md.
 *
 *   npm run bench:load -- --classes 1-7 --instances 10 --seconds 10 --support none [--jobs 2] [--verbose]
 *
 * Each instance runs on one thread; `--jobs 2` runs two instances at a time in worker threads.
 */
import { availableParallelism, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkLoadPlan, loadContainer, type SupportRule, thpackToLoadRequest } from '../src/load/index.ts';
import { BR_DIR, readBrClass } from './br.ts';

interface Task {
  readonly c: number;
  readonly index: number;
}
interface Outcome extends Task {
  readonly number: number;
  readonly util: number;
  readonly seconds: number;
  readonly problems: readonly string[];
  readonly rounds: number;
  readonly blocks: number;
}
interface Settings {
  readonly support: SupportRule;
  readonly seconds: number;
  readonly dir: string;
}

function solve(task: Task, s: Settings): Outcome {
  const problem = readBrClass(task.c, s.dir)[task.index]!;
  const request = thpackToLoadRequest(problem);
  const t0 = performance.now();
  const plan = loadContainer(request, { support: s.support, timeLimitMs: s.seconds * 1000 });
  const seconds = (performance.now() - t0) / 1000;
  const check = checkLoadPlan(request, plan, s.support);
  return {
    ...task,
    number: problem.number,
    util: check.volumeUtilisation,
    seconds,
    problems: check.problems.map((p) => p.message),
    rounds: plan.stats.rounds,
    blocks: plan.stats.blocks,
  };
}

function parseClasses(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) throw new Error(`bad --classes ${text}`);
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

/** BSG (Araya & Riff 2014 with VCS, 2017), run on this machine, unsupported, first 10 problems per class. */
const BSG_5S: Record<number, number> = {
  1: 94.36,
  3: 95.23,
  5: 95.56,
  7: 95.08,
  9: 94.69,
  12: 94.35,
  15: 94.11,
};
const BSG_10S: Record<number, number> = {
  0: 86.33,
  1: 94.84,
  2: 95.68,
  3: 95.79,
  4: 95.6,
  5: 95.85,
  6: 95.5,
  7: 95.42,
  8: 94.96,
  9: 95.03,
  10: 94.98,
  11: 95.02,
  12: 94.58,
  13: 94.58,
  14: 94.47,
  15: 94.47,
};
/** Fanslau & Bortfeldt 2010, CLTRS, all 100 problems, about 320 s each (recalled figures, published.md). */
const CLTRS_NONE: Record<number, number> = Object.fromEntries(
  [95.05, 95.43, 95.47, 95.18, 95.0, 94.79, 94.24, 93.7, 93.44, 93.09, 92.81, 92.73, 92.46, 92.4, 92.4].map(
    (v, i) => [i + 1, v],
  ),
);
const CLTRS_FULL: Record<number, number> = Object.fromEntries(
  [
    94.51, 94.73, 94.74, 94.41, 94.13, 93.85, 93.2, 92.26, 91.48, 90.86, 90.11, 89.51, 88.98, 88.26, 87.57,
  ].map((v, i) => [i + 1, v]),
);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const classes = parseClasses(arg('classes') ?? '1-15');
  const instances = Number(arg('instances') ?? 100);
  const from = Number(arg('from') ?? 1);
  const seconds = Number(arg('seconds') ?? 10);
  const supportArg = arg('support') ?? 'full';
  const support: SupportRule =
    supportArg === 'full' || supportArg === 'none' ? supportArg : { ratio: Number(supportArg) };
  const jobs = Math.max(1, Math.min(Number(arg('jobs') ?? 1), availableParallelism()));
  const verbose = args.includes('--verbose');
  const settings: Settings = { support, seconds, dir: arg('dir') ?? BR_DIR };

  // The reference of the same variant: BSG at the same seconds (or 10 s) unsupported; CLTRS otherwise.
  const bsg = seconds <= 5 ? BSG_5S : BSG_10S;
  const reference = (c: number): number | undefined =>
    support === 'none' ? (bsg[c] ?? BSG_10S[c]) : support === 'full' ? CLTRS_FULL[c] : undefined;
  const refName =
    support === 'none'
      ? `BSG unsupported, measured here on problems 1–10, ${seconds <= 5 ? 'at 5 s (10 s where no 5 s figure)' : 'at 10 s'}`
      : support === 'full'
        ? 'CLTRS full support (Fanslau & Bortfeldt 2010, ~320 s, all 100 problems; no BSG full-support figure measured here)'
        : 'none for partial support';

  console.log(
    `BR container loading · support ${supportArg} · ${seconds} s per problem · problems ${from}–${from + instances - 1} of each class · ` +
      `${jobs === 1 ? 'one thread' : `${jobs} worker threads, one problem each`} · load average ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(`reference: ${refName}`);
  const pct = (v: number | undefined): string => (v === undefined ? '     —' : v.toFixed(2).padStart(6));
  console.log(
    'class  probs  ours %  avg s  fails │    ref      Δ │ BSG 5 s  BSG 10 s │ CLTRS none  CLTRS full',
  );

  const tasks: Task[] = [];
  const counts = new Map<number, number>();
  for (const c of classes) {
    const n = Math.max(0, Math.min(instances, readBrClass(c, settings.dir).length - (from - 1)));
    counts.set(c, n);
    for (let i = 0; i < n; i++) tasks.push({ c, index: from - 1 + i });
  }
  const done = new Map<number, Outcome[]>();
  const rows: { c: number; util: number; time: number }[] = [];
  let printed = 0;
  const report = (o: Outcome): void => {
    const list = done.get(o.c) ?? [];
    list.push(o);
    done.set(o.c, list);
    if (verbose || o.problems.length > 0)
      console.log(
        `  BR${o.c} #${o.number}: ${(100 * o.util).toFixed(2)} %  ${o.seconds.toFixed(1)} s  blocks ${o.blocks}  rounds ${o.rounds}` +
          (o.problems.length > 0 ? `  CHECKER: ${o.problems.length} problems, first: ${o.problems[0]}` : ''),
      );
    // print finished classes in order
    while (printed < classes.length) {
      const c = classes[printed]!;
      const got = done.get(c) ?? [];
      if (got.length < counts.get(c)!) break;
      printed++;
      if (got.length === 0) continue;
      const util = (100 * got.reduce((s, x) => s + x.util, 0)) / got.length;
      const time = got.reduce((s, x) => s + x.seconds, 0) / got.length;
      const fails = got.filter((x) => x.problems.length > 0).length;
      const ref = reference(c);
      rows.push({ c, util, time });
      console.log(
        `BR${String(c).padEnd(4)} ${String(got.length).padStart(4)}  ${pct(util)}  ${time.toFixed(1).padStart(5)}  ${String(fails).padStart(5)} │ ${pct(ref)} ${ref === undefined ? '     —' : (util - ref).toFixed(2).padStart(6)} │  ${pct(BSG_5S[c])}    ${pct(BSG_10S[c])} │     ${pct(CLTRS_NONE[c])}      ${pct(CLTRS_FULL[c])}`,
      );
    }
  };

  if (jobs === 1) for (const t of tasks) report(solve(t, settings));
  else {
    let next = 0;
    await Promise.all(
      Array.from({ length: jobs }, async () => {
        const worker = new Worker(
          // a worker thread does not inherit tsx's loader: register it, then run this file
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`,
          { eval: true, workerData: settings },
        );
        await new Promise<void>((resolve, reject) => {
          const feed = (): void => {
            if (next < tasks.length) worker.postMessage(tasks[next++]);
            else {
              worker.postMessage(null);
              resolve();
            }
          };
          worker.on('message', (o: Outcome) => {
            report(o);
            feed();
          });
          worker.on('error', reject);
          feed();
        });
      }),
    );
  }

  for (const [name, lo, hi] of [
    ['BR1–7', 1, 7],
    ['BR8–15', 8, 15],
  ] as const) {
    const sel = rows.filter((r) => r.c >= lo && r.c <= hi);
    if (sel.length === 0) continue;
    const mean = (f: (c: number) => number | undefined): number | undefined => {
      const v = sel.map((r) => f(r.c));
      return v.some((x) => x === undefined) ? undefined : v.reduce((a, b) => a! + b!, 0)! / v.length;
    };
    const util = mean((c) => rows.find((r) => r.c === c)!.util)!;
    const time = mean((c) => rows.find((r) => r.c === c)!.time)!;
    const ref = mean(reference);
    console.log(
      `${name.padEnd(7)} ${String(sel.length).padStart(3)}c  ${pct(util)}  ${time.toFixed(1).padStart(5)}        │ ${pct(ref)} ${ref === undefined ? '     —' : (util - ref).toFixed(2).padStart(6)} │  ${pct(mean((c) => BSG_5S[c]))}    ${pct(mean((c) => BSG_10S[c]))} │     ${pct(mean((c) => CLTRS_NONE[c]))}      ${pct(mean((c) => CLTRS_FULL[c]))}`,
    );
  }
}

if (!isMainThread) {
  const settings = workerData as Settings;
  parentPort!.on('message', (task: Task | null) => {
    if (task === null) process.exit(0);
    parentPort!.postMessage(solve(task, settings));
  });
} else await main();
