import type { Network } from '../domain/index.ts';
import { Random } from '../generate/index.ts';
import type { DurationModel } from './durations.ts';
import { isoWithOffset } from './event.ts';
import { s10CheckDigit } from './numbers.ts';

/** One ride of a parcel's itinerary: a dated departure, where the parcel alights, its container. */
export interface SimRide {
  readonly departureId: string;
  readonly serviceId: string;
  /** When the run leaves its service's origin, as timetabled (UTC ms). */
  readonly scheduledMs: number;
  readonly to: string;
  readonly containerId: string;
}

/** A planned parcel as the simulation needs it: when it is ready, what it weighs, its itinerary. */
export interface SimParcel {
  readonly parcelId: string;
  readonly readyAtMs: number;
  readonly weightG: number;
  /** The departure it rides first (from the hub), where it alights, and the container it travels in. */
  readonly ride: SimRide;
  /** The rides after the first, each boarded where the one before ends (transshipment). */
  readonly onward?: readonly SimRide[];
  readonly gateway: string;
  readonly zoneId: string | null;
  /**
   * Road time from where the last ride ends to the gateway, minutes; when absent, none if the last
   * ride ends at the gateway, else a day.
   */
  readonly toGatewayMinutes?: number;
}

/** Chances of what goes wrong, per parcel. */
export interface SimRates {
  readonly exportHold: number;
  /** An import customs hold at the gateway (released within the clearance time). */
  readonly importHold: number;
  readonly deliveryFailed: number;
  /** A re-weigh difference well beyond the tolerance. */
  readonly reweigh: number;
  /** A departure leaving late (then by 1–24 h). */
  readonly lateDeparture: number;
}

export const DEFAULT_SIM_RATES: SimRates = {
  exportHold: 0.02,
  importHold: 0.02,
  deliveryFailed: 0.05,
  reweigh: 0.03,
  lateDeparture: 0.3,
};

/** An event input as `recordEvents` takes it, with its instant for ordering. */
export interface SimEvent {
  readonly atMs: number;
  readonly input: Record<string, unknown>;
}

const H = 3_600_000;
const MIN = 60_000;

/** A container's run on one ride, shared by every parcel inside. */
interface Run {
  readonly boardNode: string;
  readonly alightNode: string;
  /** Until then parcels may go into the container (it is gated in then). */
  readonly gateMs: number;
  readonly loadedMs: number;
  readonly departMs: number;
  /** Arrival at the node the ride ends at, and when the container is stripped there. */
  readonly arriveMs: number;
  readonly strippedMs: number;
}

/**
 * Runs a hub's planned parcels forward over the network along their whole itineraries and returns the
 * events a real month would produce up to `nowMs`, each marked simulated: receiving scans (with
 * re-weighs), a few export holds, consolidation; for each ride, its container gated in, loaded and
 * departed, border crossings and gauge changes (moves and dwells drawn from the duration model: the
 * defaults file's ranges — facts/tracking.md §7.2 — until events teach it otherwise), arrival and
 * stripping; at a transfer node the parcel's consolidation into the next ride's container (a parcel
 * that misses its connection stays there); at the gateway a few import holds, import release within
 * the clearance time, hand-over to the last mile with an S10 number, out for delivery, some failed
 * attempts, delivery. A container's run is drawn once for every parcel inside. Seeded: the same
 * inputs give the same events.
 */
export function simulateJourneys(input: {
  readonly network: Network;
  readonly model: DurationModel;
  readonly parcels: readonly SimParcel[];
  readonly nowMs: number;
  readonly seed: string;
  readonly rates?: SimRates;
}): SimEvent[] {
  const { network, model, nowMs } = input;
  const rates = input.rates ?? DEFAULT_SIM_RATES;
  const random = Random.fromSeed(input.seed, 'simulate');
  const nodes = new Map(network.nodes.map((n) => [n.id, n]));
  const zones = new Map(network.lastMile.map((z) => [z.id, z]));
  const out: SimEvent[] = [];
  const offsets = new Map<string, number>();
  const at = (nodeId: string) => {
    let o = offsets.get(nodeId);
    if (o === undefined) {
      o = offsetOf(network, nodeId, nodes.get(nodeId)?.zone);
      offsets.set(nodeId, o);
    }
    return o;
  };
  const emit = (atMs: number, input: Record<string, unknown>, nodeId: string) => {
    if (atMs > nowMs) return false;
    out.push({
      atMs,
      input: {
        ...input,
        eventTime: isoWithOffset(Math.round(atMs / MIN) * MIN, at(nodeId)),
        place: nodeId,
        simulated: true,
      },
    });
    return true;
  };
  const gaugeChange = (nodeId: string) => /gauge|transshipment/i.test(nodes.get(nodeId)?.name ?? '');

  // Containers' runs, ride by ride: once per container, shared by the parcels inside.
  const runs = new Map<string, Run>();
  const lateness = new Map<string, number>();
  const drawRun = (containerId: string, ride: SimRide, boardNode: string, first: boolean) => {
    const service = network.services.find((s) => s.id === ride.serviceId);
    if (!service) return;
    let late = lateness.get(ride.departureId);
    if (late === undefined) {
      late = random.float() < rates.lateDeparture ? Math.round((1 + random.float() * 23) * H) : 0;
      lateness.set(ride.departureId, late);
    }
    const legs = service.legs;
    let boardLeg = legs.findIndex((l) => l.from === boardNode);
    if (boardLeg < 0) boardLeg = 0;
    let alightLeg = legs.findIndex((l, i) => i >= boardLeg && l.to === ride.to);
    if (alightLeg < 0) alightLeg = legs.length - 1;
    const from = legs[boardLeg]!.from;
    // The timetable up to the node boarded at (a run boarded on its way).
    let departMs = ride.scheduledMs + late;
    for (let j = 0; j < boardLeg; j++)
      departMs += (legs[j]!.transitMinutes + (legs[j]!.dwellMinutes ?? 0)) * MIN;
    // At the hub a container is closed well before its train; at a transfer node shortly before.
    const gateMs = departMs - late - (first ? 10 : 2) * H;
    const loadedMs = departMs - late - (first ? 3 : 1) * H;
    const departureId = ride.departureId;
    emit(gateMs, { eventId: `sim:gate:${containerId}`, code: 'GATED_IN', containerId, departureId }, from);
    emit(loadedMs, { eventId: `sim:load:${containerId}`, code: 'LOADED', containerId, departureId }, from);
    emit(
      departMs,
      { eventId: `sim:dep:${containerId}:${from}`, code: 'DEPARTED', containerId, departureId },
      from,
    );
    let t = departMs;
    let arriveMs = Number.POSITIVE_INFINITY;
    for (let j = boardLeg; j <= alightLeg; j++) {
      const leg = legs[j]!;
      t += model.get({ kind: 'move', serviceId: service.id, leg: j }).fn.at(random.float()) * MIN;
      if (j === alightLeg) {
        arriveMs = t;
        emit(t, { eventId: `sim:arr:${containerId}`, code: 'ARRIVED', containerId }, leg.to);
        break;
      }
      emit(t, { eventId: `sim:x:${containerId}:${leg.to}`, code: 'BORDER_CROSSED', containerId }, leg.to);
      const dwell = model.get({ kind: 'dwell', serviceId: service.id, leg: j }).fn.at(random.float()) * MIN;
      // A break of gauge: the containers are lifted onto the other gauge's wagons during the stop.
      if (gaugeChange(leg.to))
        emit(
          t + dwell * 0.5,
          {
            eventId: `sim:gauge:${containerId}:${leg.to}`,
            code: 'DISCHARGED',
            containerId,
            reason: { code: 'gauge-change' },
          },
          leg.to,
        );
      t += dwell;
      emit(t, { eventId: `sim:dep:${containerId}:${leg.to}`, code: 'DEPARTED', containerId }, leg.to);
    }
    const strippedMs = arriveMs + (3 + random.float() * 6) * H;
    const alightNode = legs[alightLeg]!.to;
    emit(
      strippedMs,
      { eventId: `sim:strip:${containerId}`, code: 'DECONSOLIDATED', containerId },
      alightNode,
    );
    runs.set(containerId, { boardNode: from, alightNode, gateMs, loadedMs, departMs, arriveMs, strippedMs });
  };
  const firsts = new Map<string, SimParcel>();
  for (const p of input.parcels) if (!firsts.has(p.ride.containerId)) firsts.set(p.ride.containerId, p);
  for (const [containerId, p] of [...firsts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const service = network.services.find((s) => s.id === p.ride.serviceId);
    drawRun(containerId, p.ride, service?.legs[0]?.from ?? network.hub, true);
  }
  // Onward rides in order of their position in the itineraries (a run is drawn from its first rider).
  const onward = new Map<string, { ride: SimRide; boardNode: string }>();
  for (const p of input.parcels) {
    let board = p.ride.to;
    for (const r of p.onward ?? []) {
      if (!onward.has(r.containerId) && !runs.has(r.containerId))
        onward.set(r.containerId, { ride: r, boardNode: board });
      board = r.to;
    }
  }
  for (const [containerId, o] of [...onward.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    drawRun(containerId, o.ride, o.boardNode, false);

  let serial = 0;
  for (const p of input.parcels) {
    const run = runs.get(p.ride.containerId);
    if (!run) continue;
    const id = p.parcelId;
    const receivedMs = p.readyAtMs + random.float() * 2 * H;
    const off = random.float() < rates.reweigh;
    const measured = Math.max(
      1,
      Math.round(p.weightG * (off ? 1.15 + random.float() * 0.2 : 1 + (random.float() - 0.5) * 0.04)),
    );
    if (
      !emit(
        receivedMs,
        { eventId: `sim:recv:${id}`, code: 'HUB_RECEIVED', parcelId: id, measured: { weightG: measured } },
        network.hub,
      )
    )
      continue;
    let readyMs = receivedMs + 30 * MIN;
    if (random.float() < rates.exportHold) {
      const holdMs = receivedMs + 45 * MIN;
      emit(
        holdMs,
        {
          eventId: `sim:hold:${id}`,
          code: 'EXPORT_CUSTOMS_HOLD',
          parcelId: id,
          reason: { code: 'inspection' },
        },
        network.hub,
      );
      readyMs = holdMs + (6 + random.float() * 42) * H;
      if (
        !emit(
          readyMs,
          { eventId: `sim:rel:${id}`, code: 'EXPORT_CUSTOMS_RELEASED', parcelId: id },
          network.hub,
        )
      )
        continue;
    }
    // Into its container before the container is gated in; a parcel that comes too late stays behind.
    const consMs = Math.max(readyMs, run.loadedMs - 20 * H);
    if (consMs >= run.loadedMs - 7 * H) continue;
    emit(
      consMs,
      { eventId: `sim:cons:${id}`, code: 'CONSOLIDATED', parcelId: id, containerId: p.ride.containerId },
      network.hub,
    );
    // Transshipment: at each transfer node, into the next ride's container once stripped and handled.
    let last = run;
    let missed = false;
    for (const r of p.onward ?? []) {
      const next = runs.get(r.containerId);
      if (!next) {
        missed = true;
        break;
      }
      const handling = (nodes.get(last.alightNode)?.minTransferMinutes ?? 0) * MIN;
      const intoMs = Math.max(last.strippedMs + 30 * MIN, last.arriveMs + handling);
      if (intoMs >= next.gateMs || next.boardNode !== last.alightNode) {
        missed = true; // waits at the transfer node for a later run: not simulated further
        break;
      }
      if (
        !emit(
          intoMs,
          {
            eventId: `sim:cons:${id}:${r.containerId}`,
            code: 'CONSOLIDATED',
            parcelId: id,
            containerId: r.containerId,
          },
          last.alightNode,
        )
      ) {
        missed = true;
        break;
      }
      last = next;
    }
    if (missed || p.zoneId === null || !Number.isFinite(last.arriveMs)) continue;
    const zone = zones.get(p.zoneId);
    // Onward by road from where the last ride ends to the gateway, then import clearance there: the
    // container is stripped, a few parcels held, each released before its hand-over.
    const roadMs = (p.toGatewayMinutes ?? (last.alightNode === p.gateway ? 0 : 24 * 60)) * MIN;
    const atGatewayMs = last.arriveMs + roadMs;
    const clearanceMs = model.get({ kind: 'clearance', gatewayId: p.gateway }).fn.at(random.float()) * MIN;
    // Handed over once cleared, and never before the container is stripped.
    const handedMs = Math.max(atGatewayMs + clearanceMs, last.strippedMs + 60 * MIN);
    const inspectMs = Math.max(last.strippedMs, atGatewayMs) + 10 * MIN;
    const held = random.float() < rates.importHold && inspectMs < handedMs - 30 * MIN;
    if (held)
      emit(
        inspectMs,
        {
          eventId: `sim:ihold:${id}`,
          code: 'IMPORT_CUSTOMS_HOLD',
          parcelId: id,
          reason: { code: 'documents-missing' },
        },
        p.gateway,
      );
    emit(
      Math.max(held ? inspectMs + 10 * MIN : last.strippedMs + 20 * MIN, handedMs - 60 * MIN),
      { eventId: `sim:irel:${id}`, code: 'IMPORT_CUSTOMS_RELEASED', parcelId: id },
      p.gateway,
    );
    const s = String(100000 + (serial++ % 90000000)).padStart(8, '0');
    const s10 = `LP${s}${s10CheckDigit(s)}CN`;
    if (
      !emit(
        handedMs,
        {
          eventId: `sim:hand:${id}`,
          code: 'HANDED_TO_LAST_MILE',
          parcelId: id,
          carrier: zone?.carrier ?? 'post',
          lastMileNumber: s10,
        },
        p.gateway,
      )
    )
      continue;
    const fails = random.float() < rates.deliveryFailed;
    const deliverMs =
      handedMs +
      Math.max(
        fails ? 34 * H : 6 * H,
        model.get({ kind: 'last-mile', zoneId: p.zoneId }).fn.at(random.float()) * MIN,
      );
    const local = p.gateway;
    if (fails) {
      emit(deliverMs - 30 * H, { eventId: `sim:ofd1:${id}`, code: 'OUT_FOR_DELIVERY', parcelId: id }, local);
      emit(
        deliverMs - 26 * H,
        {
          eventId: `sim:fail:${id}`,
          code: 'DELIVERY_FAILED',
          parcelId: id,
          reason: { code: 'addressee-absent' },
        },
        local,
      );
    }
    emit(deliverMs - 5 * H, { eventId: `sim:ofd:${id}`, code: 'OUT_FOR_DELIVERY', parcelId: id }, local);
    emit(deliverMs, { eventId: `sim:dlv:${id}`, code: 'DELIVERED', parcelId: id }, local);
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** The UTC offset (minutes) of a node's zone; the hub's zone for nodes without one. */
function offsetOf(network: Network, nodeId: string, zone?: string): number {
  const z = zone ?? network.nodes.find((n) => n.id === nodeId)?.zone ?? 'UTC';
  const text = new Intl.DateTimeFormat('en-US', { timeZone: z, timeZoneName: 'longOffset' }).format(
    new Date(Date.UTC(2026, 11, 1)),
  );
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(text);
  if (!m) return 0;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}
