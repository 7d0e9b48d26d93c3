import { DAY_MS } from '../domain/days.ts';
import type { Network } from '../domain/index.ts';
import { expandDepartures } from '../network/index.ts';
import type { DepartureRow } from '../store/index.ts';
import { type EtaRide, type EtaRoute, scheduledDeparture } from '../tracking/index.ts';

/** A parcel's planned route as the journey keeps it: rides (departure, where it alights), gateway, zone. */
export interface PlannedRoute {
  readonly rides: readonly { readonly departureId: string; readonly to: string }[];
  readonly gateway: string;
  readonly zoneId: string | null;
}

/** The route as text: `dep>node|dep>node|=gateway|#zone` (departure ids hold none of `|>=#`). */
export function routeKey(r: PlannedRoute): string {
  return [...r.rides.map((x) => `${x.departureId}>${x.to}`), `=${r.gateway}`, `#${r.zoneId ?? ''}`].join('|');
}

/** The route a key stands for. */
export function parseRoute(key: string): PlannedRoute {
  const rides: { departureId: string; to: string }[] = [];
  let gateway = '';
  let zoneId: string | null = null;
  for (const part of key.split('|')) {
    if (part.startsWith('=')) gateway = part.slice(1);
    else if (part.startsWith('#')) zoneId = part.length > 1 ? part.slice(1) : null;
    else {
      const i = part.lastIndexOf('>');
      rides.push({ departureId: part.slice(0, i), to: part.slice(i + 1) });
    }
  }
  return { rides, gateway, zoneId };
}

/**
 * Turns planned routes into what the ETA needs, against the network and the departures as operated
 * (estimated departures, delays on the way). Caches per route and per service.
 */
export class EtaRoutes {
  readonly #routes = new Map<string, EtaRoute | null>();
  readonly #runs = new Map<string, number[]>();
  readonly #transfers: Map<string, number>;
  readonly #minTransfer: Map<string, number>;

  constructor(
    private readonly network: Network,
    private readonly operated: ReadonlyMap<string, DepartureRow>,
  ) {
    this.#transfers = new Map(network.transfers.map((t) => [`${t.from}>${t.to}`, t.minutes]));
    this.#minTransfer = new Map(network.nodes.map((n) => [n.id, n.minTransferMinutes]));
  }

  /** The ETA route of a route key, or null when a departure of it is not in the network. */
  get(key: string): EtaRoute | null {
    if (this.#routes.has(key)) return this.#routes.get(key)!;
    const planned = parseRoute(key);
    const rides: EtaRide[] = [];
    let boardNode = this.network.hub;
    let ok = true;
    for (const r of planned.rides) {
      const d = scheduledDeparture(this.network, r.departureId);
      if (!d.ok) {
        ok = false;
        break;
      }
      const legs = d.value.service.legs;
      let boardLeg = legs.findIndex((l) => l.from === boardNode);
      if (boardLeg < 0) boardLeg = 0;
      let alightLeg = legs.findIndex((l, i) => i >= boardLeg && l.to === r.to);
      if (alightLeg < 0) alightLeg = legs.length - 1;
      const op = this.operated.get(r.departureId);
      const delayLeg = op?.delay_node ? legs.findIndex((l) => l.to === op.delay_node) : -1;
      rides.push({
        departureId: r.departureId,
        serviceId: d.value.service.id,
        departAtMs: op?.actual_ms ?? op?.estimated_ms ?? d.value.scheduledMs,
        boardLeg,
        alightLeg,
        boardNode: legs[boardLeg]!.from,
        ...(delayLeg >= 0 && op?.delay_minutes
          ? { delayAfterLeg: { leg: delayLeg, minutes: op.delay_minutes } }
          : {}),
      });
      boardNode = r.to;
    }
    const last = planned.rides.at(-1)?.to ?? this.network.hub;
    const route: EtaRoute | null = ok
      ? {
          rides,
          gatewayId: planned.gateway,
          zoneId: planned.zoneId,
          toGatewayMinutes:
            last === planned.gateway ? 0 : (this.#transfers.get(`${last}>${planned.gateway}`) ?? 0),
          transferMinutes: (node) => this.#minTransfer.get(node) ?? 0,
          nextRunMs: (serviceId, atMs) => this.#nextRun(serviceId, atMs),
        }
      : null;
    this.#routes.set(key, route);
    return route;
  }

  #nextRun(serviceId: string, atMs: number): number | undefined {
    let runs = this.#runs.get(serviceId);
    const week = Math.floor(atMs / (7 * DAY_MS));
    const cacheKey = `${serviceId}@${week}`;
    runs = this.#runs.get(cacheKey);
    if (!runs) {
      const service = this.network.services.find((s) => s.id === serviceId);
      if (!service) return undefined;
      const from = week * 7 * DAY_MS;
      runs = expandDepartures({ ...this.network, services: [service] }, from, from + 21 * DAY_MS).map(
        (d) => d.departAtMs,
      );
      this.#runs.set(cacheKey, runs);
    }
    return runs.find((t) => t >= atMs);
  }
}
