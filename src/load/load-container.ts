import { beamSearch } from './beam-search.ts';
import { type BlockBox, blockBoxes, generateBlocks } from './blocks.ts';
import { AXIS_OF, groupBoxTypes } from './box-types.ts';
import type { Engine } from './engine.ts';
import { computeReach } from './reach.ts';
import {
  type Container,
  type LoadBox,
  type LoadOptions,
  type LoadPlan,
  ORIENTATIONS,
  type Placement,
  type SupportRule,
} from './types.ts';

/** Default time limit of one container, ms. */
export const DEFAULT_TIME_LIMIT_MS = 5000;

/** Weights of the block evaluation (Metasolver's defaults for BSG with VCS). */
const ALPHA = 4;
const BETA = 1;
const GAMMA = 0.2;
const P = 0.04;

const defaultClock = (): number => globalThis.performance.now();

/**
 * Loads as much box volume as it can into one container: blocks of boxes (Fanslau & Bortfeldt 2010)
 * placed into maximal free spaces, chosen by beam search with greedy completion (BSG, Araya & Riff
 * 2014) under the VCS evaluation (Araya, Guerrero & Nuñez 2017). Honours the allowed orientations,
 * "this side up", the payload, the support rule (`full` by default), non-stackable boxes and load
 * limits. Stops at `timeLimitMs` (default 5 s; block generation included, at most 30 % of it) or
 * after `maxRounds` rounds and returns the best plan found. The limit is honoured: the first greedy
 * load runs until `hardDeadline` (by default the end of the limit) and, cut short there, leaves the
 * boxes it had no time for unplaced (thousands of boxes under a very short limit). Deterministic for a given
 * effort: with `maxRounds` set and a time limit that does not bind, the same request gives the same
 * plan. Placements come sorted by x, then y, then z (not a loading sequence).
 *
 * @example
 * const plan = loadContainer({ container: { lengthMm: 5898, widthMm: 2352, heightMm: 2393, payloadG: 28_200_000 },
 *   boxes: [{ id: 'a', lengthMm: 600, widthMm: 400, heightMm: 300, weightG: 12_000 }] }, { timeLimitMs: 1000 });
 */
export function loadContainer(
  request: {
    readonly container: Container;
    readonly boxes: readonly LoadBox[];
    readonly options?: LoadOptions;
  },
  overrides: LoadOptions = {},
): LoadPlan {
  const options: LoadOptions = { ...request.options, ...overrides };
  const clock = options.clock ?? defaultClock;
  const started = clock();
  const deadline = started + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const hardDeadline = Math.max(deadline, options.hardDeadline ?? deadline);
  const asked: SupportRule = options.support ?? 'full';
  // a ratio of 1 is full support, which full-support blocks and spaces do best
  const support: SupportRule = typeof asked === 'object' && asked.ratio >= 1 ? 'full' : asked;
  const { container, boxes } = request;
  const types = groupBoxTypes(boxes);
  const ratio = typeof support === 'object' ? support.ratio : 0;
  const blocks = generateBlocks(types, {
    lengthMm: container.lengthMm,
    widthMm: container.widthMm,
    heightMm: container.heightMm,
    payloadG: container.payloadG,
    maxBlocks: options.maxBlocks ?? 10_000,
    minFill: options.minBlockFill ?? (types.n < 30 ? 1 : 0.98),
    fullSupport: support !== 'none',
    gamma: GAMMA,
    // leave most of the time to the search
    stop: () => clock() > Math.min(started + 0.3 * (deadline - started), hardDeadline),
  });
  let anyNonStackable = false;
  let anyLoadLimit = false;
  for (let t = 0; t < types.n; t++) {
    if (!types.stackable[t]) anyNonStackable = true;
    if (types.loadLimit[t]! < Number.POSITIVE_INFINITY) anyLoadLimit = true;
  }
  const engine: Engine = {
    L: container.lengthMm,
    W: container.widthMm,
    H: container.heightMm,
    payload: container.payloadG,
    types,
    blocks,
    // the reach knapsack is slow on thousands of box types: it gets at most 40 % of the limit
    reach: computeReach(
      types,
      [container.lengthMm, container.widthMm, container.heightMm],
      () => clock() > Math.min(started + 0.4 * (deadline - started), hardDeadline),
    ),
    fsb: support === 'full',
    topAnchor: support === 'none',
    supportRatio: ratio,
    anyNonStackable,
    anyLoadLimit,
    trackBoxes: ratio > 0,
    alpha: ALPHA,
    beta: BETA,
    p: P,
  };
  const result = beamSearch(engine, {
    deadline,
    hardDeadline,
    clock,
    maxRounds: options.maxRounds ?? 1_000_000,
  });

  // turn the placed blocks into placed boxes, taking box ids of each type in request order
  const placed: BlockBox[] = [];
  for (let i = 0; i < result.path.length; i += 4)
    blockBoxes(
      blocks,
      result.path[i]!,
      result.path[i + 1]!,
      result.path[i + 2]!,
      result.path[i + 3]!,
      placed,
    );
  const next = new Int32Array(types.n);
  const placements: Placement[] = [];
  let volume = 0;
  let weight = 0;
  for (const b of placed) {
    const t = b.type;
    const o = b.orientation;
    const dx = types.dims[3 * t + AXIS_OF[3 * o]!]!;
    const dy = types.dims[3 * t + AXIS_OF[3 * o + 1]!]!;
    const dz = types.dims[3 * t + AXIS_OF[3 * o + 2]!]!;
    const id = types.ids[t]![next[t]!++]!;
    placements.push({ boxId: id, x: b.x, y: b.y, z: b.z, dx, dy, dz, orientation: ORIENTATIONS[o]! });
    volume += types.volume[t]!;
    weight += types.weight[t]!;
  }
  placements.sort((a, b) => a.x - b.x || a.y - b.y || a.z - b.z);
  const unplaced: string[] = [];
  for (let t = 0; t < types.n; t++) unplaced.push(...types.ids[t]!.slice(next[t]!));
  const containerVolume = container.lengthMm * container.widthMm * container.heightMm;
  return {
    container,
    placements,
    unplaced,
    volumeUtilisation: volume / containerVolume,
    weightUtilisation: weight / container.payloadG,
    loadedVolumeMm3: volume,
    loadedWeightG: weight,
    stats: {
      elapsedMs: clock() - started,
      blocks: blocks.n,
      rounds: result.rounds,
      completions: result.completions,
    },
  };
}
