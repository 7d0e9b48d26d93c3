import { describe, expect, it } from 'vitest';
import { readBrClass } from '../../bench/br.ts';

// The classes the tests use, copied into the repository (test/fixtures/br/README.md).
const FIXTURES = new URL('../../test/fixtures/br/', import.meta.url).pathname;

import { parseThpack, thpackToLoadRequest } from './thpack.ts';

describe('parseThpack', () => {
  const problems = readBrClass(1, FIXTURES);

  it('reads the 100 problems of BR1', () => {
    expect(problems).toHaveLength(100);
    expect(problems[99]!.number).toBe(100);
  });

  it('reads problem 1 of BR1 field by field', () => {
    expect(problems[0]).toEqual({
      number: 1,
      seed: 2502505,
      container: [587, 233, 220],
      boxTypes: [
        { id: 1, dims: [108, 76, 30], mayBeVertical: [false, false, true], quantity: 40 },
        { id: 2, dims: [110, 43, 25], mayBeVertical: [false, true, true], quantity: 33 },
        { id: 3, dims: [92, 81, 55], mayBeVertical: [true, true, true], quantity: 39 },
      ],
    });
  });

  it('reads the tab-separated, CRLF files of BR8–BR15', () => {
    const br10 = readBrClass(10, FIXTURES);
    expect(br10).toHaveLength(100);
    expect(br10[0]!.boxTypes).toHaveLength(50);
  });

  it('rejects a truncated file', () => {
    expect(() => parseThpack('1\n1 2\n587 233 220\n2\n1 10 1 10 1 10 1 5\n')).toThrow(/expected/);
  });

  it('turns a problem into a request in millimetres with the orientations of its flags', () => {
    const request = thpackToLoadRequest(problems[0]!);
    expect(request.container).toMatchObject({ lengthMm: 5870, widthMm: 2330, heightMm: 2200 });
    expect(request.boxes).toHaveLength(40 + 33 + 39);
    expect(request.boxes[0]).toEqual({
      id: '1-1',
      lengthMm: 1080,
      widthMm: 760,
      heightMm: 300,
      weightG: 0,
      orientations: ['lwh', 'wlh'],
    });
    expect(request.boxes[40]!.orientations).toEqual(['lhw', 'hlw', 'lwh', 'wlh']);
    expect(request.boxes[73]!.orientations).toHaveLength(6);
  });
});
