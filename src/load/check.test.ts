import { describe, expect, it } from 'vitest';
import { checkLoadPlan } from './check.ts';
import type { LoadBox, LoadRequest, Placement } from './types.ts';

const container = { lengthMm: 1000, widthMm: 500, heightMm: 600, payloadG: 100_000 };
const box = (id: string, extra: Partial<LoadBox> = {}): LoadBox => ({
  id,
  lengthMm: 400,
  widthMm: 300,
  heightMm: 200,
  weightG: 10_000,
  ...extra,
});
const request: LoadRequest = {
  container,
  boxes: [box('a'), box('b'), box('c', { thisSideUp: true }), box('d', { orientations: ['lwh', 'wlh'] })],
};
/** a and b side by side on the floor, c on top of a (upright), d on top of b. */
const good: Placement[] = [
  { boxId: 'a', x: 0, y: 0, z: 0, dx: 400, dy: 300, dz: 200, orientation: 'lwh' },
  { boxId: 'b', x: 400, y: 0, z: 0, dx: 400, dy: 300, dz: 200, orientation: 'lwh' },
  { boxId: 'c', x: 0, y: 0, z: 200, dx: 400, dy: 300, dz: 200, orientation: 'lwh' },
  { boxId: 'd', x: 400, y: 0, z: 200, dx: 400, dy: 300, dz: 200, orientation: 'lwh' },
];
const withMoved = (id: string, change: Partial<Placement>): Placement[] =>
  good.map((p) => (p.boxId === id ? { ...p, ...change } : p));
const reasons = (placements: Placement[], req: LoadRequest = request, support?: 'full' | 'none') =>
  checkLoadPlan(
    req,
    {
      placements,
      unplaced: req.boxes.filter((b) => !placements.some((p) => p.boxId === b.id)).map((b) => b.id),
    },
    support,
  ).problems.map((p) => [p.reason, p.boxId]);

describe('checkLoadPlan', () => {
  it('accepts a valid plan and reports utilisation', () => {
    const check = checkLoadPlan(request, { placements: good, unplaced: [] });
    expect(check.problems).toEqual([]);
    expect(check.valid).toBe(true);
    expect(check.volumeUtilisation).toBeCloseTo((4 * 400 * 300 * 200) / (1000 * 500 * 600));
    expect(check.weightUtilisation).toBeCloseTo(0.4);
  });

  it('rejects a box moved into another', () => {
    expect(reasons(withMoved('b', { x: 300 }))).toContainEqual(['overlap', 'b']);
  });

  it('rejects a box out of the container', () => {
    expect(reasons(withMoved('b', { x: 700 }))).toContainEqual(['outside', 'b']);
    expect(reasons(withMoved('a', { y: -1 }))).toContainEqual(['outside', 'a']);
  });

  it('rejects a forbidden orientation and dimensions that do not match it', () => {
    expect(reasons(withMoved('c', { dx: 400, dy: 200, dz: 300, orientation: 'lhw' }))).toEqual([
      ['orientation', 'c'],
    ]);
    expect(reasons(withMoved('d', { dx: 200, dy: 300, dz: 400, orientation: 'hwl' }))).toContainEqual([
      'orientation',
      'd',
    ]);
    expect(reasons(withMoved('a', { dx: 300, dy: 400 }))).toContainEqual(['dimensions', 'a']);
  });

  it('rejects a floating box under full support, not under none', () => {
    const floating = withMoved('d', { z: 250 });
    expect(reasons(floating)).toEqual([['floating', 'd']]);
    expect(reasons(floating, request, 'none')).toEqual([]);
  });

  it('measures partial support against the ratio', () => {
    const overhang = withMoved('c', { x: 600, z: 200 }).filter((p) => p.boxId !== 'd');
    // c rests on b for 200 of its 400 mm length: half its base
    expect(reasons(overhang)).toEqual([['unsupported', 'c']]);
    expect(checkLoadPlan(request, { placements: overhang, unplaced: ['d'] }, { ratio: 0.5 }).valid).toBe(
      true,
    );
    expect(checkLoadPlan(request, { placements: overhang, unplaced: ['d'] }, { ratio: 0.6 }).valid).toBe(
      false,
    );
  });

  it('rejects boxes on a non-stackable box and loads above a box limit', () => {
    const req: LoadRequest = {
      container,
      boxes: request.boxes.map((b) =>
        b.id === 'a' ? { ...b, stackable: false } : b.id === 'b' ? { ...b, maxLoadOnTopG: 5000 } : b,
      ),
    };
    expect(reasons(good, req)).toEqual([
      ['not-stackable', 'a'],
      ['overloaded', 'b'],
    ]);
  });

  it('rejects unknown, duplicate and missing boxes and an overweight load', () => {
    const req: LoadRequest = { container: { ...container, payloadG: 25_000 }, boxes: request.boxes };
    const check = checkLoadPlan(req, {
      placements: [...good.slice(0, 3), { ...good[0]!, boxId: 'x' }, good[0]!],
      unplaced: [],
    });
    expect(check.problems.map((p) => p.reason).sort()).toEqual(
      ['duplicate-box', 'missing-box', 'over-payload', 'unknown-box'].sort(),
    );
  });
});

/** Each rule at its edge: exactly at a limit passes, a millimetre or a gram over fails, alone. */
describe('checkLoadPlan, each rule at its edge', () => {
  it('an unknown orientation name, and dimensions wrong along one axis only', () => {
    // the box is not placed then: what rests on it is not judged here (support none)
    expect(
      reasons(withMoved('a', { orientation: 'xyz' as Placement['orientation'] }), request, 'none'),
    ).toEqual([['orientation', 'a']]);
    expect(reasons(withMoved('a', { dx: 399 }), request, 'none')).toEqual([['dimensions', 'a']]);
    expect(reasons(withMoved('a', { dy: 299 }), request, 'none')).toEqual([['dimensions', 'a']]);
    expect(reasons(withMoved('c', { dz: 199 }))).toEqual([['dimensions', 'c']]);
  });

  it('inside the container up to its walls and roof, outside a millimetre beyond any', () => {
    const alone: LoadRequest = { container, boxes: [box('a')] };
    const at = (p: Partial<Placement>) => reasons([{ ...good[0]!, ...p }], alone);
    expect(at({ x: 600 })).toEqual([]); // 600 + 400 = 1000
    expect(at({ y: 200 })).toEqual([]); // 200 + 300 = 500
    expect(at({ x: 601 })).toEqual([['outside', 'a']]);
    expect(at({ y: 201 })).toEqual([['outside', 'a']]);
    expect(at({ x: -1 })).toEqual([['outside', 'a']]);
    expect(at({ y: -1 })).toEqual([['outside', 'a']]);
    const roof: LoadRequest = { container: { ...container, heightMm: 400 }, boxes: [box('a'), box('c')] };
    const stacked = (z: number) => reasons([good[0]!, { ...good[2]!, z }], roof, 'none');
    expect(stacked(200)).toEqual([]); // 200 + 200 = 400
    expect(stacked(201)).toEqual([['outside', 'c']]);
    expect(reasons([{ ...good[0]!, z: -1 }], alone, 'none')).toEqual([['outside', 'a']]);
  });

  it('unplaced boxes: unknown, also placed, or listed twice', () => {
    const check = (unplaced: string[]) =>
      checkLoadPlan(request, { placements: good.slice(0, 3), unplaced }).problems.map((p) => [
        p.reason,
        p.boxId,
      ]);
    expect(check(['d'])).toEqual([]);
    expect(check(['d', 'zz'])).toEqual([['unknown-box', 'zz']]);
    expect(check(['d', 'a'])).toEqual([['duplicate-box', 'a']]);
    expect(check(['d', 'd'])).toEqual([['duplicate-box', 'd']]);
  });

  it('finds an overlap whatever the order the placements come in', () => {
    // listed right to left: the sweep must sort them by x to compare the right pairs
    const far = { boxId: 'b', x: 500, y: 0, z: 0, dx: 400, dy: 300, dz: 200, orientation: 'lwh' as const };
    const mid = { boxId: 'a', x: 200, y: 0, z: 0, dx: 400, dy: 300, dz: 200, orientation: 'lwh' as const };
    const req: LoadRequest = { container, boxes: [box('a'), box('b')] };
    expect(reasons([far, mid], req)).toEqual([['overlap', 'b']]);
    expect(reasons([mid, far], req)).toEqual([['overlap', 'b']]);
    expect(reasons([{ ...far, x: 600 }, mid], req)).toEqual([]); // touching at x = 600
  });

  it('support at exactly the ratio passes, a little under fails', () => {
    const overhang = withMoved('c', { x: 600, z: 200 }).filter((p) => p.boxId !== 'd');
    const valid = (ratio: number) =>
      checkLoadPlan(request, { placements: overhang, unplaced: ['d'] }, { ratio }).valid;
    expect(valid(0.5)).toBe(true);
    expect(valid(0.5001)).toBe(false);
  });

  it('load on top counts the boxes above whose footprint overlaps, up to the limit exactly', () => {
    const limited = (limitG: number): LoadRequest => ({
      container,
      boxes: request.boxes.map((b) => (b.id === 'a' ? { ...b, maxLoadOnTopG: limitG } : b)),
    });
    // c (10 kg) is on a; d is on b, beside a, and does not count
    expect(reasons(good, limited(10_000))).toEqual([]);
    expect(reasons(good, limited(9_999))).toEqual([['overloaded', 'a']]);
    // b, level with a, never counts
    expect(
      reasons(
        good.filter((p) => p.boxId !== 'c'),
        limited(0),
      ),
    ).toEqual([]);
  });

  it('a load exactly at the payload passes, a gram over fails', () => {
    const payload = (payloadG: number): LoadRequest => ({
      container: { ...container, payloadG },
      boxes: request.boxes,
    });
    expect(reasons(good, payload(40_000))).toEqual([]);
    expect(
      checkLoadPlan(payload(39_999), { placements: good, unplaced: [] }).problems.map((p) => p.reason),
    ).toEqual(['over-payload']);
  });
});
