import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parcelInput } from '../../test/fixtures/parcel-input.ts';
import { ParcelInputSchema } from '../domain/index.ts';
import { problemFor } from './problem.ts';
import { checkSliced } from './sliced-validation.ts';

const whole = validatorCompiler({
  schema: z.object({ parcels: z.array(ParcelInputSchema) }),
  method: 'POST',
  url: '/v1/parcels',
  httpPart: 'body',
} as never) as (data: unknown) => { error?: unknown; value?: unknown };

describe('batch checked a slice at a time', () => {
  it('answers the parsed parcels, or the very problems the whole schema names', async () => {
    const good = Array.from({ length: 6 }, (_, i) => parcelInput(`O-${i}`));
    expect(await checkSliced(good, ParcelInputSchema, 'parcels')).toEqual(
      (whole({ parcels: good }).value as { parcels: unknown[] }).parcels,
    );
    const bad: unknown[] = good.map((p) => ({ ...p }));
    bad[1] = { ...good[1]!, grossWeightG: -5 };
    bad[4] = { ...good[4]!, items: [{ ...good[4]!.items[0]!, currency: 'ZZ' }], incoterm: 'XYZ' };
    const sliced = await checkSliced(bad, ParcelInputSchema, 'parcels').catch((e) => e);
    const expected = whole({ parcels: bad }).error;
    expect(expected).toBeDefined();
    expect(problemFor(sliced)).toEqual(problemFor({ validation: expected, validationContext: 'body' }));
    const problems = problemFor(sliced).problems!;
    expect(problems.map((p) => p.where.row)).toEqual([2, 5, 5]);
    expect(problems.map((p) => p.where.field)).toEqual(['grossWeightG', 'items.0.currency', 'incoterm']);
  });

  it('gives the event loop its turns while a big batch is checked', async () => {
    const big = Array.from({ length: 20_000 }, (_, i) => parcelInput(`O-${i}`));
    let turns = 0;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    let ticking = true;
    setImmediate(tick);
    const started = performance.now();
    const parsed = await checkSliced(big, ParcelInputSchema, 'parcels');
    const ms = performance.now() - started;
    ticking = false;
    expect(parsed).toHaveLength(20_000);
    // a turn after each slice of ~25 ms (a check in one piece would let the loop turn once); a busy
    // machine stretches slices, so the bound is loose
    expect(turns).toBeGreaterThanOrEqual(Math.max(3, Math.floor(ms / 100)));
  });
});
