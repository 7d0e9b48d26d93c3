import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DAY_MS } from '../domain/days.ts';
import {
  CORRIDORS,
  isBoundedInstant,
  isCalendarDate,
  LandbridgeError,
  MAX_YEAR,
  MIN_YEAR,
  MODES,
} from '../domain/index.ts';
import { type Departure, expandDepartures, toLocalIso } from '../network/index.ts';
import type { Hub } from './hub.ts';

const MAX_HORIZON_DAYS = 400;

const InstantOrDate = z
  .string()
  .describe('An ISO 8601 instant with offset, or a date YYYY-MM-DD (midnight in the hub zone)');

const DepartureView = z.object({
  id: z.string(),
  serviceId: z.string(),
  corridor: z.enum(CORRIDORS),
  mode: z.enum(MODES),
  origin: z.string(),
  destination: z.string(),
  departAt: z.string().describe('Local time at the origin, with offset'),
  cutoffAt: z.string().describe('Local time at the origin, with offset'),
  arriveAt: z.string().describe('Local time at the destination, with offset'),
  transitHours: z.number(),
  delayMinutes: z.number().int(),
  legs: z.array(z.object({ from: z.string(), to: z.string(), departAt: z.string(), arriveAt: z.string() })),
});

/** The network in force, as data/network/*.yaml holds it (the fields every client reads typed; the rest as stored). */
const NetworkAnswerView = z.object({
  summary: z.object({
    corridors: z.array(z.string()),
    nodes: z.number().int(),
    services: z.number().int(),
    lastMileCountries: z.array(z.string()),
  }),
  network: z
    .looseObject({
      id: z.string(),
      version: z.string(),
      hub: z.string().describe('Node id of the hub'),
      nodes: z.array(
        z.looseObject({
          id: z.string(),
          name: z.string(),
          country: z.string(),
          zone: z.string().describe('IANA time zone'),
        }),
      ),
      services: z.array(z.looseObject({ id: z.string(), corridor: z.enum(CORRIDORS), mode: z.enum(MODES) })),
    })
    .describe(
      'The network document (NetworkSchema): nodes, services, equipment, lastMile, disruptions, sources',
    ),
});

/** Network routes: the network in force and its dated departures. */
export function networkRoutes(hub: Hub): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/network',
      {
        schema: {
          tags: ['network'],
          summary: 'The network in force: nodes, services, equipment, last-mile zones, disruptions, sources',
          security: [{ apiKey: [] }],
          response: { 200: NetworkAnswerView },
        },
      },
      async () => {
        const n = hub.network;
        return {
          summary: {
            corridors: [...new Set(n.services.map((s) => s.corridor))],
            nodes: n.nodes.length,
            services: n.services.length,
            lastMileCountries: [...new Set(n.lastMile.map((z) => z.country))].sort(),
          },
          network: n,
        };
      },
    );

    app.get(
      '/v1/departures',
      {
        schema: {
          tags: ['network'],
          summary: 'Dated departures leaving in [from, to), disruptions applied',
          security: [{ apiKey: [] }],
          querystring: z.object({
            from: InstantOrDate.max(40),
            to: InstantOrDate.max(40),
            serviceId: z.string().optional(),
            origin: z.string().optional(),
            corridor: z.enum(CORRIDORS).optional(),
            includeCancelled: z.enum(['true', 'false']).optional(),
          }),
          response: {
            200: z.object({
              departures: z.array(DepartureView.extend({ cancelledBy: z.string().optional() })),
            }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const hubZone = hub.network.nodes.find((node) => node.id === hub.network.hub)?.zone ?? 'UTC';
        const fromMs = parseInstant(q.from, 'from', hubZone);
        const toMs = parseInstant(q.to, 'to', hubZone);
        if (toMs <= fromMs)
          throw new LandbridgeError('invalid-input', 'to must be after from', [
            { where: { field: 'to' }, why: 'must be after from' },
          ]);
        if (toMs - fromMs > MAX_HORIZON_DAYS * DAY_MS) {
          throw new LandbridgeError('invalid-input', `the horizon is limited to ${MAX_HORIZON_DAYS} days`, [
            { where: { field: 'to' }, why: `at most ${MAX_HORIZON_DAYS} days after from` },
          ]);
        }
        const zones = new Map(hub.network.nodes.map((node) => [node.id, node.zone]));
        const departures = expandDepartures(hub.network, fromMs, toMs, {
          includeCancelled: q.includeCancelled === 'true',
        })
          .filter((d) => (q.serviceId ? d.serviceId === q.serviceId : true))
          .filter((d) => (q.origin ? d.origin === q.origin : true))
          .filter((d) => (q.corridor ? d.corridor === q.corridor : true));
        return { departures: departures.map((d) => departureView(d, zones)) };
      },
    );
  };
}

function parseInstant(text: string, field: string, zone: string): number {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = date ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  if (Number.isNaN(ms) || (!date && !hasOffset)) {
    throw new LandbridgeError('invalid-input', `${field} is not a date or an instant with offset`, [
      {
        where: { field },
        why: 'must be YYYY-MM-DD or an ISO 8601 instant with offset, such as 2026-12-03T10:00:00+08:00',
      },
    ]);
  }
  if (date ? !isCalendarDate(text) : !isBoundedInstant(text)) {
    throw new LandbridgeError(
      'invalid-input',
      `${field} is not a real date between ${MIN_YEAR} and ${MAX_YEAR}`,
      [{ where: { field }, why: `${text} is not a real calendar date between ${MIN_YEAR} and ${MAX_YEAR}` }],
    );
  }
  if (!date) return ms;
  // Midnight in the hub's zone.
  const probe = new Date(ms);
  const local = toLocalIso(probe.getTime(), zone);
  const offset = local.slice(19);
  return Date.parse(`${text}T00:00:00${offset}`);
}

/** A departure with local times at each place, as the API shows it. */
export function departureView(d: Departure, zones: ReadonlyMap<string, string>) {
  const at = (ms: number, node: string) => toLocalIso(ms, zones.get(node) ?? 'UTC');
  return {
    id: d.id,
    serviceId: d.serviceId,
    corridor: d.corridor,
    mode: d.mode,
    origin: d.origin,
    destination: d.destination,
    departAt: at(d.departAtMs, d.origin),
    cutoffAt: at(d.cutoffAtMs, d.origin),
    arriveAt: at(d.arriveAtMs, d.destination),
    transitHours: Math.round((d.arriveAtMs - d.departAtMs) / 36_000) / 100,
    delayMinutes: d.delayMinutes,
    legs: d.legs.map((l) => ({
      from: l.from,
      to: l.to,
      departAt: at(l.departAtMs, l.from),
      arriveAt: at(l.arriveAtMs, l.to),
    })),
    ...(d.cancelledBy !== undefined ? { cancelledBy: d.cancelledBy } : {}),
  };
}
