import { checkLoadPlan, type LoadOptions, loadContainer, thpackToLoadRequest } from '../src/load/index.ts';
import { readBrClass } from './br.ts';

const [cls, n, secs, sup, json] = process.argv.slice(2);
const opts = JSON.parse(json ?? '{}') as LoadOptions;
let sum = 0;
const out: string[] = [];
for (const p of readBrClass(Number(cls)).slice(0, Number(n))) {
  const req = thpackToLoadRequest(p);
  const plan = loadContainer(req, { support: sup as 'full', timeLimitMs: Number(secs) * 1000, ...opts });
  const c = checkLoadPlan(req, plan, sup as 'full');
  if (!c.valid) out.push('INVALID');
  sum += c.volumeUtilisation;
  out.push((c.volumeUtilisation * 100).toFixed(1));
}
console.log(`BR${cls} ${sup} ${json ?? ''} avg ${((sum / Number(n)) * 100).toFixed(2)} [${out.join(' ')}]`);
