import { readFileSync } from 'node:fs';
import { generateBlocks } from '../src/load/blocks.ts';
import { groupBoxTypes } from '../src/load/box-types.ts';
import { parseThpack, thpackToLoadRequest } from '../src/load/index.ts';

for (const c of [1, 4, 7, 10, 15]) {
  for (const fs of [false, true]) {
    const p = parseThpack(readFileSync(`/work/shared/bench/br/BR${c}.txt`, 'utf8'))[0]!;
    const req = thpackToLoadRequest(p);
    const types = groupBoxTypes(req.boxes);
    const t0 = performance.now();
    const b = generateBlocks(types, {
      lengthMm: 5870,
      widthMm: 2330,
      heightMm: 2200,
      payloadG: 1e15,
      maxBlocks: 10000,
      minFill: types.n < 30 ? 1 : 0.98,
      fullSupport: fs,
      gamma: 0.2,
    });
    console.log(c, fs, types.n, b.n, (performance.now() - t0).toFixed(0), 'ms');
  }
}
