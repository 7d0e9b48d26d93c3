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
