/**
 * Synthetic parcels for demos, tests and benchmarks: deterministic for a seed, realistic in their mix
 * of destinations, goods, weights, sizes, batteries, service levels and sellers. The mix lives in
 * `data/generator/mix.json`, documented in `data/generator/README.md`.
 */
export { expectedShares, type MixShares } from './expected-shares.ts';
export { defaultMix, type GeneratorMix, type GeneratorMixInput, GeneratorMixSchema } from './mix.ts';
export {
  type GeneratedParcel,
  type GeneratedParcels,
  type GenerateOptions,
  GenerateOptionsSchema,
  generateParcelStream,
  generateParcels,
  generateSellers,
  MAX_GENERATED_PARCELS,
} from './parcels.ts';
export { canonicalSeed, Random, type Seed } from './random.ts';
export { defaultSellerCount } from './sellers.ts';
