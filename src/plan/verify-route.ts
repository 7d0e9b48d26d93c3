import { DAY_MS } from '../domain/days.ts';
import type { Currency, Equipment, LastMileZone, Network, NetworkNode, Service } from '../domain/index.ts';
import { type Departure, localDate } from '../network/index.ts';
import {
  hubHandlingMinor,
  type Load,
  lastMileMinor,
  lastMileRefusal,
  lineHaulMinor,
  shareChargeMinor,
  zoneFor,
} from '../quote/index.ts';
import type { PlannedParcel } from './document.ts';
import type { PlanParcelInput } from './parcels.ts';
import type { PlanViolation } from './verify.ts';

/** What the check needs of the network, looked up once. */
export interface VerifyLookups {
  readonly network: Network;
  readonly runs: ReadonlyMap<string, Departure>;
  readonly services: ReadonlyMap<string, Service>;
  readonly nodes: ReadonlyMap<string, NetworkNode>;
  readonly equipment: ReadonlyMap<string, Equipment>;
  /** An amount in `from` in the plan's currency, converted exactly (not rounded further). */
  readonly convert: (amount: number, from: Currency) => number;
  readonly latePenaltyMinorPerDay: number;
  readonly carbonPriceMinorPerTonne: number;
}

/** One planned parcel as the check recomputes it from the network, the tariffs and the parcel alone. */
export interface RecomputedParcel {
  readonly load: Load;
  /** Handling, road transfers, loose line-haul, last mile and carbon, plan currency minor units. */
  readonly ownMinor: number;
  readonly lateDays: number;
  /** Containers the parcel rides in, with the departure the plan puts each on. */
  readonly containers: readonly { readonly id: string; readonly departureId: string }[];
  /** Loose rides: departure ids. */
  readonly loose: readonly string[];
  /** Whether any ride flies (the express channel for import charges). */
  readonly flies: boolean;
  readonly deliveryDate: string;
}

/** The load figures a parcel's tariffs and restrictions read. */
export function loadOfParcel(p: PlanParcelInput): Load {
  const d = p.dimensions;
  const sides = [d.lengthMm, d.widthMm, d.heightMm].sort((a, b) => b - a) as [number, number, number];
  return {
    kind: 'parcel',
    weightG: p.grossWeightG,
    volumeMm3: d.lengthMm * d.widthMm * d.heightMm,
    pieces: 1,
    heaviestPieceG: p.grossWeightG,
    longestSideMm: sides[0],
    shortestSideMm: sides[2],
    girthMm: sides[0] + 2 * (sides[1] + sides[2]),
    containers: [],
    dangerousGoods: p.dangerousGoods,
    hsCodes: p.items.map((i) => i.hsCode),
  };
}

/** The last-mile zone of a parcel's destination, if any serves it. */
export function zoneOfParcel(network: Network, p: PlanParcelInput): LastMileZone | undefined {
  return zoneFor(
    network.lastMile.filter((z) => z.country === p.consignee.country),
    p.consignee.postcode,
  );
}

/**
 * Walks one planned parcel's rides over the dated departures: each runs, is reached by road from
 * where the last ride ended, before its cut-off; its service admits the goods and the piece; it calls
 * where the parcel alights; container services carry it in a container; it ends at a gateway of its
 * zone, which takes it. Returns its own charges, lateness and delivery date, as recomputed.
 */
export function walkParcel(
  lk: VerifyLookups,
  p: PlanParcelInput,
  planned: PlannedParcel,
  v: PlanViolation[],
): RecomputedParcel | undefined {
  const { network, runs, services, nodes, equipment, convert } = lk;
  const load = loadOfParcel(p);
  const zone = zoneOfParcel(network, p);
  if (!zone) {
    v.push({ rule: 'last-mile', parcelId: p.id, why: `no last-mile zone for ${p.consignee.country}` });
    return undefined;
  }
  const refusal = lastMileRefusal(zone, load);
  if (refusal) v.push({ rule: 'last-mile', parcelId: p.id, why: refusal });
  let node = network.hub;
  let t = p.readyAtMs;
  let co2eGPerT = 0;
  let own = network.hubHandling
    ? convert(hubHandlingMinor(network.hubHandling, load), network.hubHandling.currency)
    : 0;
  let flies = false;
  const containers: { id: string; departureId: string }[] = [];
  const loose: string[] = [];
  if (planned.rides.length === 0) v.push({ rule: 'calls-at', parcelId: p.id, why: 'planned with no ride' });
  planned.rides.forEach((ride, i) => {
    const run = runs.get(ride.departureId);
    if (!run) {
      v.push({
        rule: 'departure-runs',
        parcelId: p.id,
        departureId: ride.departureId,
        why: 'the departure does not run (unknown, cancelled or out of the horizon)',
      });
      return;
    }
    if (run.origin !== node) {
      const tr = network.transfers.find((x) => x.from === node && x.to === run.origin);
      if (!tr) {
        v.push({
          rule: 'road-link',
          parcelId: p.id,
          departureId: run.id,
          why: `no road link from ${node} to ${run.origin}`,
        });
      } else {
        t += tr.minutes * 60_000;
        co2eGPerT += tr.distanceKm * tr.co2eGPerTkm;
        if (tr.tariff) own += convert(shareChargeMinor(tr.tariff, load, false) ?? 0, tr.tariff.currency);
      }
    }
    if (t > run.cutoffAtMs) {
      v.push({
        rule: 'cutoff',
        parcelId: p.id,
        departureId: run.id,
        why: `reaches ${run.origin} at ${new Date(t).toISOString()}, after the cut-off ${new Date(run.cutoffAtMs).toISOString()}`,
      });
    }
    const service = services.get(run.serviceId)!;
    if (service.mode === 'air') flies = true;
    for (const un of p.dangerousGoods) {
      if (service.restrictions.forbiddenUnNumbers.includes(un))
        v.push({
          rule: 'dangerous-goods',
          parcelId: p.id,
          departureId: run.id,
          why: `${service.id} refuses ${un}`,
        });
    }
    for (const hs of load.hsCodes) {
      if (service.restrictions.forbiddenHsPrefixes.some((x) => hs.startsWith(x)))
        v.push({
          rule: 'hs-code',
          parcelId: p.id,
          departureId: run.id,
          why: `${service.id} refuses HS ${hs}`,
        });
    }
    const r = service.restrictions;
    if (
      (r.maxPieceWeightG !== undefined && load.weightG > r.maxPieceWeightG) ||
      (r.maxPieceLengthMm !== undefined && load.longestSideMm > r.maxPieceLengthMm) ||
      (r.maxPieceHeightMm !== undefined && load.shortestSideMm > r.maxPieceHeightMm)
    ) {
      v.push({
        rule: 'piece-limits',
        parcelId: p.id,
        departureId: run.id,
        why: `${service.id}: over its piece limits`,
      });
    }
    const legIndex = run.legs.findIndex((l) => l.to === ride.to);
    if (legIndex < 0) {
      v.push({
        rule: 'calls-at',
        parcelId: p.id,
        departureId: run.id,
        why: `the departure does not call at ${ride.to}`,
      });
      return;
    }
    t = run.legs[legIndex]!.arriveAtMs;
    for (let j = 0; j <= legIndex; j++) co2eGPerT += run.legs[j]!.distanceKm * run.legs[j]!.co2eGPerTkm;
    node = ride.to;
    if (i + 1 < planned.rides.length) t += (nodes.get(node)?.minTransferMinutes ?? 0) * 60_000;
    const containerised = service.capacity.containers.some(
      (c) => service.tariff.perContainerMinor?.[c.type] !== undefined,
    );
    if (containerised) {
      if (!ride.containerId)
        v.push({
          rule: 'container-missing',
          parcelId: p.id,
          departureId: run.id,
          why: 'rides a container service without a container',
        });
      else containers.push({ id: ride.containerId, departureId: run.id });
    } else {
      if (ride.containerId)
        v.push({
          rule: 'container-missing',
          parcelId: p.id,
          departureId: run.id,
          why: `${service.id} carries no containers, but the plan puts the parcel in ${ride.containerId}`,
        });
      loose.push(run.id);
      own += convert(lineHaulMinor(service, load, equipment as never, 1) ?? 0, service.tariff.currency);
    }
  });
  if (node !== planned.gateway) {
    // The last stretch may be by road (e.g. Frankfurt to the Basel gateway).
    const tr = network.transfers.find((x) => x.from === node && x.to === planned.gateway);
    if (tr) {
      t += (nodes.get(node)?.minTransferMinutes ?? 0) * 60_000 + tr.minutes * 60_000;
      co2eGPerT += tr.distanceKm * tr.co2eGPerTkm;
      if (tr.tariff) own += convert(shareChargeMinor(tr.tariff, load, false) ?? 0, tr.tariff.currency);
      node = planned.gateway;
    } else
      v.push({
        rule: 'gateway',
        parcelId: p.id,
        why: `ends at ${node}, not at the gateway ${planned.gateway}`,
      });
  }
  if (!zone.gateways.includes(node))
    v.push({ rule: 'gateway', parcelId: p.id, why: `${node} is not a gateway of zone ${zone.id}` });
  own += convert(lastMileMinor(zone, load), zone.rate.currency);
  const deliveryMs =
    t + zone.clearanceHours * 3_600_000 + (zone.transitDays + (zone.gatewayDays[node] ?? 0)) * DAY_MS;
  const delivery = localDate(deliveryMs, nodes.get(node)?.zone ?? 'UTC');
  if (delivery !== planned.deliveryDate)
    v.push({
      rule: 'delivery-date',
      parcelId: p.id,
      why: `delivers on ${delivery}, not ${planned.deliveryDate}`,
    });
  if (planned.promisedDate !== p.promisedDeliveryDate)
    v.push({
      rule: 'delivery-date',
      parcelId: p.id,
      why: `was promised for ${p.promisedDeliveryDate}, not ${planned.promisedDate}`,
    });
  const lateDays = Math.max(
    0,
    Math.round((Date.parse(delivery) - Date.parse(p.promisedDeliveryDate)) / DAY_MS),
  );
  if (lateDays !== planned.lateDays)
    v.push({ rule: 'late-days', parcelId: p.id, why: `is ${lateDays} days late, not ${planned.lateDays}` });
  const carbon = (load.weightG / 1e6) * (co2eGPerT / 1e6) * lk.carbonPriceMinorPerTonne;
  return {
    load,
    ownMinor: own + Math.round(carbon),
    lateDays,
    containers,
    loose,
    flies,
    deliveryDate: delivery,
  };
}
