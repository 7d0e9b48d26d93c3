import { readFileSync } from 'node:fs';
import { generateBlocks } from '../src/load/blocks.ts';
import { groupBoxTypes } from '../src/load/box-types.ts';
import { bestBlocks, blockOrigin, type Engine, PackState } from '../src/load/engine.ts';
import { parseThpack, thpackToLoadRequest } from '../src/load/index.ts';
import { computeReach } from '../src/load/reach.ts';

for (const c of [1, 7, 10, 15])
  for (const fs of [false, true]) {
    const p = parseThpack(readFileSync(`/work/shared/bench/br/BR${c}.txt`, 'utf8'))[0]!;
    const req = thpackToLoadRequest(p);
    const types = groupBoxTypes(req.boxes);
    const blocks = generateBlocks(types, {
      lengthMm: 5870,
      widthMm: 2330,
      heightMm: 2200,
      payloadG: 1e15,
      maxBlocks: 10000,
      minFill: types.n < 30 ? 1 : 0.98,
      fullSupport: fs,
      gamma: 0.2,
    });
    const e: Engine = {
      L: 5870,
      W: 2330,
      H: 2200,
      payload: 1e15,
      types,
      blocks,
      reach: computeReach(types, [5870, 2330, 2200]),
      fsb: fs,
      topAnchor: !fs,
      supportRatio: 0,
      anyNonStackable: false,
      anyLoadLimit: false,
      trackBoxes: false,
      alpha: 4,
      beta: 1,
      p: 0.04,
    };
    const st = PackState.initial(e);
    const one = new Int32Array(1),
      sc = new Float64Array(1),
      o = new Int32Array(3);
    let steps = 0,
      maxSp = 0,
      sumSp = 0;
    const t0 = performance.now();
    for (;;) {
      const s = st.selectSpace();
      if (s < 0) break;
      maxSp = Math.max(maxSp, st.nSp);
      sumSp += st.nSp;
      if (bestBlocks(st, s, 1, one, sc) === 0) {
        st.removeSpace(s);
        continue;
      }
      blockOrigin(st, s, one[0]!, o);
      st.place(one[0]!, o[0]!, o[1]!, o[2]!);
      steps++;
    }
    const t1 = performance.now();
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const s2 = PackState.initial(e);
      for (;;) {
        const s = s2.selectSpace();
        if (s < 0) break;
        if (bestBlocks(s2, s, 1, one, sc) === 0) {
          s2.removeSpace(s);
          continue;
        }
        blockOrigin(s2, s, one[0]!, o);
        s2.place(one[0]!, o[0]!, o[1]!, o[2]!);
        n++;
      }
    }
    const t2 = performance.now();
    console.log(
      `BR${c} fsb=${fs} blocks=${blocks.n} placed=${steps} vol=${((st.volume / (5870 * 2330 * 2200)) * 100).toFixed(2)} maxSp=${maxSp} avgSp=${(sumSp / steps).toFixed(0)} greedy=${((t2 - t1) / 200).toFixed(2)}ms perStep=${(((t2 - t1) / n) * 1000).toFixed(1)}us`,
    );
  }
