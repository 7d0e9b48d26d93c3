import { z } from 'zod';
import {
  MAX_LOAD_SPACE_HEIGHT_MM,
  MAX_LOAD_SPACE_LENGTH_MM,
  MAX_LOAD_SPACE_WIDTH_MM,
  MAX_PAYLOAD_G,
} from '../domain/bounds.ts';

/**
 * How a box lies in the container: which of its own dimensions (l = length, w = width, h = height, as
 * declared) runs along the container's length (x), width (y) and height (z), in that order. `lwh` is the
 * box as declared, upright; `wlh` is the same box turned a quarter on the floor; `lhw`, `whl`, `hlw` and
 * `hwl` lay it on a side or an end.
 */
export const ORIENTATIONS = ['lwh', 'wlh', 'lhw', 'hlw', 'whl', 'hwl'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

/** The two orientations that keep the declared top on top ("this side up"). */
export const UPRIGHT_ORIENTATIONS: readonly Orientation[] = ['lwh', 'wlh'];

/**
 * For each orientation, which box dimension (0 = length, 1 = width, 2 = height) lies along x, y and z.
 * @example ORIENTATION_AXES.hlw // [2, 0, 1]: the box's height runs along the container's length
 */
export const ORIENTATION_AXES: Readonly<Record<Orientation, readonly [number, number, number]>> = {
  lwh: [0, 1, 2],
  wlh: [1, 0, 2],
  lhw: [0, 2, 1],
  hlw: [2, 0, 1],
  whl: [1, 2, 0],
  hwl: [2, 1, 0],
};

/** The inside of a container (or any load space): dimensions in millimetres, payload in grams. */
export const ContainerSchema = z.object({
  lengthMm: z.number().int().positive().max(MAX_LOAD_SPACE_LENGTH_MM),
  widthMm: z.number().int().positive().max(MAX_LOAD_SPACE_WIDTH_MM),
  heightMm: z.number().int().positive().max(MAX_LOAD_SPACE_HEIGHT_MM),
  /** Largest mass of cargo, grams. */
  payloadG: z.number().int().positive().max(MAX_PAYLOAD_G),
});
export type Container = z.infer<typeof ContainerSchema>;

/** A box to load: a carton, a cage, a crate, a vehicle on a skid, seen as its bounding box. */
export const LoadBoxSchema = z.object({
  id: z.string().min(1).max(100),
  lengthMm: z.number().int().positive().max(MAX_LOAD_SPACE_LENGTH_MM),
  widthMm: z.number().int().positive().max(MAX_LOAD_SPACE_LENGTH_MM),
  heightMm: z.number().int().positive().max(MAX_LOAD_SPACE_LENGTH_MM),
  /** Gross mass, grams. */
  weightG: z.number().int().min(0).max(MAX_PAYLOAD_G),
  /** Orientations the box may be loaded in; all six when absent. */
  orientations: z.array(z.enum(ORIENTATIONS)).min(1).optional(),
  /** Only the upright orientations (`lwh`, `wlh`) are allowed, intersected with `orientations`. */
  thisSideUp: z.boolean().optional(),
  /** `false`: nothing may be loaded on top of this box (the column above it stays empty). Default true. */
  stackable: z.boolean().optional(),
  /**
   * Largest mass, grams, that may stand above this box: the sum of the weights of all boxes placed
   * higher whose footprint overlaps its top face (a conservative reading of load-bearing strength:
   * every such box counts in full, however it is supported).
   */
  maxLoadOnTopG: z.number().int().min(0).max(1_000_000_000).optional(),
});
export type LoadBox = z.infer<typeof LoadBoxSchema>;

/**
 * Support rule: `full` (default) every box not on the floor rests with its whole base on the top faces of
 * boxes below; `none` boxes may float (the academic "unsupported" variant); `{ ratio }` at least this
 * share (0–1] of each base rests on boxes below or the floor.
 */
export const SupportRuleSchema = z.union([
  z.literal('full'),
  z.literal('none'),
  z.object({ ratio: z.number().gt(0).max(1) }),
]);
export type SupportRule = z.infer<typeof SupportRuleSchema>;

/** Search settings of the loader. */
export const LoadOptionsSchema = z.object({
  support: SupportRuleSchema.optional(),
  /** Stop searching after this many milliseconds and return the best plan found (default 5000). */
  timeLimitMs: z.number().int().positive().optional(),
  /**
   * Seed of any randomised step. The loader uses none today (ties break by block and space order), so
   * the same request and effort give the same plan whatever the seed; it is accepted so that requests
   * stay reproducible if a randomised strategy is added.
   */
  seed: z.number().int().optional(),
  /**
   * Largest number of beam-search rounds (the beam widens by √2 each round). With a time limit that
   * does not bind, this fixes the effort and makes the plan reproducible byte for byte.
   */
  maxRounds: z.number().int().positive().optional(),
  /** Largest number of blocks generated (default 10,000). */
  maxBlocks: z.number().int().positive().optional(),
  /** Least share of a composite block filled by boxes (default 1 below 30 box types, else 0.98). */
  minBlockFill: z.number().gt(0).max(1).optional(),
});
/**
 * Loader settings; `clock` (milliseconds, monotonic) is injected by the caller, `performance.now` by
 * default. `hardDeadline` (a `clock` reading) is when everything stops, the first greedy load included:
 * by default the end of `timeLimitMs`, so the limit is honoured; a caller sharing one limit over several
 * containers passes the end of the whole.
 */
export type LoadOptions = z.infer<typeof LoadOptionsSchema> & {
  readonly clock?: () => number;
  readonly hardDeadline?: number;
};

/** What to load into which container. */
export const LoadRequestSchema = z.object({
  container: ContainerSchema,
  boxes: z.array(LoadBoxSchema),
  options: LoadOptionsSchema.optional(),
});
export type LoadRequest = z.infer<typeof LoadRequestSchema>;

/**
 * Where one box goes. Millimetres from the container's inner corner at the closed end, on the floor, on
 * the left: x along the length towards the doors, y across, z up. `dx`, `dy`, `dz` are the box's
 * extents as placed (its dimensions permuted by `orientation`).
 */
export const PlacementSchema = z.object({
  boxId: z.string(),
  x: z.number().int(),
  y: z.number().int(),
  z: z.number().int(),
  dx: z.number().int(),
  dy: z.number().int(),
  dz: z.number().int(),
  orientation: z.enum(ORIENTATIONS),
});
export type Placement = z.infer<typeof PlacementSchema>;

/** A container's load plan: every placed box, the boxes left out, and how full the container is. */
export const LoadPlanSchema = z.object({
  container: ContainerSchema,
  placements: z.array(PlacementSchema),
  /** Ids of the request's boxes that are not in the plan. */
  unplaced: z.array(z.string()),
  /** Loaded box volume over container volume, 0–1. */
  volumeUtilisation: z.number(),
  /** Loaded weight over payload, 0–1. */
  weightUtilisation: z.number(),
  loadedVolumeMm3: z.number(),
  loadedWeightG: z.number(),
  /** How the search went: time spent, blocks generated, beam rounds completed, greedy completions run. */
  stats: z.object({
    elapsedMs: z.number(),
    blocks: z.number().int(),
    rounds: z.number().int(),
    completions: z.number().int(),
  }),
});
export type LoadPlan = z.infer<typeof LoadPlanSchema>;
