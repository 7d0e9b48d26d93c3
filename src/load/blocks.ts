import { AXIS_OF, type BoxTypes } from './box-types.ts';

/**
 * Blocks: cuboids of boxes placed as one unit. A block is one box in one orientation, or two blocks side
 * by side along x, y or z (general blocks of Fanslau & Bortfeldt 2010, INFORMS J. Computing 22(2)),
 * kept when the boxes fill at least `minFill` of its bounding box. Columns in typed arrays, indexed by
 * block; `order` lists the blocks by decreasing static score (volume × boxes^−γ).
 */
export interface BlockTable {
  readonly n: number;
  /** Extents along x, y, z, mm. */
  readonly l: Int32Array;
  readonly w: Int32Array;
  readonly h: Int32Array;
  /** Volume of the boxes in the block, mm³ (not of its bounding box). */
  readonly volume: Float64Array;
  readonly weight: Float64Array;
  readonly boxes: Int32Array;
  /**
   * Packing area: the rectangle at the block's top, from its origin corner, fully covered by top faces
   * of boxes at the block's full height; other blocks may stand on it under full support.
   */
  readonly paL: Int32Array;
  readonly paW: Int32Array;
  /** Box types used: `reqType[reqStart[b] .. reqStart[b+1])` with the counts in `reqCount`. */
  readonly reqStart: Int32Array;
  readonly reqType: Int32Array;
  readonly reqCount: Int32Array;
  /** Layout: `axis` −1 for a single box (`childA` its type, `childB` its orientation); else `childB` follows `childA` along `axis`. */
  readonly childA: Int32Array;
  readonly childB: Int32Array;
  readonly axis: Int8Array;
  /** 1 when the block holds a box that must carry nothing. */
  readonly nonStackable: Uint8Array;
  /** Least spare load capacity, grams, of its load-limited boxes; Infinity when none. */
  readonly capacity: Float64Array;
  /** Block ids by decreasing static score. */
  readonly order: Int32Array;
  /** Static score of each block: volume × boxes^−γ. */
  readonly staticScore: Float64Array;
  /** Static score of the block of each rank (`staticScore[order[r]]`), decreasing. */
  readonly rankScore: Float64Array;
  /** 32-bit words of a bit set over ranks. */
  readonly words: number;
  /**
   * Fit index per axis (x, y, z): the distinct extents of the blocks, increasing, and for each the bit
   * set (by rank) of the blocks no longer than it: `fitBits[a][i * words + w]` for `fitValues[a][i]`.
   */
  readonly fitValues: readonly Int32Array[];
  readonly fitBits: readonly Uint32Array[];
}

/** How blocks are built. */
export interface BlockSettings {
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly payloadG: number;
  readonly maxBlocks: number;
  readonly minFill: number;
  /** Full-support blocks ("fsb"): boxes inside rest fully on boxes below, side-by-side parts of equal height. */
  readonly fullSupport: boolean;
  /** Exponent γ of the box count in the static score. */
  readonly gamma: number;
  /** Largest number of pair combinations tried (bounds the time on strongly heterogeneous cargo). */
  readonly maxPairs?: number;
  /** Asked every few thousand pairs; true stops the generation with the blocks made so far. */
  readonly stop?: () => boolean;
}

/** Generates the blocks for the boxes of `types` (Metasolver-style rounds: new blocks × all blocks). */
export function generateBlocks(types: BoxTypes, s: BlockSettings): BlockTable {
  const L: number[] = [];
  const W: number[] = [];
  const H: number[] = [];
  const V: number[] = [];
  const WT: number[] = [];
  const NB: number[] = [];
  const PL: number[] = [];
  const PW: number[] = [];
  const RS: number[] = [0];
  const RT: number[] = [];
  const RC: number[] = [];
  const CA: number[] = [];
  const CB: number[] = [];
  const AX: number[] = [];
  const NS: number[] = [];
  const CAP: number[] = [];
  const seen = new Set<string>();
  const tmpT: number[] = [];
  const tmpC: number[] = [];

  const key = (l: number, w: number, h: number, pl: number, pw: number): string => {
    let k = s.fullSupport ? `${l},${w},${h},${pl},${pw}` : `${l},${w},${h}`;
    for (let i = 0; i < tmpT.length; i++) k += `;${tmpT[i]}x${tmpC[i]}`;
    return k;
  };
  const push = (
    l: number,
    w: number,
    h: number,
    vol: number,
    wt: number,
    nb: number,
    pl: number,
    pw: number,
    ca: number,
    cb: number,
    ax: number,
    ns: number,
    cap: number,
  ): void => {
    L.push(l);
    W.push(w);
    H.push(h);
    V.push(vol);
    WT.push(wt);
    NB.push(nb);
    PL.push(pl);
    PW.push(pw);
    for (let i = 0; i < tmpT.length; i++) {
      RT.push(tmpT[i]!);
      RC.push(tmpC[i]!);
    }
    RS.push(RT.length);
    CA.push(ca);
    CB.push(cb);
    AX.push(ax);
    NS.push(ns);
    CAP.push(cap);
  };

  for (let t = 0; t < types.n; t++) {
    if (types.count[t]! <= 0 || types.weight[t]! > s.payloadG) continue;
    for (let o = 0; o < 6; o++) {
      if ((types.orientationMask[t]! & (1 << o)) === 0) continue;
      const l = types.dims[3 * t + AXIS_OF[3 * o]!]!;
      const w = types.dims[3 * t + AXIS_OF[3 * o + 1]!]!;
      const h = types.dims[3 * t + AXIS_OF[3 * o + 2]!]!;
      if (l > s.lengthMm || w > s.widthMm || h > s.heightMm) continue;
      tmpT.length = 0;
      tmpC.length = 0;
      tmpT.push(t);
      tmpC.push(1);
      const k = key(l, w, h, l, w);
      if (seen.has(k)) continue;
      seen.add(k);
      const ns = types.stackable[t] ? 0 : 1;
      push(
        l,
        w,
        h,
        types.volume[t]!,
        types.weight[t]!,
        1,
        ns ? 0 : l,
        ns ? 0 : w,
        t,
        o,
        -1,
        ns,
        types.loadLimit[t]!,
      );
    }
  }

  const combine = (a: number, b: number): boolean => {
    for (let axis = 0; axis < 3; axis++) {
      if (L.length >= s.maxBlocks) return false;
      let bottom = a;
      let top = b;
      let ll = Math.max(L[a]!, L[b]!);
      let ww = Math.max(W[a]!, W[b]!);
      let hh = Math.max(H[a]!, H[b]!);
      let pl: number;
      let pw: number;
      if (axis === 0) {
        if (s.fullSupport && (H[a] !== H[b] || PL[a] !== L[a] || PL[b] !== L[b])) continue;
        ll = L[a]! + L[b]!;
        pl = ll;
        pw = Math.min(PW[a]!, PW[b]!);
        if (pw === 0) pl = 0;
      } else if (axis === 1) {
        if (s.fullSupport && (H[a] !== H[b] || PW[a] !== W[a] || PW[b] !== W[b])) continue;
        ww = W[a]! + W[b]!;
        pw = ww;
        pl = Math.min(PL[a]!, PL[b]!);
        if (pl === 0) pw = 0;
      } else {
        if (s.fullSupport) {
          if (L[b]! <= PL[a]! && W[b]! <= PW[a]!) {
            bottom = a;
            top = b;
          } else if (L[a]! <= PL[b]! && W[a]! <= PW[b]!) {
            bottom = b;
            top = a;
          } else continue;
        }
        if (NS[bottom] || CAP[bottom]! < WT[top]!) continue;
        hh = H[a]! + H[b]!;
        pl = PL[top]!;
        pw = PW[top]!;
      }
      if (ll > s.lengthMm || ww > s.widthMm || hh > s.heightMm) continue;
      const vol = V[a]! + V[b]!;
      if (vol < s.minFill * ll * ww * hh * (1 - 1e-12)) continue;
      const wt = WT[a]! + WT[b]!;
      if (wt > s.payloadG) continue;
      // merge the type counts (both sorted by type) and check there are enough boxes
      tmpT.length = 0;
      tmpC.length = 0;
      let i = RS[a]!;
      let j = RS[b]!;
      const ie = RS[a + 1]!;
      const je = RS[b + 1]!;
      let ok = true;
      while (i < ie || j < je) {
        let t: number;
        let c: number;
        if (j >= je || (i < ie && RT[i]! < RT[j]!)) {
          t = RT[i]!;
          c = RC[i++]!;
        } else if (i >= ie || RT[j]! < RT[i]!) {
          t = RT[j]!;
          c = RC[j++]!;
        } else {
          t = RT[i]!;
          c = RC[i++]! + RC[j++]!;
        }
        if (c > types.count[t]!) {
          ok = false;
          break;
        }
        tmpT.push(t);
        tmpC.push(c);
      }
      if (!ok) continue;
      const k = key(ll, ww, hh, pl, pw);
      if (seen.has(k)) continue;
      seen.add(k);
      const cap = axis === 2 ? Math.min(CAP[top]!, CAP[bottom]! - WT[top]!) : Math.min(CAP[a]!, CAP[b]!);
      push(ll, ww, hh, vol, wt, NB[a]! + NB[b]!, pl, pw, bottom, top, axis, NS[a]! | NS[b]!, cap);
    }
    return true;
  };

  let pairsLeft = s.maxPairs ?? 60_000_000;
  let fresh = [0, L.length];
  while (L.length < s.maxBlocks && fresh[1]! > fresh[0]! && pairsLeft > 0) {
    const all = L.length;
    const [from, to] = fresh as [number, number];
    outer: for (let p = from; p < to; p++) {
      for (let b = 0; b < all; b++) {
        if (!combine(p, b)) break outer;
        if (--pairsLeft <= 0 || ((pairsLeft & 4095) === 0 && s.stop?.())) break outer;
      }
    }
    fresh = [all, L.length];
  }

  const n = L.length;
  const staticScore = new Float64Array(n);
  for (let b = 0; b < n; b++) staticScore[b] = V[b]! * NB[b]! ** -s.gamma;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => staticScore[y]! - staticScore[x]! || x - y,
  );
  const rankScore = new Float64Array(n);
  for (let r = 0; r < n; r++) rankScore[r] = staticScore[order[r]!]!;
  const words = (n + 31) >>> 5;
  const fitValues: Int32Array[] = [];
  const fitBits: Uint32Array[] = [];
  for (const ext of [L, W, H]) {
    const values = Int32Array.from(new Set(ext)).sort();
    const bits = new Uint32Array(values.length * words);
    const at = new Map<number, number>();
    for (let i = 0; i < values.length; i++) at.set(values[i]!, i);
    for (let r = 0; r < n; r++) {
      const i = at.get(ext[order[r]!]!)!;
      bits[i * words + (r >>> 5)]! |= 1 << (r & 31);
    }
    // cumulative: a block no longer than values[i-1] is no longer than values[i]
    for (let i = 1; i < values.length; i++)
      for (let w = 0; w < words; w++) bits[i * words + w]! |= bits[(i - 1) * words + w]!;
    fitValues.push(values);
    fitBits.push(bits);
  }
  return {
    n,
    l: Int32Array.from(L),
    w: Int32Array.from(W),
    h: Int32Array.from(H),
    volume: Float64Array.from(V),
    weight: Float64Array.from(WT),
    boxes: Int32Array.from(NB),
    paL: Int32Array.from(PL),
    paW: Int32Array.from(PW),
    reqStart: Int32Array.from(RS),
    reqType: Int32Array.from(RT),
    reqCount: Int32Array.from(RC),
    childA: Int32Array.from(CA),
    childB: Int32Array.from(CB),
    axis: Int8Array.from(AX),
    nonStackable: Uint8Array.from(NS),
    capacity: Float64Array.from(CAP),
    order,
    staticScore,
    rankScore,
    words,
    fitValues,
    fitBits,
  };
}

/** One box of a block, relative to the block's origin (or absolute, when an origin is given). */
export interface BlockBox {
  readonly type: number;
  readonly orientation: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** The boxes of block `b` with its origin at (x, y, z), appended to `out`. */
export function blockBoxes(
  blocks: BlockTable,
  b: number,
  x: number,
  y: number,
  z: number,
  out: BlockBox[],
): void {
  const axis = blocks.axis[b]!;
  if (axis < 0) {
    out.push({ type: blocks.childA[b]!, orientation: blocks.childB[b]!, x, y, z });
    return;
  }
  const a = blocks.childA[b]!;
  blockBoxes(blocks, a, x, y, z, out);
  blockBoxes(
    blocks,
    blocks.childB[b]!,
    axis === 0 ? x + blocks.l[a]! : x,
    axis === 1 ? y + blocks.w[a]! : y,
    axis === 2 ? z + blocks.h[a]! : z,
    out,
  );
}
