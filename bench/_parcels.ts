import { generateParcels } from '../src/generate/index.ts';

const { parcels } = generateParcels({ count: 500, seed: 7, from: '2026-12-01' });
let vol = 0,
  wt = 0;
const dims = new Set<string>();
for (const p of parcels) {
  const d = p.dimensions;
  vol += d.lengthMm * d.widthMm * d.heightMm;
  wt += p.grossWeightG;
  dims.add(`${d.lengthMm}x${d.widthMm}x${d.heightMm}`);
}
console.log(
  parcels.length,
  (vol / 1e9).toFixed(2),
  'm3',
  (wt / 1e6).toFixed(0),
  'kg',
  dims.size,
  'distinct',
  (12032 * 2352 * 2698) / 1e9,
);
console.log(parcels.slice(0, 5).map((p) => p.dimensions));
const big = parcels.filter((p) => p.dimensions.lengthMm > 1000).length;
console.log('big', big);
