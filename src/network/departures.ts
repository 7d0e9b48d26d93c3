import type { Corridor, Disruption, Mode, Network, NetworkNode, Service } from '../domain/index.ts';
import { addDays, isoWeekday, localDate, MINUTE_MS, zonedToUtcMs } from './time.ts';

const WEEKDAY_INDEX = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 } as const;

/** One leg of a dated departure, with its instants in UTC epoch milliseconds. */
export interface DepartureLeg {
  readonly from: string;
  readonly to: string;
  readonly departAtMs: number;
  readonly arriveAtMs: number;
  readonly distanceKm: number;
  readonly co2eGPerTkm: number;
}

/** A dated run of a service: one train, barge, sailing or flight. */
export interface Departure {
  /** `service-id@YYYY-MM-DDTHH:MM`, the local scheduled time at the origin: stable across runs. */
  readonly id: string;
  readonly serviceId: string;
  readonly corridor: Corridor;
  readonly mode: Mode;
  readonly origin: string;
  readonly destination: string;
  /** Scheduled (or delayed) departure from the origin. */
  readonly departAtMs: number;
  /** Latest instant cargo may reach the origin to ride this departure. */
  readonly cutoffAtMs: number;
  readonly arriveAtMs: number;
  readonly legs: readonly DepartureLeg[];
  /** Minutes of delay from disruptions in force (0 when on time). */
  readonly delayMinutes: number;
  /** Id of the disruption that cancels this departure, when one does. */
  readonly cancelledBy?: string;
}

export interface ExpandOptions {
  /** Disruptions to apply; the network's own when omitted. */
  readonly disruptions?: readonly Disruption[];
  /** Keep cancelled departures in the answer (marked with `cancelledBy`). Default false. */
  readonly includeCancelled?: boolean;
}

function serviceZone(service: Service, nodes: ReadonlyMap<string, NetworkNode>): string {
  if (service.schedule.zone) return service.schedule.zone;
  const origin = nodes.get(service.legs[0]!.from);
  if (!origin) throw new Error(`service ${service.id}: unknown origin node ${service.legs[0]!.from}`);
  return origin.zone;
}

function buildLegs(service: Service, departAtMs: number): DepartureLeg[] {
  const legs: DepartureLeg[] = [];
  let t = departAtMs;
  for (const leg of service.legs) {
    const arrive = t + leg.transitMinutes * MINUTE_MS;
    legs.push({
      from: leg.from,
      to: leg.to,
      departAtMs: t,
      arriveAtMs: arrive,
      distanceKm: leg.distanceKm,
      co2eGPerTkm: leg.co2eGPerTkm,
    });
    t = arrive + leg.dwellMinutes * MINUTE_MS;
  }
  return legs;
}

function overlaps(atMs: number, d: Disruption): boolean {
  return atMs >= Date.parse(d.from) && atMs < Date.parse(d.to);
}

/** Shifts legs from index `fromLeg` on by `minutes`. */
function shiftLegs(legs: DepartureLeg[], fromLeg: number, minutes: number): DepartureLeg[] {
  const dt = minutes * MINUTE_MS;
  return legs.map((l, i) =>
    i < fromLeg ? l : { ...l, departAtMs: l.departAtMs + dt, arriveAtMs: l.arriveAtMs + dt },
  );
}

/**
 * Applies disruptions to one departure. A closed service cancels the runs that leave in its window; a
 * closed node cancels the runs that would be at that node (arriving or leaving) in its window. A delay
 * shifts the run (service) or the legs from the node on (node, e.g. a slow border crossing).
 */
function disrupt(
  legs: DepartureLeg[],
  serviceId: string,
  disruptions: readonly Disruption[],
): { legs: DepartureLeg[]; delayMinutes: number; cancelledBy?: string } {
  let delayMinutes = 0;
  for (const d of disruptions) {
    if (d.serviceId !== undefined) {
      if (d.serviceId !== serviceId || !overlaps(legs[0]!.departAtMs, d)) continue;
      if (d.effect === 'closed') return { legs, delayMinutes, cancelledBy: d.id };
      legs = shiftLegs(legs, 0, d.delayMinutes!);
      delayMinutes += d.delayMinutes!;
      continue;
    }
    // A node disruption: find the first moment the run is at the node.
    for (let i = 0; i < legs.length; i++) {
      const leg = legs[i]!;
      const atStart = leg.from === d.nodeId && overlaps(leg.departAtMs, d);
      const atEnd = leg.to === d.nodeId && overlaps(leg.arriveAtMs, d);
      if (!atStart && !atEnd) continue;
      if (d.effect === 'closed') return { legs, delayMinutes, cancelledBy: d.id };
      legs = shiftLegs(legs, atStart ? i : i + 1, d.delayMinutes!);
      delayMinutes += d.delayMinutes!;
      break;
    }
  }
  return { legs, delayMinutes };
}

/**
 * Expands the weekly schedules of a network into dated departures leaving in [fromMs, toMs), in
 * departure order (ties by id), with disruptions applied. Schedules are read in the origin's time
 * zone, so a 10:00 departure from Warsaw stays at 10:00 local across a DST change.
 */
export function expandDepartures(
  network: Network,
  fromMs: number,
  toMs: number,
  options: ExpandOptions = {},
): Departure[] {
  const nodes = new Map(network.nodes.map((n) => [n.id, n]));
  const disruptions = options.disruptions ?? network.disruptions;
  const out: Departure[] = [];
  for (const service of network.services) {
    const zone = serviceZone(service, nodes);
    const days = new Set(service.schedule.days.map((d) => WEEKDAY_INDEX[d]));
    // Local dates that can hold a departure in the window: one day of margin each side for offsets.
    const firstDate = addDays(localDate(fromMs, zone), -1);
    const lastDate = addDays(localDate(toMs, zone), 1);
    for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
      if (!days.has(isoWeekday(date) as 0 | 1 | 2 | 3 | 4 | 5 | 6)) continue;
      if (service.schedule.validFrom && date < service.schedule.validFrom) continue;
      if (service.schedule.validTo && date > service.schedule.validTo) continue;
      for (const time of service.schedule.times) {
        const scheduledMs = zonedToUtcMs(date, time, zone);
        if (scheduledMs < fromMs || scheduledMs >= toMs) continue;
        const planned = buildLegs(service, scheduledMs);
        const { legs, delayMinutes, cancelledBy } = disrupt(planned, service.id, disruptions);
        if (cancelledBy !== undefined && !options.includeCancelled) continue;
        const first = legs[0]!;
        const last = legs[legs.length - 1]!;
        out.push({
          id: `${service.id}@${date}T${time}`,
          serviceId: service.id,
          corridor: service.corridor,
          mode: service.mode,
          origin: first.from,
          destination: last.to,
          departAtMs: first.departAtMs,
          cutoffAtMs: scheduledMs - service.cutoffMinutes * MINUTE_MS,
          arriveAtMs: last.arriveAtMs,
          legs,
          delayMinutes,
          ...(cancelledBy !== undefined ? { cancelledBy } : {}),
        });
      }
    }
  }
  out.sort((a, b) => a.departAtMs - b.departAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
