import type { LoadBox, LoadRequest, Orientation } from './types.ts';

/** One box type of a thpack problem: dimensions in the file's unit (cm for BR), which may stand vertical. */
export interface ThpackBoxType {
  readonly id: number;
  /** Length, width, height. */
  readonly dims: readonly [number, number, number];
  /** Whether the length, width, height may be vertical (flag 1 in the file). */
  readonly mayBeVertical: readonly [boolean, boolean, boolean];
  readonly quantity: number;
}

/** One problem of a thpack file (Bischoff & Ratcliff 1995; Davies & Bischoff 1999). */
export interface ThpackProblem {
  readonly number: number;
  readonly seed: number;
  /** Container inside length, width, height in the file's unit. */
  readonly container: readonly [number, number, number];
  readonly boxTypes: readonly ThpackBoxType[];
}

/**
 * Parses the OR-Library container-loading format ("thpack", the BR0–BR15 files) from its text: a token
 * stream `P`, then per problem `p seed`, `L W H`, `n` and `n` lines `id l fl w fw h fh q`.
 * Throws on a malformed file (it is test data, not user input).
 */
export function parseThpack(text: string): ThpackProblem[] {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  let at = 0;
  const next = (what: string): number => {
    const token = tokens[at++];
    const value = token === undefined ? Number.NaN : Number(token);
    if (!Number.isInteger(value)) throw new Error(`thpack: expected ${what} at token ${at}, got ${token}`);
    return value;
  };
  const count = next('number of problems');
  const problems: ThpackProblem[] = [];
  for (let p = 0; p < count; p++) {
    const number = next('problem number');
    const seed = next('seed');
    const container = [next('length'), next('width'), next('height')] as const;
    const n = next('number of box types');
    const boxTypes: ThpackBoxType[] = [];
    for (let i = 0; i < n; i++) {
      const id = next('box type id');
      const l = next('box length');
      const fl = next('length flag');
      const w = next('box width');
      const fw = next('width flag');
      const h = next('box height');
      const fh = next('height flag');
      const quantity = next('quantity');
      boxTypes.push({ id, dims: [l, w, h], mayBeVertical: [fl === 1, fw === 1, fh === 1], quantity });
    }
    problems.push({ number, seed, container, boxTypes });
  }
  if (at !== tokens.length) throw new Error(`thpack: ${tokens.length - at} tokens left over`);
  return problems;
}

const VERTICAL: readonly (readonly Orientation[])[] = [
  ['whl', 'hwl'],
  ['lhw', 'hlw'],
  ['lwh', 'wlh'],
];

/**
 * A load request for a thpack problem. Lengths are multiplied by `mmPerUnit` (10: BR is in cm); boxes
 * weigh nothing and the payload does not bind. Box ids are `<type id>-<n>`.
 */
export function thpackToLoadRequest(problem: ThpackProblem, mmPerUnit = 10): LoadRequest {
  const boxes: LoadBox[] = [];
  for (const t of problem.boxTypes) {
    const orientations = t.mayBeVertical.flatMap((ok, d) => (ok ? (VERTICAL[d] ?? []) : []));
    for (let k = 1; k <= t.quantity; k++)
      boxes.push({
        id: `${t.id}-${k}`,
        lengthMm: t.dims[0] * mmPerUnit,
        widthMm: t.dims[1] * mmPerUnit,
        heightMm: t.dims[2] * mmPerUnit,
        weightG: 0,
        orientations,
      });
  }
  const [l, w, h] = problem.container;
  return {
    container: {
      lengthMm: l * mmPerUnit,
      widthMm: w * mmPerUnit,
      heightMm: h * mmPerUnit,
      payloadG: Number.MAX_SAFE_INTEGER,
    },
    boxes,
  };
}
