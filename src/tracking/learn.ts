import type { Network } from '../domain/index.ts';
import type { EventCode } from './codes.ts';
import { scheduledDeparture } from './departure-id.ts';
import { durationKey } from './durations.ts';

/** The first time a departure's containers were seen doing something at a node. */
export interface RunObservation {
  readonly code: EventCode;
  readonly nodeId: string;
  readonly timeMs: number;
}

const ARRIVING: ReadonlySet<EventCode> = new Set(['ARRIVED', 'BORDER_CROSSED', 'DISCHARGED']);
const MINUTE_MS = 60_000;

/**
 * Observed durations of service legs from actual events of dated departures (facts §6.2 step 2):
 * for leg A→B of a run, its move is the first arrival at B (ARRIVED, BORDER_CROSSED or DISCHARGED)
 * less the departure from A, and its stop at B is the departure from B less that arrival. One
 * observation per run and leg however many containers the run carries. Minutes, by duration key.
 */
export function legSamples(
  network: Network,
  runs: ReadonlyMap<string, readonly RunObservation[]>,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (key: string, minutes: number) => {
    if (!(minutes > 0)) return;
    let list = out.get(key);
    if (!list) {
      list = [];
      out.set(key, list);
    }
    list.push(minutes);
  };
  for (const [departureId, seen] of runs) {
    const d = scheduledDeparture(network, departureId);
    if (!d.ok) continue;
    const departed = new Map<string, number>();
    const arrived = new Map<string, number>();
    for (const o of seen) {
      const into = o.code === 'DEPARTED' ? departed : ARRIVING.has(o.code) ? arrived : undefined;
      if (into === undefined) continue;
      const before = into.get(o.nodeId);
      if (before === undefined || o.timeMs < before) into.set(o.nodeId, o.timeMs);
    }
    const service = d.value.service;
    service.legs.forEach((leg, j) => {
      const left = departed.get(leg.from);
      const reached = arrived.get(leg.to);
      if (left !== undefined && reached !== undefined)
        add(durationKey({ kind: 'move', serviceId: service.id, leg: j }), (reached - left) / MINUTE_MS);
      const leftNext = departed.get(leg.to);
      if (reached !== undefined && leftNext !== undefined && j < service.legs.length - 1)
        add(durationKey({ kind: 'dwell', serviceId: service.id, leg: j }), (leftNext - reached) / MINUTE_MS);
    });
  }
  return out;
}
