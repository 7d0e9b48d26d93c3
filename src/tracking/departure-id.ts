import type { Network, Service } from '../domain/index.ts';
import { isoWeekday, zonedToUtcMs } from '../network/index.ts';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A dated departure named by its id: the service, and when it is timetabled to leave (UTC ms). */
export interface ScheduledDeparture {
  readonly departureId: string;
  readonly service: Service;
  readonly scheduledMs: number;
  /** The local date and time of the id (origin's zone). */
  readonly localDate: string;
  readonly localTime: string;
}

/**
 * Reads a departure id (`service-id@YYYY-MM-DDTHH:MM`, the origin's local time, as `expandDepartures`
 * names runs) against the network: the service exists and its timetable runs at that local day and
 * time. Returns the departure, or why the id names none.
 */
export function scheduledDeparture(
  network: Network,
  departureId: string,
): { readonly ok: true; readonly value: ScheduledDeparture } | { readonly ok: false; readonly why: string } {
  const m = /^([a-z0-9][a-z0-9-]*)@(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(departureId);
  if (!m) return { ok: false, why: 'must be a departure id such as cre-duisburg-ala@2026-12-01T10:00' };
  const [, serviceId, date, time] = m as unknown as [string, string, string, string];
  const service = network.services.find((s) => s.id === serviceId);
  if (!service) return { ok: false, why: `no service ${serviceId} in network ${network.id}` };
  const day = WEEKDAYS[isoWeekday(date)]!;
  if (!service.schedule.days.includes(day) || !service.schedule.times.includes(time))
    return { ok: false, why: `service ${serviceId} does not run on ${date} (${day}) at ${time}` };
  if (service.schedule.validFrom && date < service.schedule.validFrom)
    return { ok: false, why: `service ${serviceId} runs from ${service.schedule.validFrom}` };
  if (service.schedule.validTo && date > service.schedule.validTo)
    return { ok: false, why: `service ${serviceId} runs until ${service.schedule.validTo}` };
  const zone =
    service.schedule.zone ?? network.nodes.find((n) => n.id === service.legs[0]!.from)?.zone ?? 'UTC';
  return {
    ok: true,
    value: {
      departureId,
      service,
      scheduledMs: zonedToUtcMs(date, time, zone),
      localDate: date,
      localTime: time,
    },
  };
}
