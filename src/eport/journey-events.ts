import type { CustomsEventCode } from '../customs/index.ts';
import type { Network } from '../domain/index.ts';
import { recordEvents } from '../journey/index.ts';
import type { Store } from '../store/index.ts';
import type { CustomsEvent, CustomsEventSink } from './intake.ts';

/** The tracking reason code of a customs event (tracking's HOLD_REASONS). */
function reasonCode(e: CustomsEvent): string {
  if (e.code === 'EXPORT_CUSTOMS_RELEASED') return 'released';
  return e.kind;
}

function cstIso(atMs: number): string {
  return `${new Date(atMs + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/**
 * Customs events through the tracking intake (`recordEvents` of src/journey, actor `customs`): the
 * parcel's journey follows — an export hold takes it out of its container, a release lifts the hold.
 * One event at a time, so that one the state machine refuses (a parcel that already left) does not
 * stop the others; the refusals come back with the reason.
 */
export function journeyEvents(network: () => Network): CustomsEventSink {
  return {
    async forward(store: Store, hubId: string, events: readonly CustomsEvent[], nowMs: number) {
      const refused: { parcelId: string; code: CustomsEventCode; why: string }[] = [];
      for (const e of events) {
        try {
          await recordEvents(
            store,
            [
              {
                eventId: `customs-${e.code.toLowerCase()}-${e.parcelId}-${e.atMs}`,
                code: e.code,
                parcelId: e.parcelId,
                eventTime: cstIso(e.atMs),
                place: network().hub,
                reason: { code: reasonCode(e), text: e.reason.slice(0, 500) },
                sourceSystem: 'landbridge-customs',
              },
            ],
            {
              hubId,
              network: network(),
              actor: { role: 'system', name: 'customs' },
              nowMs: Math.max(nowMs, e.atMs),
            },
          );
        } catch (err) {
          const problems = (err as { problems?: { why: string }[] }).problems;
          refused.push({
            parcelId: e.parcelId,
            code: e.code,
            why: problems?.map((p) => p.why).join('; ') || (err as Error).message,
          });
        }
      }
      return refused;
    },
  };
}
