/**
 * Container-loading benchmark on the BR instances (Bischoff & Ratcliff 1995; Davies & Bischoff 1999):
 * loads the first K problems of each class, checks every plan with the independent checker and prints,
 * per class, the average volume utilisation and time beside the reference figures.
 *
 *   npm run bench:load -- --classes 1-7 --instances 10 --seconds 10 --support none
 */
import { loadavg } from 'node:os';
import { checkLoadPlan, loadContainer, type SupportRule, thpackToLoadRequest } from '../src/load/index.ts';
import { BR_DIR, readBrClass } from './br.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

function parseClasses(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) throw new Error(`bad --classes ${text}`);
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

const classes = parseClasses(arg('classes') ?? '1-15');
const instances = Number(arg('instances') ?? 100);
const from = Number(arg('from') ?? 1);
const seconds = Number(arg('seconds') ?? 10);
const supportArg = arg('support') ?? 'full';
const support: SupportRule =
  supportArg === 'full' || supportArg === 'none' ? supportArg : { ratio: Number(supportArg) };
const dir = arg('dir') ?? BR_DIR;
const verbose = args.includes('--verbose');

/** BSG (Araya & Riff 2014 + VCS 2017), measured on this machine, unsupported, first 10 instances per class. */
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
/** Fanslau & Bortfeldt 2010 CLTRS, all 100 instances, about 320 s each (recalled figures, see published.md). */
const CLTRS_NONE = [
  0, 95.05, 95.43, 95.47, 95.18, 95.0, 94.79, 94.24, 93.7, 93.44, 93.09, 92.81, 92.73, 92.46, 92.4, 92.4,
];
const CLTRS_FULL = [
  0, 94.51, 94.73, 94.74, 94.41, 94.13, 93.85, 93.2, 92.26, 91.48, 90.86, 90.11, 89.51, 88.98, 88.26, 87.57,
];

const fmt = (v: number | undefined): string =>
  v === undefined || v === 0 ? '     —' : v.toFixed(2).padStart(6);

console.log(
  `BR container loading: support ${supportArg}, ${seconds} s per instance, instances ${from}..${from + instances - 1} of each class, single thread (load ${loadavg()[0]!.toFixed(2)})`,
);
console.log(
  'class  inst   ours %  avg s  fails | BSG 5s  BSG 10s (none, first 10) | CLTRS none  CLTRS full (all 100, ~320 s)',
);
const rows: { c: number; util: number; time: number }[] = [];
for (const c of classes) {
  const problems = readBrClass(c, dir).slice(from - 1, from - 1 + instances);
  let util = 0;
  let time = 0;
  let fails = 0;
  for (const problem of problems) {
    const request = thpackToLoadRequest(problem);
    const t0 = performance.now();
    const plan = loadContainer(request, { support, timeLimitMs: seconds * 1000 });
    const dt = (performance.now() - t0) / 1000;
    const check = checkLoadPlan(request, plan, support);
    if (!check.valid) {
      fails++;
      console.log(
        `  BR${c}#${problem.number}: ${check.problems.length} problems, first: ${check.problems[0]?.message}`,
      );
    }
    if (verbose)
      console.log(
        `  BR${c}#${problem.number}: ${(100 * check.volumeUtilisation).toFixed(2)} %  ${dt.toFixed(1)} s  blocks ${plan.stats.blocks} rounds ${plan.stats.rounds}`,
      );
    util += check.volumeUtilisation;
    time += dt;
  }
  const n = problems.length;
  rows.push({ c, util: (100 * util) / n, time: time / n });
  console.log(
    `BR${String(c).padEnd(3)} ${String(n).padStart(4)}  ${((100 * util) / n).toFixed(2).padStart(6)}  ${(time / n).toFixed(1).padStart(5)}  ${String(fails).padStart(5)} | ${fmt(BSG_5S[c])}  ${fmt(BSG_10S[c])}                   | ${fmt(CLTRS_NONE[c])}      ${fmt(CLTRS_FULL[c])}`,
  );
}
for (const [name, lo, hi] of [
  ['BR1–7', 1, 7],
  ['BR8–15', 8, 15],
] as const) {
  const sel = rows.filter((r) => r.c >= lo && r.c <= hi);
  if (sel.length === 0) continue;
  const avg = (f: (r: (typeof sel)[number]) => number | undefined): number | undefined => {
    const v = sel.map(f);
    return v.some((x) => x === undefined) ? undefined : v.reduce((a, b) => a! + b!, 0)! / v.length;
  };
  console.log(
    `${name.padEnd(7)}      ${avg((r) => r.util)!
      .toFixed(2)
      .padStart(6)}  ${avg((r) => r.time)!
      .toFixed(1)
      .padStart(
        5,
      )}        | ${fmt(avg((r) => BSG_5S[r.c]))}  ${fmt(avg((r) => BSG_10S[r.c]))}                   | ${fmt(avg((r) => CLTRS_NONE[r.c]))}      ${fmt(avg((r) => CLTRS_FULL[r.c]))}`,
  );
}
