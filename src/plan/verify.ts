import type { ContainerType, Currency, CurrencyConverter, Network, Service } from '../domain/index.ts';
import { type Departure, expandDepartures, localDate } from '../network/index.ts';
import {
  hubHandlingMinor,
  type Load,
  lastMileMinor,
  lastMileRefusal,
  lineHaulMinor,
  shareChargeMinor,
  zoneFor,
} from '../quote/index.ts';
import type { PlanDocument } from './document.ts';
import type { PlanParcelInput } from './parcels.ts';

const DAY_MS = 86_400_000;

export interface PlanViolation {
  readonly parcelId?: string;
  readonly departureId?: string;
  readonly containerId?: string;
  readonly why: string;
}

export interface PlanVerification {
  readonly ok: boolean;
  readonly violations: readonly PlanViolation[];
  /** The plan's cost as recomputed from the network, the tariffs and the parcels alone. */
  readonly costMinor: number;
  readonly claimedCostMinor: number;
}

/**
 * Checks a plan document against the network and the parcels without the planner's code: every
 * departure runs (disruptions applied), every chain of rides meets cut-offs and transfer times,
 * services admit the goods, the last-mile partner takes the parcel, containers hold their parcels
 * (payload and filled volume), departures their containers and loose cargo; then recomputes the cost
 * from the tariffs (per component, converted exactly) and the lateness from the recomputed delivery
 * days, and compares it with the plan's claim.
 */
export function verifyPlan(
  network: Network,
  parcels: ReadonlyMap<string, PlanParcelInput>,
  doc: PlanDocument,
  fx: CurrencyConverter,
): PlanVerification {
  const v: PlanViolation[] = [];
  const fromMs = Date.parse(doc.horizon.from);
  const date = doc.horizon.from.slice(0, 10);
  const currency = doc.settings.currency as Currency;
  const runs = new Map<string, Departure>(
    expandDepartures(network, fromMs, fromMs + (doc.horizon.days + 120) * DAY_MS).map((d) => [d.id, d]),
  );
  const services = new Map<string, Service>(network.services.map((s) => [s.id, s]));
  const nodes = new Map(network.nodes.map((n) => [n.id, n]));
  const equipment = new Map(network.equipment.map((e) => [e.type, e]));
  const convert = (amount: number, from: Currency): number => {
    const r = fx.convert(amount, from, currency, date);
    if (r === undefined) throw new Error(`no exchange rate ${from}→${currency} on ${date}`);
    return r;
  };
  let cost = 0;
  const containerLoad = new Map<
    string,
    { weightG: number; volumeMm3: number; parcels: number; departureId: string }
  >();
  const looseLoad = new Map<string, { weightG: number; volumeMm3: number }>();

  for (const planned of doc.parcels) {
    const p = parcels.get(planned.id);
    if (!p) {
      v.push({ parcelId: planned.id, why: 'no such parcel' });
      continue;
    }
    const d = p.dimensions;
    const sides = [d.lengthMm, d.widthMm, d.heightMm].sort((a, b) => b - a) as [number, number, number];
    const load: Load = {
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
    const zone = zoneFor(
      network.lastMile.filter((z) => z.country === p.consignee.country),
      p.consignee.postcode,
    );
    if (!zone) {
      v.push({ parcelId: p.id, why: `no last-mile zone for ${p.consignee.country}` });
      continue;
    }
    const refusal = lastMileRefusal(zone, load);
    if (refusal) v.push({ parcelId: p.id, why: refusal });
    let node = network.hub;
    let t = p.readyAtMs;
    let co2eGPerT = 0;
    let own = network.hubHandling
      ? convert(hubHandlingMinor(network.hubHandling, load), network.hubHandling.currency)
      : 0;
    planned.rides.forEach((ride, i) => {
      const run = runs.get(ride.departureId);
      if (!run) {
        v.push({
          parcelId: p.id,
          departureId: ride.departureId,
          why: 'the departure does not run (unknown, cancelled or out of the horizon)',
        });
        return;
      }
      if (run.origin !== node) {
        const tr = network.transfers.find((x) => x.from === node && x.to === run.origin);
        if (!tr) {
          v.push({ parcelId: p.id, departureId: run.id, why: `no road link from ${node} to ${run.origin}` });
        } else {
          t += tr.minutes * 60_000;
          co2eGPerT += tr.distanceKm * tr.co2eGPerTkm;
          if (tr.tariff) own += convert(shareChargeMinor(tr.tariff, load, false) ?? 0, tr.tariff.currency);
        }
      }
      if (t > run.cutoffAtMs) {
        v.push({
          parcelId: p.id,
          departureId: run.id,
          why: `reaches ${run.origin} at ${new Date(t).toISOString()}, after the cut-off ${new Date(run.cutoffAtMs).toISOString()}`,
        });
      }
      const service = services.get(run.serviceId)!;
      for (const un of p.dangerousGoods) {
        if (service.restrictions.forbiddenUnNumbers.includes(un))
          v.push({ parcelId: p.id, departureId: run.id, why: `${service.id} refuses ${un}` });
      }
      for (const hs of load.hsCodes) {
        if (service.restrictions.forbiddenHsPrefixes.some((x) => hs.startsWith(x)))
          v.push({ parcelId: p.id, departureId: run.id, why: `${service.id} refuses HS ${hs}` });
      }
      const r = service.restrictions;
      if (
        (r.maxPieceWeightG !== undefined && load.weightG > r.maxPieceWeightG) ||
        (r.maxPieceLengthMm !== undefined && load.longestSideMm > r.maxPieceLengthMm) ||
        (r.maxPieceHeightMm !== undefined && load.shortestSideMm > r.maxPieceHeightMm)
      ) {
        v.push({ parcelId: p.id, departureId: run.id, why: `${service.id}: over its piece limits` });
      }
      const legIndex = run.legs.findIndex((l) => l.to === ride.to);
      if (legIndex < 0) {
        v.push({ parcelId: p.id, departureId: run.id, why: `the departure does not call at ${ride.to}` });
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
            parcelId: p.id,
            departureId: run.id,
            why: 'rides a container service without a container',
          });
        else {
          const c = containerLoad.get(ride.containerId) ?? {
            weightG: 0,
            volumeMm3: 0,
            parcels: 0,
            departureId: run.id,
          };
          if (c.departureId !== run.id)
            v.push({
              parcelId: p.id,
              containerId: ride.containerId,
              why: `the container is on ${c.departureId}, not ${run.id}`,
            });
          c.weightG += load.weightG;
          c.volumeMm3 += load.volumeMm3;
          c.parcels++;
          containerLoad.set(ride.containerId, c);
        }
      } else {
        const l = looseLoad.get(run.id) ?? { weightG: 0, volumeMm3: 0 };
        l.weightG += load.weightG;
        l.volumeMm3 += load.volumeMm3;
        looseLoad.set(run.id, l);
        own += convert(lineHaulMinor(service, load, equipment, 1) ?? 0, service.tariff.currency);
      }
    });
    if (node !== planned.gateway) {
      // The last stretch may be by road (e.g. Frankfurt to the Basel gateway).
      const tr = network.transfers.find((x) => x.from === node && x.to === planned.gateway);
      if (tr) {
        // Handling at the node the last ride ends at, then the road.
        t += (nodes.get(node)?.minTransferMinutes ?? 0) * 60_000 + tr.minutes * 60_000;
        co2eGPerT += tr.distanceKm * tr.co2eGPerTkm;
        if (tr.tariff) own += convert(shareChargeMinor(tr.tariff, load, false) ?? 0, tr.tariff.currency);
        node = planned.gateway;
      } else v.push({ parcelId: p.id, why: `ends at ${node}, not at the gateway ${planned.gateway}` });
    }
    if (!zone.gateways.includes(node))
      v.push({ parcelId: p.id, why: `${node} is not a gateway of zone ${zone.id}` });
    own += convert(lastMileMinor(zone, load), zone.rate.currency);
    const deliveryMs =
      t + zone.clearanceHours * 3_600_000 + (zone.transitDays + (zone.gatewayDays[node] ?? 0)) * DAY_MS;
    const delivery = localDate(deliveryMs, nodes.get(node)?.zone ?? 'UTC');
    if (delivery !== planned.deliveryDate)
      v.push({ parcelId: p.id, why: `delivers on ${delivery}, not ${planned.deliveryDate}` });
    const lateDays = Math.max(
      0,
      Math.round((Date.parse(delivery) - Date.parse(p.promisedDeliveryDate)) / DAY_MS),
    );
    const carbon = (load.weightG / 1e6) * (co2eGPerT / 1e6) * doc.settings.carbonPriceMinorPerTonne;
    cost += own + Math.round(carbon) + lateDays * doc.settings.latePenaltyMinorPerDay;
  }

  // Containers: each within its box; each departure within its slots; loose cargo within capacity.
  const departureOf = new Map(doc.departures.map((d) => [d.id, d]));
  for (const d of doc.departures) {
    const run = runs.get(d.id);
    const service = services.get(d.serviceId);
    if (!run || !service) {
      v.push({ departureId: d.id, why: 'the departure does not run' });
      continue;
    }
    const perType = new Map<string, number>();
    for (const c of d.containers) {
      perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
      const e = equipment.get(c.type as ContainerType);
      const rate = service.tariff.perContainerMinor?.[c.type as ContainerType];
      if (!e || rate === undefined) {
        v.push({ departureId: d.id, containerId: c.id, why: `${service.id} has no ${c.type} containers` });
        continue;
      }
      cost += convert(rate, service.tariff.currency);
      const load = containerLoad.get(c.id);
      if (!load) continue;
      if (load.weightG > e.payloadG)
        v.push({
          departureId: d.id,
          containerId: c.id,
          why: `holds ${load.weightG} g, over the ${e.payloadG} g payload`,
        });
      const filled = e.innerLengthMm * e.innerWidthMm * e.innerHeightMm * doc.settings.containerFill;
      if (load.volumeMm3 > filled * (1 + 1e-9)) {
        v.push({
          departureId: d.id,
          containerId: c.id,
          why: `holds ${(load.volumeMm3 / 1e9).toFixed(3)} m³, over the ${(filled / 1e9).toFixed(3)} m³ it can be filled to`,
        });
      }
      if (load.parcels !== c.parcels)
        v.push({
          departureId: d.id,
          containerId: c.id,
          why: `lists ${c.parcels} parcels but ${load.parcels} ride in it`,
        });
    }
    for (const [type, count] of perType) {
      const slots = service.capacity.containers.find((x) => x.type === type)?.count ?? 0;
      if (count > slots)
        v.push({ departureId: d.id, why: `${count} ${type} containers, over the ${slots} slots` });
    }
  }
  for (const [id] of containerLoad) {
    const dep = [...departureOf.values()].find((d) => d.containers.some((c) => c.id === id));
    if (!dep) v.push({ containerId: id, why: 'parcels ride a container the plan does not list' });
  }
  for (const [id, l] of looseLoad) {
    const service = services.get(runs.get(id)!.serviceId)!;
    if (service.capacity.weightKg !== undefined && l.weightG > service.capacity.weightKg * 1000) {
      v.push({
        departureId: id,
        why: `${l.weightG / 1000} kg loose, over the ${service.capacity.weightKg} kg capacity`,
      });
    }
    if (service.capacity.volumeL !== undefined && l.volumeMm3 > service.capacity.volumeL * 1e6) {
      v.push({
        departureId: id,
        why: `${(l.volumeMm3 / 1e6).toFixed(0)} L loose, over the ${service.capacity.volumeL} L capacity`,
      });
    }
  }
  cost += doc.held.filter((h) => h.reason === 'no-capacity').length * doc.settings.holdPenaltyMinor;
  // Import charges on DDP parcels come from the landed-cost rules, not the tariffs checked here.
  const claimed = doc.summary.costMinor - (doc.summary.components.landedCostMinor ?? 0);
  // The planner converts rates once and rounds per parcel; the check converts each charge exactly.
  const tolerance = Math.max(doc.parcels.length * 2, claimed * 1e-4);
  if (Math.abs(cost - claimed) > tolerance) {
    v.push({ why: `the plan claims ${claimed} minor units; the tariffs give ${cost}` });
  }
  return { ok: v.length === 0, violations: v, costMinor: cost, claimedCostMinor: claimed };
}
