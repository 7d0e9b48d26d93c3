import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_CODES, type EventCode } from './codes.ts';
import { applyContainerEvent, type ContainerStage, OPEN_CONTAINER } from './container.ts';
import { type HistoryEvent, replayParcel } from './journey.ts';
import {
  ANNOUNCED,
  applyParcelEvent,
  compareStages,
  containerFollowMoves,
  followContainerEvent,
  type JourneyState,
  PARCEL_STAGES,
  type ParcelStage,
  stateOfStatus,
  statusOf,
  TERMINAL_STAGES,
} from './state.ts';

const at = (stage: ParcelStage, over: Partial<JourneyState> = {}): JourneyState => ({
  stage,
  hold: null,
  containerId: null,
  ...over,
});

function run(
  codes: readonly (EventCode | [EventCode, string])[],
  from: JourneyState = ANNOUNCED,
): JourneyState {
  let s = from;
  for (const c of codes) {
    const [code, containerId] = Array.isArray(c) ? c : [c, undefined];
    const t = applyParcelEvent(s, { code, ...(containerId ? { containerId } : {}) });
    if (!t.ok) throw new Error(`${code} refused at ${s.stage}: ${t.why}`);
    s = t.state;
  }
  return s;
}

describe('parcel state machine', () => {
  it('moves a parcel from announcement to delivery along the journey', () => {
    const s = run([
      'ANNOUNCED',
      'ACCEPTED',
      'HUB_RECEIVED',
      'EXPORT_CUSTOMS_RELEASED',
      ['CONSOLIDATED', 'C1'],
      'DEPARTED',
      'BORDER_CROSSED',
      'DISCHARGED',
      'ARRIVED',
      'IMPORT_CUSTOMS_RELEASED',
      'DECONSOLIDATED',
      'HANDED_TO_LAST_MILE',
      'OUT_FOR_DELIVERY',
      'DELIVERY_FAILED',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ]);
    expect(s).toEqual({ stage: 'delivered', hold: null, containerId: null });
  });

  // Every rule the machine enforces, broken once: the event is refused with a reason.
  const refusals: [string, JourneyState, EventCode, RegExp][] = [
    ['a second receipt after departure', at('departed'), 'HUB_RECEIVED', /departed cannot take HUB_RECEIVED/],
    ['consolidating a parcel never received', at('announced'), 'CONSOLIDATED', /must be received first/],
    ['departing before loading', at('received'), 'DEPARTED', /received cannot take DEPARTED/],
    ['delivering a parcel still at the hub', at('received'), 'DELIVERED', /received cannot take DELIVERED/],
    ['anything after cancellation', at('cancelled'), 'HUB_RECEIVED', /cancelled: nothing can follow/],
    ['anything after return', at('returned'), 'DELIVERED', /returned: nothing can follow/],
    ['an export hold after departure', at('departed'), 'EXPORT_CUSTOMS_HOLD', /only before it departs/],
    ['an import hold at the hub', at('received'), 'IMPORT_CUSTOMS_HOLD', /only once it is on its way/],
    [
      'moving a parcel under export hold',
      at('received', { hold: 'export' }),
      'CONSOLIDATED',
      /held by export customs/,
    ],
    [
      'cancelling a parcel already loaded',
      at('loaded', { containerId: 'C' }),
      'CANCELLED',
      /only before consolidation/,
    ],
    ['returning a parcel in transit', at('departed'), 'RETURNED', /departed cannot be returned/],
    ['export release of a parcel in transit', at('departed'), 'EXPORT_CUSTOMS_RELEASED', /before departure/],
    ['an import release at the hub', at('received'), 'IMPORT_CUSTOMS_RELEASED', /after departure/],
    [
      'an export release under import hold',
      at('arrived', { hold: 'import' }),
      'EXPORT_CUSTOMS_RELEASED',
      /import customs/,
    ],
  ];
  for (const [name, state, code, why] of refusals)
    it(`refuses ${name}`, () => {
      const t = applyParcelEvent(state, { code, containerId: 'C9' });
      expect(t.ok).toBe(false);
      if (!t.ok) expect(t.why).toMatch(why);
    });

  it('refuses consolidation into a closed container and one that names none', () => {
    const t = applyParcelEvent(at('received'), { code: 'CONSOLIDATED', containerId: 'C1' }, () => false);
    expect(t).toEqual({ ok: false, why: 'container C1 is closed: it takes no more parcels' });
    expect(applyParcelEvent(at('received'), { code: 'CONSOLIDATED' }).ok).toBe(false);
  });

  it('holds a parcel from its container: out of it, back at the hub, held', () => {
    const t = applyParcelEvent(at('loaded', { containerId: 'C1' }), { code: 'EXPORT_CUSTOMS_HOLD' });
    expect(t).toEqual({
      ok: true,
      state: { stage: 'received', hold: 'export', containerId: null },
      leftContainer: 'C1',
    });
    if (t.ok) {
      expect(statusOf(t.state)).toBe('held');
      const released = run(['EXPORT_CUSTOMS_RELEASED', ['CONSOLIDATED', 'C2']], t.state);
      expect(released).toEqual({ stage: 'loaded', hold: null, containerId: 'C2' });
    }
  });

  it('keeps a partner’s later milestone abroad as an exception, not a refusal', () => {
    const t = applyParcelEvent(at('departed', { containerId: 'C1' }), { code: 'DELIVERED' });
    expect(t.ok).toBe(true);
    if (t.ok) {
      expect(t.state).toEqual({ stage: 'delivered', hold: null, containerId: null });
      expect(t.exception).toMatch(/skipping milestones/);
    }
    const held = applyParcelEvent(at('arrived', { hold: 'import' }), { code: 'HANDED_TO_LAST_MILE' });
    expect(held.ok && held.exception).toMatch(/import release not reported/);
  });

  it('shows the hold over the stage', () => {
    expect(statusOf(at('received', { hold: 'export' }))).toBe('held');
    expect(statusOf(at('arrived', { hold: 'import' }))).toBe('import_held');
    expect(statusOf(at('departed'))).toBe('departed');
  });

  it('makes parcels follow their container: departure, arrival, holds, stripping', () => {
    const inside = at('loaded', { containerId: 'C1' });
    expect(followContainerEvent(inside, 'DEPARTED').stage).toBe('departed');
    expect(followContainerEvent(at('departed', { containerId: 'C1' }), 'ARRIVED').stage).toBe('arrived');
    expect(followContainerEvent(inside, 'EXPORT_CUSTOMS_HOLD').hold).toBe('export');
    expect(
      followContainerEvent(at('arrived', { containerId: 'C1' }), 'DECONSOLIDATED').containerId,
    ).toBeNull();
    expect(followContainerEvent(inside, 'GATED_IN')).toEqual(inside);
  });
});

describe('container state machine', () => {
  const refusals: [ContainerStage, 'export' | 'import' | null, EventCode, RegExp][] = [
    ['open', null, 'DEPARTED', /open cannot take DEPARTED/],
    ['stripped', null, 'DEPARTED', /stripped cannot take DEPARTED/],
    ['loaded', 'export', 'DEPARTED', /held by export customs/],
    ['departed', null, 'EXPORT_CUSTOMS_HOLD', /only before departure/],
    ['open', null, 'IMPORT_CUSTOMS_HOLD', /only on its way/],
    ['open', null, 'HUB_RECEIVED', /not an event of a container/],
    ['departed', null, 'GATED_IN', /departed cannot take GATED_IN/],
  ];
  for (const [stage, hold, code, why] of refusals)
    it(`refuses ${code} of a ${hold ? `${hold}-held ` : ''}${stage} container`, () => {
      const t = applyContainerEvent({ stage, hold }, code);
      expect(t.ok).toBe(false);
      if (!t.ok) expect(t.why).toMatch(why);
    });

  it('runs open → closed → loaded → departed → arrived → stripped', () => {
    let s = OPEN_CONTAINER;
    for (const code of [
      'GATED_IN',
      'LOADED',
      'DEPARTED',
      'BORDER_CROSSED',
      'DISCHARGED',
      'ARRIVED',
      'DECONSOLIDATED',
    ] as const) {
      const t = applyContainerEvent(s, code);
      expect(t.ok).toBe(true);
      if (t.ok) s = t.state;
    }
    expect(s).toEqual({ stage: 'stripped', hold: null });
  });
});

describe('replay', () => {
  const ev = (
    order: number,
    code: EventCode,
    timeH: number,
    over: Partial<HistoryEvent> = {},
  ): HistoryEvent => ({
    eventId: `e${order}`,
    code,
    classifier: 'ACT',
    subjectKind: 'parcel',
    subjectId: 'P',
    eventTimeMs: timeH * 3_600_000,
    order,
    ...over,
  });
  const c = (order: number, code: EventCode, timeH: number) =>
    ev(order, code, timeH, { subjectKind: 'container', subjectId: 'C1' });

  it('follows a container only while the parcel is inside it', () => {
    const r = replayParcel('P', [
      ev(1, 'HUB_RECEIVED', 1),
      c(2, 'GATED_IN', 0.5), // before the parcel joined: closed, then emptied and open again
      c(3, 'DECONSOLIDATED', 0.6),
      ev(4, 'CONSOLIDATED', 2, { containerId: 'C1' }),
      c(5, 'GATED_IN', 3),
      c(6, 'DEPARTED', 4),
      c(7, 'ARRIVED', 100),
      c(8, 'DECONSOLIDATED', 101),
      ev(9, 'HANDED_TO_LAST_MILE', 102),
    ]);
    expect(r.refused).toBeUndefined();
    expect(r.state).toEqual({ stage: 'handed_over', hold: null, containerId: null });
    expect(r.steps.filter((s) => s.inherited).map((s) => s.event.code)).toEqual([
      'GATED_IN',
      'DEPARTED',
      'ARRIVED',
      'DECONSOLIDATED',
    ]);
  });

  it('ignores retracted, planned and estimated events, and names the first event that cannot happen', () => {
    const r = replayParcel('P', [
      ev(1, 'HUB_RECEIVED', 1),
      ev(2, 'DELIVERED', 2, { retracted: true }),
      ev(3, 'DELIVERED', 3, { classifier: 'EST' }),
      ev(4, 'DEPARTED', 4),
    ]);
    expect(r.state.stage).toBe('received');
    expect(r.refused?.event.eventId).toBe('e4');
  });

  it('gives the same state as applying the events one by one, in time order (property)', () => {
    const code = fc.constantFrom(...EVENT_CODES);
    fc.assert(
      fc.property(fc.array(fc.tuple(code, fc.integer({ min: 0, max: 50 })), { maxLength: 30 }), (list) => {
        const events = list.map(([k, t], i) =>
          ev(i, k, t, k === 'CONSOLIDATED' ? { containerId: 'C1' } : {}),
        );
        const sorted = [...events].sort((a, b) => a.eventTimeMs - b.eventTimeMs || a.order - b.order);
        let s = ANNOUNCED;
        let refusedAt: string | undefined;
        for (const e of sorted) {
          const t = applyParcelEvent(s, { code: e.code, containerId: e.containerId ?? null });
          if (!t.ok) {
            refusedAt = e.eventId;
            break;
          }
          s = t.state;
        }
        const r = replayParcel('P', events);
        expect(r.refused?.event.eventId).toBe(refusedAt);
        expect(r.state).toEqual(s);
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});

/**
 * A reviewed table of this folder (`name`), as text; `LANDBRIDGE_WRITE_TABLES=1` writes `lines` to it
 * first, when a rule changes on purpose. Compared as a plain value, not a snapshot: a runner that
 * updates snapshots (Stryker's) still sees a changed table.
 */
function table(name: string, lines: readonly string[]): string {
  const file = new URL(`./${name}`, import.meta.url);
  if (process.env.LANDBRIDGE_WRITE_TABLES === '1') writeFileSync(file, `${lines.join('\n')}\n`);
  return readFileSync(file, 'utf8');
}

/**
 * The whole transition table, every stage × hold × in a container or not × event code, written out
 * as text and compared with `state-transitions.txt` (reviewed by hand; `LANDBRIDGE_WRITE_TABLES=1`
 * rewrites it when a rule changes on purpose). Any rule broken — a move, a hold, a jump abroad, who leaves a container —
 * changes a line, so no rule of the machine can change unseen.
 */
describe('parcel state machine, the whole table', () => {
  const HOLDS_AND_NONE = [null, 'export', 'import'] as const;
  const show = (s: JourneyState) => `${s.stage} ${s.hold ?? '-'} ${s.containerId ?? '-'}`;

  it('answers every event in every state as state-transitions.txt says', () => {
    const lines: string[] = [];
    for (const stage of PARCEL_STAGES)
      for (const hold of HOLDS_AND_NONE)
        for (const box of [null, 'c1'] as const) {
          const state: JourneyState = { stage, hold, containerId: box };
          for (const code of EVENT_CODES) {
            const t = applyParcelEvent(state, { code, containerId: 'c2' }, (id) => id !== 'closed');
            const outcome = !t.ok
              ? 'refused'
              : `${show(t.state)}${t.leftContainer ? ` left ${t.leftContainer}` : ''}${t.exception ? ' (jump)' : ''}`;
            lines.push(`${show(state)} ${code} → ${outcome}`);
          }
        }
    expect(`${lines.join('\n')}\n`).toBe(table('state-transitions.txt', lines));
  });

  it('makes parcels follow every container event in every state as container-follow.txt says', () => {
    const lines: string[] = [];
    for (const stage of PARCEL_STAGES)
      for (const hold of HOLDS_AND_NONE)
        for (const code of EVENT_CODES) {
          const state: JourneyState = { stage, hold, containerId: 'c1' };
          lines.push(`${show(state)} ${code} → ${show(followContainerEvent(state, code))}`);
        }
    expect(`${lines.join('\n')}\n`).toBe(table('container-follow.txt', lines));
  });

  it('moves parcels in the store by the same table as followContainerEvent', () => {
    for (const code of EVENT_CODES) {
      const moves = containerFollowMoves(code);
      for (const stage of PARCEL_STAGES) {
        const followed = followContainerEvent({ stage, hold: null, containerId: 'c1' }, code).stage;
        if (code === 'DEPARTED' || code === 'ARRIVED')
          expect(moves[stage] ?? stage, `${code} at ${stage}`).toBe(followed);
        else expect(moves[stage], `${code} at ${stage}`).toBeUndefined();
      }
    }
  });

  it('orders the stages along the journey, the two ends of delivery level', () => {
    const ranked = PARCEL_STAGES.filter((s) => s !== 'delivery_failed' && s !== 'cancelled');
    for (let i = 1; i < ranked.length; i++) expect(compareStages(ranked[i - 1]!, ranked[i]!)).toBeLessThan(0);
    expect(compareStages('delivery_failed', 'out_for_delivery')).toBe(0);
    expect(compareStages('cancelled', 'returned')).toBe(0);
    expect(compareStages('delivered', 'delivery_failed')).toBeGreaterThan(0);
    expect(compareStages('announced', 'announced')).toBe(0);
  });

  it('reads a stored status back as the state it stands for, and shows it again as that status', () => {
    expect(stateOfStatus('held')).toEqual({ stage: 'received', hold: 'export', containerId: null });
    expect(stateOfStatus('import_held')).toEqual({ stage: 'arrived', hold: 'import', containerId: null });
    for (const stage of PARCEL_STAGES) {
      expect(stateOfStatus(stage)).toEqual({ stage, hold: null, containerId: null });
      expect(statusOf(stateOfStatus(stage))).toBe(stage);
    }
    expect(statusOf(stateOfStatus('held'))).toBe('held');
    expect(statusOf(stateOfStatus('import_held'))).toBe('import_held');
    expect(TERMINAL_STAGES).toEqual(new Set(['returned', 'cancelled']));
  });
});
