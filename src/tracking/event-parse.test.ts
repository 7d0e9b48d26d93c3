import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemsFromZod } from '../domain/index.ts';
import { EventInputSchema } from './event.ts';
import { EVENT_LIMITS, EVENT_STRING_RULES, fastEventInput, parseEventInput } from './event-parse.ts';

const base = {
  eventId: 'r:P-0001',
  code: 'HUB_RECEIVED',
  parcelId: 'P-0001',
  eventTime: '2026-12-06T09:00:00+08:00',
  place: 'xiyong-hub',
  measured: { weightG: 500 },
};

/** Every field at or inside its bounds, with what the schema trims padded. */
const GOOD: Record<string, unknown>[] = [
  base,
  { ...base, classifier: 'EST', measured: { weightG: 1, lengthMm: 20_000, widthMm: 3_000, heightMm: 1 } },
  {
    eventId: 'x'.repeat(200),
    code: 'DELIVERY_FAILED',
    trackingNumber: 'LB000000001CN',
    eventTime: '2026-12-06T09:00:00.123Z',
    place: 'PLWAW',
    city: '  Warsaw ',
    country: 'PL',
    reason: { code: 'no-one-home', text: '  rang twice  ' },
    carrier: ' InPost ',
    lastMileNumber: ' RR123456785PL ',
    updatedAt: '2026-12-06T10:00:00-05:30',
    retracted: false,
    simulated: true,
    sourceSystem: ' tms ',
    sourceEventId: ' 42 ',
  },
  { ...base, containerId: 'C'.repeat(120), departureId: 'd'.repeat(120), unknownKey: { deep: 1 } },
  { ...base, reason: { code: 'a'.repeat(40) }, city: 'c'.repeat(100), place: 'p'.repeat(40) },
  { ...base, parcelId: undefined, trackingNumber: 't'.repeat(40), retracted: true },
  { ...base, eventTime: '2028-02-29T23:59:59Z', updatedAt: '2100-12-31T00:00:00+14:00' },
];

/** One broken rule each (field, value); the schema refuses every one. */
const BAD: [string, unknown][] = [
  ['eventId', ''],
  ['eventId', 'x'.repeat(201)],
  ['eventId', 'has space'],
  ['eventId', 'é'],
  ['eventId', 42],
  ['code', 'NOT_A_CODE'],
  ['code', undefined],
  ['classifier', 'act'],
  ['classifier', null],
  ['parcelId', ''],
  ['parcelId', 'p'.repeat(101)],
  ['parcelId', 7],
  ['parcelId', null],
  ['trackingNumber', 't'.repeat(41)],
  ['containerId', 'C'.repeat(121)],
  ['departureId', ''],
  ['eventTime', '2026-12-06T09:00:00'],
  ['eventTime', '2026-12-06 09:00:00Z'],
  ['eventTime', '2026-02-30T09:00:00Z'],
  ['eventTime', '1969-12-31T23:59:59Z'],
  ['eventTime', '2101-01-01T00:00:00Z'],
  ['eventTime', '2026-12-06T24:00:00Z'],
  ['eventTime', '2026-12-06T09:00Z'],
  ['eventTime', '2026-12-06T09:00:00+24:00'],
  ['eventTime', 1765000000000],
  ['place', ''],
  ['place', 'p'.repeat(41)],
  ['city', '   '],
  ['city', 'c'.repeat(101)],
  ['country', 'de'],
  ['country', 'XX'],
  ['country', 'DEU'],
  ['reason', 'customs'],
  ['reason', { code: 'Bad Code' }],
  ['reason', { code: 'a'.repeat(41) }],
  ['reason', { code: 'ok', text: 't'.repeat(501) }],
  ['reason', { text: 'no code' }],
  ['reason', null],
  ['measured', { weightG: 0 }],
  ['measured', { weightG: 40_000_001 }],
  ['measured', { weightG: 1.5 }],
  ['measured', { weightG: '500' }],
  ['measured', { weightG: Number.NaN }],
  ['measured', { weightG: 500, lengthMm: 20_001 }],
  ['measured', { weightG: 500, widthMm: 3_001 }],
  ['measured', { weightG: 500, heightMm: 0 }],
  ['measured', [500]],
  ['carrier', ' '],
  ['lastMileNumber', 'n'.repeat(41)],
  ['updatedAt', 'yesterday'],
  ['retracted', 'true'],
  ['simulated', 1],
  ['sourceSystem', ''],
  ['sourceEventId', 's'.repeat(201)],
];

const zodProblems = (raw: unknown) => {
  const z = EventInputSchema.safeParse(raw);
  return z.success ? [] : problemsFromZod(z.error, { row: 1 });
};

describe('the hand-written event validator', () => {
  it('holds the bounds the schema holds', () => {
    const shape = EventInputSchema.shape;
    for (const [key, rule] of Object.entries(EVENT_STRING_RULES)) {
      const s = (shape as unknown as Record<string, { unwrap(): { minLength: number; maxLength: number } }>)[
        key
      ]!.unwrap();
      expect([key, s.minLength, s.maxLength]).toEqual([key, rule.min, rule.max]);
    }
    expect(shape.eventId.maxLength).toBe(EVENT_LIMITS.eventId);
    const reason = shape.reason.unwrap().shape;
    expect(reason.code.maxLength).toBe(EVENT_LIMITS.reasonCode);
    expect(reason.text.unwrap().maxLength).toBe(EVENT_LIMITS.reasonText);
    const measured = shape.measured.unwrap().shape;
    expect(measured.weightG.maxValue).toBe(EVENT_LIMITS.weightG);
    expect(measured.lengthMm.unwrap().maxValue).toBe(EVENT_LIMITS.lengthMm);
    expect(measured.widthMm.unwrap().maxValue).toBe(EVENT_LIMITS.widthMm);
    expect(measured.heightMm.unwrap().maxValue).toBe(EVENT_LIMITS.heightMm);
    const handled = [
      ...Object.keys(EVENT_STRING_RULES),
      'eventId',
      'code',
      'classifier',
      'eventTime',
      'country',
      'reason',
      'measured',
      'updatedAt',
      'retracted',
      'simulated',
    ];
    expect(handled.sort()).toEqual(Object.keys(shape).sort());
  });

  it.each(GOOD.map((e, i) => [i, e] as const))('gives what the schema gives for good event %i', (_, e) => {
    const z = EventInputSchema.safeParse(e);
    expect(z.success).toBe(true);
    const fast = fastEventInput(e);
    expect(fast).toBeDefined();
    expect(fast).toEqual(z.data);
  });

  it.each(BAD)('leaves %s = %j to the schema, which names the same problems', (field, value) => {
    const e = { ...base, [field]: value };
    expect(fastEventInput(e)).toBeUndefined();
    const problems = zodProblems(e);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.where.field === field || p.where.field?.startsWith(`${field}.`))).toBe(
      true,
    );
    const parsed = parseEventInput(e);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(problemsFromZod(parsed.error, { row: 1 })).toEqual(problems);
  });

  it('refuses what is not a plain object', () => {
    for (const raw of [null, undefined, 'event', 42, [base], new Date(0)])
      expect(fastEventInput(raw)).toBeUndefined();
  });

  it('never accepts what the schema refuses, nor gives other values (random events)', () => {
    const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
    /** Mostly good values, now and then an edge or a wrong type. */
    const mostly = <T, U>(good: fc.Arbitrary<T>, edge: fc.Arbitrary<U>) =>
      fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: edge, weight: 1 });
    const any = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null));
    const str = (max: number) =>
      mostly(
        fc.string({ minLength: 1, maxLength: Math.min(max, 12) }),
        fc.oneof(
          pick('', ' ', ' a ', 'x'.repeat(max), 'x'.repeat(max + 1), ` ${'y'.repeat(max)} `),
          fc.string({ maxLength: max + 2 }),
          any,
        ),
      );
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
    const int = (max: number) =>
      mostly(fc.integer({ min: 1, max }), fc.oneof(pick(0, max + 1, 1.5, Number.NaN, -1), any));
    const event = fc.record(
      {
        eventId: mostly(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), fc.oneof(str(200), any)),
        code: mostly(
          pick('HUB_RECEIVED', 'CONSOLIDATED', 'DEPARTED'),
          fc.oneof(pick('hub_received', ''), any),
        ),
        classifier: maybe(mostly(pick('ACT', 'EST', 'PLN'), fc.oneof(pick('act'), any))),
        parcelId: maybe(str(100)),
        trackingNumber: maybe(str(40)),
        containerId: maybe(str(120)),
        departureId: maybe(str(120)),
        eventTime: mostly(
          fc
            .date({
              min: new Date('1970-01-01T00:00:00Z'),
              max: new Date('2100-12-31T00:00:00Z'),
              noInvalidDate: true,
            })
            .map((d) => d.toISOString()),
          fc.oneof(
            pick(
              '2026-12-06T09:00:00+08:00',
              '2026-13-06T09:00:00Z',
              '2026-12-06T09:00:00+0800',
              '2101-01-01T00:00:00Z',
              '2026-12-06T09:00:00',
            ),
            any,
          ),
        ),
        place: maybe(str(40)),
        city: maybe(str(100)),
        country: maybe(mostly(pick('DE', 'PL', 'CN'), fc.oneof(pick('XX', 'de', 'D'), any))),
        reason: maybe(
          mostly(
            fc.record(
              {
                code: mostly(
                  pick('inspection', 'no-one-home'),
                  fc.oneof(pick('Bad', '', 'a'.repeat(41)), any),
                ),
                text: str(500),
              },
              { requiredKeys: ['code'] },
            ),
            any,
          ),
        ),
        measured: maybe(
          mostly(
            fc.record(
              {
                weightG: int(40_000_000),
                lengthMm: int(20_000),
                widthMm: int(3_000),
                heightMm: int(3_000),
              },
              { requiredKeys: ['weightG'] },
            ),
            any,
          ),
        ),
        carrier: maybe(str(100)),
        lastMileNumber: maybe(str(40)),
        updatedAt: maybe(
          mostly(
            pick('2026-12-06T09:00:00Z', '2028-02-29T00:00:00-03:00'),
            pick('soon', '2026-02-29T00:00:00Z'),
          ),
        ),
        retracted: maybe(mostly(fc.boolean(), any)),
        simulated: maybe(mostly(fc.boolean(), any)),
        sourceSystem: maybe(str(100)),
        sourceEventId: maybe(str(200)),
      },
      { requiredKeys: ['eventId', 'code', 'eventTime'] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(event, (e) => {
        const fast = fastEventInput(e);
        if (fast === undefined) return;
        accepted++;
        const z = EventInputSchema.safeParse(e);
        expect(z.success).toBe(true);
        expect(fast).toEqual(z.data);
      }),
      { numRuns: 3000, seed: 12 },
    );
    expect(accepted).toBeGreaterThan(500);
  });
});
