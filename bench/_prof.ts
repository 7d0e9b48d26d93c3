import { readFileSync } from 'node:fs';
import { loadContainer, parseThpack, thpackToLoadRequest } from '../src/load/index.ts';

const c = Number(process.argv[2] ?? 10);
const sup = (process.argv[3] ?? 'none') as 'none' | 'full';
const secs = Number(process.argv[4] ?? 3);
const problems = parseThpack(readFileSync(`/work/shared/bench/br/BR${c}.txt`, 'utf8'));
for (const p of problems.slice(0, Number(process.argv[5] ?? 1))) {
  const req = thpackToLoadRequest(p);
  const t0 = performance.now();
  const plan = loadContainer(req, { support: sup, timeLimitMs: secs * 1000 });
  console.log(
    p.number,
    (plan.volumeUtilisation * 100).toFixed(2),
    plan.stats,
    (performance.now() - t0).toFixed(0),
  );
}
