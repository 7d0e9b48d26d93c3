import { hasLithiumBatteries, SERVICE_LEVELS, type ServiceLevel } from '../domain/parcel.ts';
import type { GeneratorMix } from './mix.ts';
import { shares } from './weighted-choice.ts';

/** The shares of parcels a mix implies, for documentation and for checking a generated sample. */
export interface MixShares {
  /** Share of parcels per destination country. */
  readonly destinations: Readonly<Record<string, number>>;
  /** Share of parcels per category id. */
  readonly categories: Readonly<Record<string, number>>;
  readonly serviceLevels: Readonly<Record<ServiceLevel, number>>;
  /** Share of parcels shipped DDP. */
  readonly ddp: number;
  /** Share of parcels carrying each UN number (a parcel may carry several). */
  readonly dangerousGoods: Readonly<Record<string, number>>;
  /** Share of parcels with lithium batteries of any kind. */
  readonly lithium: number;
}

/**
 * The expected shares of a mix, computed from its tables (not by sampling). Product lines are
 * independent draws, so a category with line weights P(L) whose products carry a UN number with
 * probability p per line puts it in 1 − Σ P(L)(1 − p)^L of its parcels.
 */
export function expectedShares(mix: GeneratorMix): MixShares {
  const destShares = shares(mix.destinations.map((d) => d.share));
  const catShares = shares(mix.categories.map((c) => c.share));
  const destinations = Object.fromEntries(mix.destinations.map((d, i) => [d.country, destShares[i]!]));
  const categories = Object.fromEntries(mix.categories.map((c, i) => [c.id, catShares[i]!]));

  const serviceLevels = { economy: 0, standard: 0, express: 0 };
  let ddp = 0;
  const dangerousGoods: Record<string, number> = {};
  let lithium = 0;
  const unNumbers = [
    ...new Set(mix.categories.flatMap((c) => c.products.flatMap((p) => p.dangerousGoods ?? []))),
  ].sort();
  const destDdp = mix.destinations.reduce((sum, d, i) => sum + destShares[i]! * d.ddpShare, 0);

  mix.categories.forEach((c, ci) => {
    const share = catShares[ci]!;
    const levels =
      c.serviceLevels === undefined
        ? mix.serviceLevels.default
        : mix.serviceLevels.profiles[c.serviceLevels]!;
    const levelShares = shares(SERVICE_LEVELS.map((l) => levels[l]));
    SERVICE_LEVELS.forEach((l, i) => {
      serviceLevels[l] += share * levelShares[i]!;
    });
    ddp += share * (c.ddpShare ?? destDdp);
    const lineShares = shares(c.lines ?? mix.linesPerParcel.default);
    const productShares = shares(c.products.map((p) => p.weight));
    const carrying = (has: (dg: readonly string[]) => boolean): number => {
      const p = c.products.reduce(
        (sum, prod, pi) => sum + (has(prod.dangerousGoods ?? []) ? productShares[pi]! : 0),
        0,
      );
      return 1 - lineShares.reduce((sum, pl, li) => sum + pl * (1 - p) ** (li + 1), 0);
    };
    for (const un of unNumbers)
      dangerousGoods[un] = (dangerousGoods[un] ?? 0) + share * carrying((dg) => dg.includes(un));
    lithium += share * carrying(hasLithiumBatteries);
  });
  return { destinations, categories, serviceLevels, ddp, dangerousGoods, lithium };
}
