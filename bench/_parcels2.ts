import { generateParcels } from '../src/generate/index.ts';
import { checkLoadPlan, type LoadBox, loadContainers } from '../src/load/index.ts';

const { parcels } = generateParcels({ count: 500, seed: 7, from: '2026-12-01' });
const boxes: LoadBox[] = parcels.map((p, i) => ({
  id: `p${i}`,
  lengthMm: p.dimensions.lengthMm,
  widthMm: p.dimensions.widthMm,
  heightMm: p.dimensions.heightMm,
  weightG: p.grossWeightG,
}));
for (const c of [
  { lengthMm: 12032, widthMm: 2352, heightMm: 2698, payloadG: 26_500_000 },
  { lengthMm: 1500, widthMm: 1200, heightMm: 1400, payloadG: 1_000_000 },
]) {
  const t0 = performance.now();
  const r = loadContainers(boxes, c, { timeLimitMs: 8000, support: 'full' });
  console.log(
    'bound',
    r.lowerBound,
    'containers',
    r.plans.length,
    'unplaced',
    r.unplaced.length,
    ((performance.now() - t0) / 1000).toFixed(1),
    's',
    r.plans.map(
      (p) =>
        `${(p.volumeUtilisation * 100).toFixed(1)}% n=${p.placements.length} blocks=${p.stats.blocks} c=${p.stats.completions}`,
    ),
  );
  for (const p of r.plans) {
    const ch = checkLoadPlan(
      { container: c, boxes: boxes.filter((b) => p.placements.some((q) => q.boxId === b.id)) },
      { placements: p.placements, unplaced: [] },
      'full',
    );
    if (!ch.valid) console.log(ch.problems.slice(0, 3));
  }
}
