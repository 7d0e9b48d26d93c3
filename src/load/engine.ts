import { type BlockBox, type BlockTable, blockBoxes } from './blocks.ts';
import { AXIS_OF, type BoxTypes } from './box-types.ts';
import { type AxisReach, REACH_TYPES } from './reach.ts';

/**
 * Everything fixed during one search: the container, box types, blocks, reach tables, the rules and the
 * weights of the block evaluation (VCS of Araya, Guerrero & Nuñez 2017, Comput. Oper. Res. 82:
 * volume^δ · (1 − loss)^β · contact^α · boxes^−γ, contact with a gap tolerance p).
 */
export interface Engine {
  readonly L: number;
  readonly W: number;
  readonly H: number;
  readonly payload: number;
  readonly types: BoxTypes;
  readonly blocks: BlockTable;
  readonly reach: readonly AxisReach[];
  /** Full support by full-support blocks and spaces standing on packing areas. */
  readonly fsb: boolean;
  /** Blocks may hang from the top of a space (unsupported variant). */
  readonly topAnchor: boolean;
  /** Least supported share of each bottom box when checked box by box (partial support); 0: none. */
  readonly supportRatio: number;
  /** Some box is non-stackable. */
  readonly anyNonStackable: boolean;
  /** Some box has a load limit. */
  readonly anyLoadLimit: boolean;
  /** Positions of boxes are tracked (partial support checks). */
  readonly trackBoxes: boolean;
  readonly alpha: number;
  readonly beta: number;
  readonly p: number;
}

const growI = (a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> => {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
};
const growF = (a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> => {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
};

// Scratch buffers shared by all states (the search is single-threaded).
let pieces = new Int32Array(7 * 256);
let obstacles = new Int32Array(6 * 256);
let touching = new Int32Array(256);
const faceStart = new Int32Array(7);
const faceCount = new Int32Array(7);
let nearFace = new Int32Array(256);
let nearBlock = new Int32Array(256);
const scratchBoxes: BlockBox[] = [];

/**
 * A partial load: boxes left per type, blocks still buildable (in static-score order), free maximal
 * spaces (Lai & Chan 1997; Parreño et al. 2008), placed blocks. States are reused: `copyFrom` instead of
 * allocating.
 */
export class PackState {
  readonly e: Engine;
  counts: Int32Array;
  /** Blocks that may still be buildable, as a bit set over their ranks (cleared lazily when found unbuildable). */
  valid: Uint32Array;
  /** Spaces, 6 ints each: x1 y1 z1 x2 y2 z2. */
  sp: Int32Array<ArrayBuffer> = new Int32Array(6 * 64);
  nSp = 0;
  /** Placed blocks, 4 ints each: block x y z. */
  placed: Int32Array<ArrayBuffer> = new Int32Array(4 * 64);
  nPlaced = 0;
  /** Placed boxes when tracked, 6 ints each: x1 y1 z1 x2 y2 z2. */
  boxes: Int32Array<ArrayBuffer> = new Int32Array(0);
  nBoxes = 0;
  /** Load-limited blocks: x1 y1 x2 y2 top spareCapacity. */
  limits: Float64Array<ArrayBuffer> = new Float64Array(0);
  nLimits = 0;
  volume = 0;
  weight = 0;
  minL = 0;
  minW = 0;
  minH = 0;
  /** Anchor corner of the selected space (0: low side, 1: high side). */
  ax = 0;
  ay = 0;
  az = 0;

  constructor(e: Engine) {
    this.e = e;
    this.counts = Int32Array.from(e.types.count);
    this.valid = new Uint32Array(e.blocks.words);
  }

  /** The empty container with all boxes to load. */
  static initial(e: Engine): PackState {
    const s = new PackState(e);
    s.filterValid();
    s.updateMinDims();
    s.sp[0] = 0;
    s.sp[1] = 0;
    s.sp[2] = 0;
    s.sp[3] = e.L;
    s.sp[4] = e.W;
    s.sp[5] = e.H;
    s.nSp = 1;
    return s;
  }

  copyFrom(o: PackState): void {
    this.counts.set(o.counts);
    this.valid.set(o.valid);
    this.sp = growI(this.sp, o.nSp * 6);
    this.sp.set(o.sp.subarray(0, o.nSp * 6));
    this.nSp = o.nSp;
    this.placed = growI(this.placed, o.nPlaced * 4);
    this.placed.set(o.placed.subarray(0, o.nPlaced * 4));
    this.nPlaced = o.nPlaced;
    if (o.nBoxes > 0 || this.nBoxes > 0) {
      this.boxes = growI(this.boxes, o.nBoxes * 6);
      this.boxes.set(o.boxes.subarray(0, o.nBoxes * 6));
    }
    this.nBoxes = o.nBoxes;
    if (o.nLimits > 0 || this.nLimits > 0) {
      this.limits = growF(this.limits, o.nLimits * 6);
      this.limits.set(o.limits.subarray(0, o.nLimits * 6));
    }
    this.nLimits = o.nLimits;
    this.volume = o.volume;
    this.weight = o.weight;
    this.minL = o.minL;
    this.minW = o.minW;
    this.minH = o.minH;
  }

  clone(): PackState {
    const s = new PackState(this.e);
    s.copyFrom(this);
    return s;
  }

  /** Marks the blocks that can be built from the boxes left within the payload. */
  filterValid(): void {
    const { reqStart, reqType, reqCount, weight, order, n } = this.e.blocks;
    const counts = this.counts;
    const spare = this.e.payload - this.weight;
    this.valid.fill(0);
    for (let r = 0; r < n; r++) {
      const b = order[r]!;
      if (weight[b]! > spare) continue;
      let ok = true;
      for (let q = reqStart[b]!, qe = reqStart[b + 1]!; q < qe; q++)
        if (reqCount[q]! > counts[reqType[q]!]!) {
          ok = false;
          break;
        }
      if (ok) this.valid[r >>> 5]! |= 1 << (r & 31);
    }
  }

  /** Whether an allowed orientation of type `i` is as short as the least extent left along an axis. */
  holdsMinDim(i: number): boolean {
    const t = this.e.types;
    const mask = t.orientationMask[i]!;
    for (let o = 0; o < 6; o++) {
      if ((mask & (1 << o)) === 0) continue;
      if (
        t.dims[3 * i + AXIS_OF[3 * o]!]! <= this.minL ||
        t.dims[3 * i + AXIS_OF[3 * o + 1]!]! <= this.minW ||
        t.dims[3 * i + AXIS_OF[3 * o + 2]!]! <= this.minH
      )
        return true;
    }
    return false;
  }

  /** Smallest extent along each axis of the boxes left (spaces smaller than this are useless). */
  updateMinDims(): void {
    const t = this.e.types;
    let mL = 0x7fffffff;
    let mW = 0x7fffffff;
    let mH = 0x7fffffff;
    for (let i = 0; i < t.n; i++) {
      if (this.counts[i]! <= 0) continue;
      const mask = t.orientationMask[i]!;
      for (let o = 0; o < 6; o++) {
        if ((mask & (1 << o)) === 0) continue;
        const l = t.dims[3 * i + AXIS_OF[3 * o]!]!;
        const w = t.dims[3 * i + AXIS_OF[3 * o + 1]!]!;
        const h = t.dims[3 * i + AXIS_OF[3 * o + 2]!]!;
        if (l < mL) mL = l;
        if (w < mW) mW = w;
        if (h < mH) mH = h;
      }
    }
    this.minL = mL;
    this.minW = mW;
    this.minH = mH;
  }

  /**
   * Picks the space to fill next: the one whose nearest container corner is closest (Manhattan
   * distance, Parreño et al. 2008), then the larger, then lexicographically. Sets the anchor corner.
   * Returns its index, −1 when none is left.
   */
  selectSpace(): number {
    const sp = this.sp;
    const { L, W, H, fsb, topAnchor } = this.e;
    let best = -1;
    let bestDist = 0;
    let bestVol = 0;
    for (let i = 0; i < this.nSp; i++) {
      const o = 6 * i;
      const x1 = sp[o]!;
      const y1 = sp[o + 1]!;
      const z1 = sp[o + 2]!;
      const x2 = sp[o + 3]!;
      const y2 = sp[o + 4]!;
      const z2 = sp[o + 5]!;
      const dx = Math.min(x1, L - x2);
      const dy = Math.min(y1, W - y2);
      const dz = fsb || !topAnchor || z1 <= H - z2 ? z1 : H - z2;
      const dist = dx + dy + dz;
      const vol = (x2 - x1) * (y2 - y1) * (z2 - z1);
      if (best >= 0) {
        if (dist > bestDist) continue;
        if (dist === bestDist) {
          if (vol < bestVol) continue;
          if (vol === bestVol) {
            const b = 6 * best;
            const c =
              x1 - sp[b]! ||
              y1 - sp[b + 1]! ||
              z1 - sp[b + 2]! ||
              y2 - y1 - (sp[b + 4]! - sp[b + 1]!) ||
              x2 - x1 - (sp[b + 3]! - sp[b]!) ||
              z2 - z1 - (sp[b + 5]! - sp[b + 2]!);
            if (c >= 0) continue;
          }
        }
      }
      best = i;
      bestDist = dist;
      bestVol = vol;
    }
    if (best >= 0) {
      const o = 6 * best;
      this.ax = sp[o]! <= L - sp[o + 3]! ? 0 : 1;
      this.ay = sp[o + 1]! <= W - sp[o + 4]! ? 0 : 1;
      this.az = fsb || !topAnchor || sp[o + 2]! <= H - sp[o + 5]! ? 0 : 1;
    }
    return best;
  }

  removeSpace(i: number): void {
    const last = this.nSp - 1;
    if (i !== last) this.sp.copyWithin(6 * i, 6 * last, 6 * last + 6);
    this.nSp = last;
  }

  /**
   * Cuts the region [x1,x2)×[y1,y2)×[z1,z2) out of the free spaces, keeping the maximal pieces. A piece
   * lies on one side of the region and overlaps it across the other axes, so only a piece of the same
   * side, or a space touching the region, can contain it.
   */
  crop(x1: number, y1: number, z1: number, x2: number, y2: number, z2: number): void {
    let sp = this.sp;
    let n = this.nSp;
    let np = 0;
    let nt = 0;
    const { minL, minW, minH } = this;
    const add = (side: number, a: number, b: number, c: number, d: number, e: number, f: number): void => {
      if (d - a < minL || e - b < minW || f - c < minH) return;
      if (7 * np + 7 > pieces.length) pieces = growI(pieces, 7 * np + 7);
      const o = 7 * np++;
      pieces[o] = a;
      pieces[o + 1] = b;
      pieces[o + 2] = c;
      pieces[o + 3] = d;
      pieces[o + 4] = e;
      pieces[o + 5] = f;
      pieces[o + 6] = side;
    };
    let i = 0;
    while (i < n) {
      const o = 6 * i;
      const sx1 = sp[o]!;
      const sy1 = sp[o + 1]!;
      const sz1 = sp[o + 2]!;
      const sx2 = sp[o + 3]!;
      const sy2 = sp[o + 4]!;
      const sz2 = sp[o + 5]!;
      if (sx1 >= x2 || sx2 <= x1 || sy1 >= y2 || sy2 <= y1 || sz1 >= z2 || sz2 <= z1) {
        if (sx1 <= x2 && sx2 >= x1 && sy1 <= y2 && sy2 >= y1 && sz1 <= z2 && sz2 >= z1) {
          if (nt >= touching.length) touching = growI(touching, nt + 1);
          touching[nt++] = i;
        }
        i++;
        continue;
      }
      if (x1 > sx1) add(0, sx1, sy1, sz1, x1, sy2, sz2);
      if (x2 < sx2) add(1, x2, sy1, sz1, sx2, sy2, sz2);
      if (y1 > sy1) add(2, sx1, sy1, sz1, sx2, y1, sz2);
      if (y2 < sy2) add(3, sx1, y2, sz1, sx2, sy2, sz2);
      if (z1 > sz1) add(4, sx1, sy1, sz1, sx2, sy2, z1);
      if (z2 < sz2) add(5, sx1, sy1, z2, sx2, sy2, sz2);
      n--;
      if (i !== n) sp.copyWithin(o, 6 * n, 6 * n + 6);
    }
    sp = growI(sp, 6 * (n + np));
    const kept = n;
    for (let k = 0; k < np; k++) {
      const o = 7 * k;
      const a = pieces[o]!;
      const b = pieces[o + 1]!;
      const c = pieces[o + 2]!;
      const d = pieces[o + 3]!;
      const e = pieces[o + 4]!;
      const f = pieces[o + 5]!;
      const side = pieces[o + 6]!;
      let inside = false;
      for (let t = 0; t < nt && !inside; t++) {
        const q = 6 * touching[t]!;
        inside =
          sp[q]! <= a &&
          sp[q + 1]! <= b &&
          sp[q + 2]! <= c &&
          sp[q + 3]! >= d &&
          sp[q + 4]! >= e &&
          sp[q + 5]! >= f;
      }
      // pieces kept so far, and later pieces (an identical later piece stands for this one)
      for (let j = kept; j < n && !inside; j++) {
        const q = 6 * j;
        inside =
          sp[q]! <= a &&
          sp[q + 1]! <= b &&
          sp[q + 2]! <= c &&
          sp[q + 3]! >= d &&
          sp[q + 4]! >= e &&
          sp[q + 5]! >= f;
      }
      for (let j = k + 1; j < np && !inside; j++) {
        const q = 7 * j;
        if (pieces[q + 6] !== side) continue;
        inside =
          pieces[q]! <= a &&
          pieces[q + 1]! <= b &&
          pieces[q + 2]! <= c &&
          pieces[q + 3]! >= d &&
          pieces[q + 4]! >= e &&
          pieces[q + 5]! >= f;
      }
      if (inside) continue;
      sp[6 * n] = a;
      sp[6 * n + 1] = b;
      sp[6 * n + 2] = c;
      sp[6 * n + 3] = d;
      sp[6 * n + 4] = e;
      sp[6 * n + 5] = f;
      n++;
    }
    this.sp = sp;
    this.nSp = n;
  }

  /** Adds a free space (a packing area's column under full support). */
  addSpace(a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (d - a < this.minL || e - b < this.minW || f - c < this.minH) return;
    this.sp = growI(this.sp, 6 * this.nSp + 6);
    const o = 6 * this.nSp++;
    this.sp[o] = a;
    this.sp[o + 1] = b;
    this.sp[o + 2] = c;
    this.sp[o + 3] = d;
    this.sp[o + 4] = e;
    this.sp[o + 5] = f;
  }

  /** Places block `b` with its origin at (x, y, z). */
  place(b: number, x: number, y: number, z: number): void {
    const e = this.e;
    const bl = e.blocks;
    const { reqStart, reqType, reqCount } = bl;
    // The least extents left change only when a type used up here held one of them: with thousands
    // of different cartons, each used up by its one box, a scan of every type after every placement
    // was a fifth of a greedy load.
    let changesMin = false;
    for (let r = reqStart[b]!, re = reqStart[b + 1]!; r < re; r++) {
      const t = reqType[r]!;
      const left = this.counts[t]! - reqCount[r]!;
      this.counts[t] = left;
      if (left === 0 && !changesMin) changesMin = this.holdsMinDim(t);
    }
    this.volume += bl.volume[b]!;
    this.weight += bl.weight[b]!;
    if (changesMin) this.updateMinDims();
    const l = bl.l[b]!;
    const w = bl.w[b]!;
    const h = bl.h[b]!;
    if (e.fsb) {
      this.crop(x, y, z, x + l, y + w, e.H);
      const pl = bl.paL[b]!;
      const pw = bl.paW[b]!;
      if (pl > 0 && pw > 0 && z + h < e.H) this.addSpace(x, y, z + h, x + pl, y + pw, e.H);
    } else this.crop(x, y, z, x + l, y + w, z + h);
    if ((e.anyNonStackable && bl.nonStackable[b]) || e.trackBoxes) {
      scratchBoxes.length = 0;
      blockBoxes(bl, b, x, y, z, scratchBoxes);
      const t = e.types;
      for (const bx of scratchBoxes) {
        const o = bx.orientation;
        const x2 = bx.x + t.dims[3 * bx.type + AXIS_OF[3 * o]!]!;
        const y2 = bx.y + t.dims[3 * bx.type + AXIS_OF[3 * o + 1]!]!;
        const z2 = bx.z + t.dims[3 * bx.type + AXIS_OF[3 * o + 2]!]!;
        if (!t.stackable[bx.type] && z2 < e.H) this.crop(bx.x, bx.y, z2, x2, y2, e.H);
        if (e.trackBoxes) {
          this.boxes = growI(this.boxes, 6 * this.nBoxes + 6);
          const q = 6 * this.nBoxes++;
          this.boxes[q] = bx.x;
          this.boxes[q + 1] = bx.y;
          this.boxes[q + 2] = bx.z;
          this.boxes[q + 3] = x2;
          this.boxes[q + 4] = y2;
          this.boxes[q + 5] = z2;
        }
      }
    }
    if (e.anyLoadLimit) {
      const wt = bl.weight[b]!;
      const lim = this.limits;
      for (let i = 0; i < this.nLimits; i++) {
        const q = 6 * i;
        if (lim[q + 4]! <= z && lim[q]! < x + l && lim[q + 2]! > x && lim[q + 1]! < y + w && lim[q + 3]! > y)
          lim[q + 5] = lim[q + 5]! - wt;
      }
      const cap = bl.capacity[b]!;
      if (cap < Number.POSITIVE_INFINITY) {
        const above = this.weightAbove(x, y, x + l, y + w, z + h);
        this.limits = growF(this.limits, 6 * this.nLimits + 6);
        const q = 6 * this.nLimits++;
        this.limits[q] = x;
        this.limits[q + 1] = y;
        this.limits[q + 2] = x + l;
        this.limits[q + 3] = y + w;
        this.limits[q + 4] = z + h;
        this.limits[q + 5] = cap - above;
      }
    }
    this.placed = growI(this.placed, 4 * this.nPlaced + 4);
    const q = 4 * this.nPlaced++;
    this.placed[q] = b;
    this.placed[q + 1] = x;
    this.placed[q + 2] = y;
    this.placed[q + 3] = z;
  }

  /** Weight of placed blocks at or above height `top` whose footprint overlaps the rectangle. */
  weightAbove(x1: number, y1: number, x2: number, y2: number, top: number): number {
    const bl = this.e.blocks;
    let sum = 0;
    for (let i = 0; i < this.nPlaced; i++) {
      const q = 4 * i;
      const b = this.placed[q]!;
      const px = this.placed[q + 1]!;
      const py = this.placed[q + 2]!;
      const pz = this.placed[q + 3]!;
      if (pz >= top && px < x2 && px + bl.l[b]! > x1 && py < y2 && py + bl.w[b]! > y1) sum += bl.weight[b]!;
    }
    return sum;
  }

  /**
   * Rules checked only for a block about to be chosen: partial support of its bottom boxes, nothing
   * above its non-stackable boxes, load limits below and inside it.
   */
  isFeasible(b: number, x: number, y: number, z: number): boolean {
    const e = this.e;
    const bl = e.blocks;
    const l = bl.l[b]!;
    const w = bl.w[b]!;
    const h = bl.h[b]!;
    if (e.anyLoadLimit) {
      const wt = bl.weight[b]!;
      const lim = this.limits;
      for (let i = 0; i < this.nLimits; i++) {
        const q = 6 * i;
        if (
          lim[q + 4]! <= z &&
          lim[q]! < x + l &&
          lim[q + 2]! > x &&
          lim[q + 1]! < y + w &&
          lim[q + 3]! > y &&
          lim[q + 5]! < wt
        )
          return false;
      }
      const cap = bl.capacity[b]!;
      if (cap < Number.POSITIVE_INFINITY && this.weightAbove(x, y, x + l, y + w, z + h) > cap) return false;
    }
    if ((e.anyNonStackable && bl.nonStackable[b]) || (e.supportRatio > 0 && z > 0)) {
      scratchBoxes.length = 0;
      blockBoxes(bl, b, x, y, z, scratchBoxes);
      const t = e.types;
      for (const bx of scratchBoxes) {
        const o = bx.orientation;
        const x2 = bx.x + t.dims[3 * bx.type + AXIS_OF[3 * o]!]!;
        const y2 = bx.y + t.dims[3 * bx.type + AXIS_OF[3 * o + 1]!]!;
        if (e.supportRatio > 0 && bx.z === z && z > 0) {
          let area = 0;
          const bs = this.boxes;
          for (let i = 0; i < this.nBoxes; i++) {
            const q = 6 * i;
            if (bs[q + 5] !== z) continue;
            const ox = Math.min(x2, bs[q + 3]!) - Math.max(bx.x, bs[q]!);
            const oy = Math.min(y2, bs[q + 4]!) - Math.max(bx.y, bs[q + 1]!);
            if (ox > 0 && oy > 0) area += ox * oy;
          }
          if (area < e.supportRatio * (x2 - bx.x) * (y2 - bx.y)) return false;
        }
        if (!t.stackable[bx.type]) {
          const z2 = bx.z + t.dims[3 * bx.type + AXIS_OF[3 * o + 2]!]!;
          for (let i = 0; i < this.nPlaced; i++) {
            const q = 4 * i;
            const pb = this.placed[q]!;
            const px = this.placed[q + 1]!;
            const py = this.placed[q + 2]!;
            const pz = this.placed[q + 3]!;
            if (pz + bl.h[pb]! > z2 && px < x2 && px + bl.l[pb]! > bx.x && py < y2 && py + bl.w[pb]! > bx.y)
              return false;
          }
        }
      }
    }
    return true;
  }
}

/**
 * The best `k` blocks for space `s` of `st` by the VCS evaluation, best first, into `outBlock` (block
 * ids) and `outScore`; returns how many were found. Blocks are scanned in static-score order, which
 * bounds every later score, so the scan stops early.
 */
export function bestBlocks(
  st: PackState,
  s: number,
  k: number,
  outBlock: Int32Array,
  outScore: Float64Array,
): number {
  const e = st.e;
  const bl = e.blocks;
  const { l: BL, w: BW, h: BH, reqStart, reqType, reqCount } = bl;
  const sp = st.sp;
  const o6 = 6 * s;
  const sx1 = sp[o6]!;
  const sy1 = sp[o6 + 1]!;
  const sz1 = sp[o6 + 2]!;
  const sx2 = sp[o6 + 3]!;
  const sy2 = sp[o6 + 4]!;
  const sz2 = sp[o6 + 5]!;
  const spL = sx2 - sx1;
  const spW = sy2 - sy1;
  const spH = sz2 - sz1;
  const { ax, ay, az } = st;
  const p = e.p;
  const { L, W, H } = e;
  const [rx, ry, rz] = e.reach as [AxisReach, AxisReach, AxisReach];
  const den = rx.best[spL]! * ry.best[spW]! * rz.best[spH]!;
  const counts = st.counts;

  // obstacles near each face of the space: x-low, x-high, y-low, y-high, z-low, z-high
  const tolL = p * spL;
  const tolW = p * spW;
  const tolH = p * spH;
  // one pass: a placed block is near at most one face (near one, it lies beside the space across the others)
  const pl = st.placed;
  faceCount.fill(0);
  let no = 0;
  for (let i = 0; i < st.nPlaced; i++) {
    const q = 4 * i;
    const b = pl[q]!;
    const x1 = pl[q + 1]!;
    const y1 = pl[q + 2]!;
    const z1 = pl[q + 3]!;
    const x2 = x1 + BL[b]!;
    const y2 = y1 + BW[b]!;
    const z2 = z1 + BH[b]!;
    const inX = x1 < sx2 && x2 > sx1;
    const inY = y1 < sy2 && y2 > sy1;
    const inZ = z1 < sz2 && z2 > sz1;
    let face = -1;
    if (inY && inZ) {
      if (x2 <= sx1 && x2 >= sx1 - tolL) face = 0;
      else if (x1 >= sx2 && x1 <= sx2 + tolL) face = 1;
    } else if (inX && inZ) {
      if (y2 <= sy1 && y2 >= sy1 - tolW) face = 2;
      else if (y1 >= sy2 && y1 <= sy2 + tolW) face = 3;
    } else if (inX && inY) {
      if (z2 <= sz1 && z2 >= sz1 - tolH) face = 4;
      else if (z1 >= sz2 && z1 <= sz2 + tolH) face = 5;
    }
    if (face < 0) continue;
    if (no >= nearFace.length) {
      nearFace = growI(nearFace, no + 1);
      nearBlock = growI(nearBlock, no + 1);
    }
    nearFace[no] = face;
    nearBlock[no++] = i;
    faceCount[face]!++;
  }
  faceStart[0] = 0;
  for (let f = 0; f < 6; f++) faceStart[f + 1] = faceStart[f]! + faceCount[f]!;
  if (6 * no > obstacles.length) obstacles = growI(obstacles, 6 * no);
  faceCount.set(faceStart.subarray(0, 6));
  for (let j = 0; j < no; j++) {
    const q = 4 * nearBlock[j]!;
    const b = pl[q]!;
    const r = 6 * faceCount[nearFace[j]!]!++;
    obstacles[r] = pl[q + 1]!;
    obstacles[r + 1] = pl[q + 2]!;
    obstacles[r + 2] = pl[q + 3]!;
    obstacles[r + 3] = pl[q + 1]! + BL[b]!;
    obstacles[r + 4] = pl[q + 2]! + BW[b]!;
    obstacles[r + 5] = pl[q + 3]! + BH[b]!;
  }
  const ob = obstacles;

  let found = 0;
  let kth = 0; // score to beat once k are found
  const valid = st.valid;
  const useLazy = e.anyLoadLimit || e.anyNonStackable || e.supportRatio > 0;
  const spare = e.payload - st.weight;
  const bw = bl.weight;
  const { order, rankScore, words, fitValues, fitBits } = bl;
  // the bit sets of the blocks no longer, wider, higher than the space
  const rowL = fitRow(fitValues[0]!, spL);
  const rowW = fitRow(fitValues[1]!, spW);
  const rowH = fitRow(fitValues[2]!, spH);
  if (rowL < 0 || rowW < 0 || rowH < 0) return 0;
  const bitsL = fitBits[0]!;
  const bitsW = fitBits[1]!;
  const bitsH = fitBits[2]!;
  const oL = rowL * words;
  const oW = rowW * words;
  const oH = rowH * words;
  // blocks scoring above the space's volume cannot fit (static score ≤ box volume ≤ bounding volume)
  const spaceVolume = spL * spW * spH;
  let lo = 0;
  let hi = bl.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rankScore[mid]! > spaceVolume) lo = mid + 1;
    else hi = mid;
  }
  scan: for (let word = lo >>> 5; word < words; word++) {
    if (found === k && rankScore[word << 5]! <= kth) break;
    let m = valid[word]! & bitsL[oL + word]! & bitsW[oW + word]! & bitsH[oH + word]!;
    if (word === lo >>> 5) m &= ~((1 << (lo & 31)) - 1);
    while (m !== 0) {
      const low = m & -m;
      m ^= low;
      const rank = (word << 5) | (31 - Math.clz32(low));
      const stat = rankScore[rank]!;
      if (found === k && stat <= kth) break scan;
      const b = order[rank]!;
      let buildable = bw[b]! <= spare;
      if (buildable)
        for (let r = reqStart[b]!, re = reqStart[b + 1]!; r < re; r++)
          if (reqCount[r]! > counts[reqType[r]!]!) {
            buildable = false;
            break;
          }
      if (!buildable) {
        valid[word] = valid[word]! & ~low;
        continue;
      }
      const l = BL[b]!;
      const w = BW[b]!;
      const h = BH[b]!;
      const resL = spL - l;
      const resW = spW - w;
      const resH = spH - h;
      const aX = w * h;
      const aY = l * h;
      const aZ = l * w;
      const total = 2 * (aX + aY + aZ);
      const bx = ax === 0 ? sx1 : sx2 - l;
      const by = ay === 0 ? sy1 : sy2 - w;
      const bz = az === 0 ? sz1 : sz2 - h;
      const ex = bx + l;
      const ey = by + w;
      const ez = bz + h;
      // upper bound of the contact share: the far faces touch nothing beyond the tolerance
      const tl = p * l;
      const tw = p * w;
      const th = p * h;
      const farX = resL <= tl || (ax === 0 ? ex >= L - tl : bx <= tl);
      const farY = resW <= tw || (ay === 0 ? ey >= W - tw : by <= tw);
      const farZ = resH <= th || (az === 0 ? ez >= H - th : bz <= th);
      let ub = (aX * (farX ? 2 : 1) + aY * (farY ? 2 : 1) + aZ * (farZ ? 2 : 1)) / total;
      ub *= ub;
      ub *= ub;
      if (found === k && stat * ub <= kth) continue;

      // loss: what the residual lengths can still hold of the boxes left (after this block)
      const rs = reqStart[b]!;
      const re = reqStart[b + 1]!;
      let fill = 1;
      for (let a = 0; a < 3; a++) {
        const reach = a === 0 ? rx : a === 1 ? ry : rz;
        const res = a === 0 ? resL : a === 1 ? resW : resH;
        let v = reach.best[res]!;
        const last = reach.last;
        // walk down to a length some box left can end; after WALK steps take the length as it is
        // (dense lengths of strongly heterogeneous cargo would make the walk long)
        search: for (let step = 0; v > 0 && step < WALK && !reach.dense; step++) {
          for (let slot = v * REACH_TYPES, se = slot + REACH_TYPES; slot < se; slot++) {
            const t = last[slot]!;
            if (t < 0) break;
            let need = 0;
            for (let r = rs; r < re; r++)
              if (reqType[r] === t) {
                need = reqCount[r]!;
                break;
              }
            if (counts[t]! > need) break search;
          }
          v = reach.best[v - 1]!;
        }
        fill *= (a === 0 ? l : a === 1 ? w : h) + v;
      }
      let keep = den > 0 ? fill / den : 1;
      if (keep > 1) keep = 1;
      if (e.beta !== 1) keep **= e.beta;
      if (found === k && stat * keep * ub <= kth) continue;

      // contact share, with gap tolerance p × the block's extent
      let contact = 0;
      // x-low
      if (bx <= tl) contact += aX;
      else {
        let acc = 0;
        for (let j = faceStart[0]!; j < faceStart[1]!; j++) {
          const r = 6 * j;
          if (ob[r + 3]! < bx - tl) continue;
          const oy = Math.min(ey, ob[r + 4]!) - Math.max(by, ob[r + 1]!);
          const oz = Math.min(ez, ob[r + 5]!) - Math.max(bz, ob[r + 2]!);
          if (oy > 0 && oz > 0) acc += oy * oz;
        }
        contact += Math.min(acc, aX);
      }
      // x-high
      if (ex >= L - tl) contact += aX;
      else if (resL <= tl || ax === 1) {
        let acc = 0;
        for (let j = faceStart[1]!; j < faceStart[2]!; j++) {
          const r = 6 * j;
          if (ob[r]! > ex + tl) continue;
          const oy = Math.min(ey, ob[r + 4]!) - Math.max(by, ob[r + 1]!);
          const oz = Math.min(ez, ob[r + 5]!) - Math.max(bz, ob[r + 2]!);
          if (oy > 0 && oz > 0) acc += oy * oz;
        }
        contact += Math.min(acc, aX);
      }
      // y-low
      if (by <= tw) contact += aY;
      else {
        let acc = 0;
        for (let j = faceStart[2]!; j < faceStart[3]!; j++) {
          const r = 6 * j;
          if (ob[r + 4]! < by - tw) continue;
          const ox = Math.min(ex, ob[r + 3]!) - Math.max(bx, ob[r]!);
          const oz = Math.min(ez, ob[r + 5]!) - Math.max(bz, ob[r + 2]!);
          if (ox > 0 && oz > 0) acc += ox * oz;
        }
        contact += Math.min(acc, aY);
      }
      // y-high
      if (ey >= W - tw) contact += aY;
      else {
        let acc = 0;
        for (let j = faceStart[3]!; j < faceStart[4]!; j++) {
          const r = 6 * j;
          if (ob[r + 1]! > ey + tw) continue;
          const ox = Math.min(ex, ob[r + 3]!) - Math.max(bx, ob[r]!);
          const oz = Math.min(ez, ob[r + 5]!) - Math.max(bz, ob[r + 2]!);
          if (ox > 0 && oz > 0) acc += ox * oz;
        }
        contact += Math.min(acc, aY);
      }
      // z-low
      if (bz <= th) contact += aZ;
      else {
        let acc = 0;
        for (let j = faceStart[4]!; j < faceStart[5]!; j++) {
          const r = 6 * j;
          if (ob[r + 5]! < bz - th) continue;
          const ox = Math.min(ex, ob[r + 3]!) - Math.max(bx, ob[r]!);
          const oy = Math.min(ey, ob[r + 4]!) - Math.max(by, ob[r + 1]!);
          if (ox > 0 && oy > 0) acc += ox * oy;
        }
        contact += Math.min(acc, aZ);
      }
      // z-high
      if (ez >= H - th) contact += aZ;
      else {
        let acc = 0;
        for (let j = faceStart[5]!; j < faceStart[6]!; j++) {
          const r = 6 * j;
          if (ob[r + 2]! > ez + th) continue;
          const ox = Math.min(ex, ob[r + 3]!) - Math.max(bx, ob[r]!);
          const oy = Math.min(ey, ob[r + 4]!) - Math.max(by, ob[r + 1]!);
          if (ox > 0 && oy > 0) acc += ox * oy;
        }
        contact += Math.min(acc, aZ);
      }
      let cs = contact / total;
      if (e.alpha === 4) {
        cs *= cs;
        cs *= cs;
      } else cs **= e.alpha;
      const score = stat * keep * cs;
      if (score <= 0 || (found === k && score <= kth)) continue;
      if (useLazy && !st.isFeasible(b, bx, by, bz)) continue;
      // insert into the top-k list (kept sorted, best first)
      let at = found < k ? found++ : k - 1;
      while (at > 0 && outScore[at - 1]! < score) {
        outScore[at] = outScore[at - 1]!;
        outBlock[at] = outBlock[at - 1]!;
        at--;
      }
      outScore[at] = score;
      outBlock[at] = b;
      if (found === k) kth = outScore[k - 1]!;
    }
  }
  return found;
}

/** Most reachable lengths tried per axis in the loss estimate. */
const WALK = 16;

/** Index of the largest extent in `values` (increasing) not above `v`; −1 when none. */
function fitRow(values: Int32Array, v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Where block `b` goes in space `s` of `st` (its anchor corner), as [x, y, z]. */
export function blockOrigin(st: PackState, s: number, b: number, out: Int32Array): void {
  const bl = st.e.blocks;
  const o = 6 * s;
  out[0] = st.ax === 0 ? st.sp[o]! : st.sp[o + 3]! - bl.l[b]!;
  out[1] = st.ay === 0 ? st.sp[o + 1]! : st.sp[o + 4]! - bl.w[b]!;
  out[2] = st.az === 0 ? st.sp[o + 2]! : st.sp[o + 5]! - bl.h[b]!;
}
