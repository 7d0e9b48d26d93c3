import { type LoadBox, ORIENTATION_AXES, ORIENTATIONS, UPRIGHT_ORIENTATIONS } from './types.ts';

/** `AXIS_OF[o * 3 + a]`: which box dimension (0 l, 1 w, 2 h) lies along axis a (0 x, 1 y, 2 z) in orientation o. */
export const AXIS_OF: Int8Array = Int8Array.from(ORIENTATIONS.flatMap((o) => ORIENTATION_AXES[o]));

/**
 * Boxes grouped into types: boxes with the same dimensions, orientations, weight and stacking rules are
 * interchangeable. Columns in typed arrays, indexed by type.
 */
export interface BoxTypes {
  readonly n: number;
  /** Boxes of each type. */
  readonly count: Int32Array;
  /** Length, width, height (mm) of type t at `3t`, `3t+1`, `3t+2`. */
  readonly dims: Int32Array;
  /** Bit o set when `ORIENTATIONS[o]` is allowed. */
  readonly orientationMask: Uint8Array;
  /** mm³ of one box. */
  readonly volume: Float64Array;
  /** Grams of one box. */
  readonly weight: Float64Array;
  /** 1 when boxes may be loaded on top. */
  readonly stackable: Uint8Array;
  /** Largest load on top, grams; Infinity when unlimited. */
  readonly loadLimit: Float64Array;
  /** Box ids of each type, in request order. */
  readonly ids: readonly (readonly string[])[];
}

/** Bit mask of the orientations a box allows. */
export function orientationMask(box: LoadBox): number {
  let mask = 0;
  const allowed = box.orientations ?? ORIENTATIONS;
  ORIENTATIONS.forEach((o, i) => {
    if (allowed.includes(o) && (!box.thisSideUp || UPRIGHT_ORIENTATIONS.includes(o))) mask |= 1 << i;
  });
  return mask;
}

/** Groups interchangeable boxes into types (order of first appearance). */
export function groupBoxTypes(boxes: readonly LoadBox[]): BoxTypes {
  const index = new Map<string, number>();
  const rows: { box: LoadBox; mask: number; ids: string[] }[] = [];
  for (const box of boxes) {
    const mask = orientationMask(box);
    const key = `${box.lengthMm},${box.widthMm},${box.heightMm},${box.weightG},${mask},${box.stackable !== false},${box.maxLoadOnTopG ?? ''}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, rows.length);
      rows.push({ box, mask, ids: [box.id] });
    } else rows[at]!.ids.push(box.id);
  }
  const n = rows.length;
  const types = {
    n,
    count: new Int32Array(n),
    dims: new Int32Array(3 * n),
    orientationMask: new Uint8Array(n),
    volume: new Float64Array(n),
    weight: new Float64Array(n),
    stackable: new Uint8Array(n),
    loadLimit: new Float64Array(n),
    ids: rows.map((r) => r.ids),
  };
  rows.forEach(({ box, mask, ids }, t) => {
    types.count[t] = ids.length;
    types.dims[3 * t] = box.lengthMm;
    types.dims[3 * t + 1] = box.widthMm;
    types.dims[3 * t + 2] = box.heightMm;
    types.orientationMask[t] = mask;
    types.volume[t] = box.lengthMm * box.widthMm * box.heightMm;
    types.weight[t] = box.weightG;
    types.stackable[t] = box.stackable === false ? 0 : 1;
    types.loadLimit[t] = box.maxLoadOnTopG ?? Number.POSITIVE_INFINITY;
  });
  return types;
}
