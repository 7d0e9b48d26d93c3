import { DAY_MS } from '../domain/days.ts';
import { type CurrencyConverter, type Network, parcelsFromJson } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { importParcels } from '../intake/index.ts';
import { type SimulationResult, simulateHub } from '../journey/simulate.ts';
import { localDate } from '../network/index.ts';
import { prepareQuoteIndex, QuoteRequestSchema, quoteItineraries } from '../quote/index.ts';
import type { Store } from '../store/index.ts';
import type { DurationDefaults } from '../tracking/index.ts';

/** Parcels in a simulated container (the sample's consolidation, not the planner's). */
const PER_CONTAINER = 300;

/**
 * The sample hub's last 30 days: generated parcels ready over the month, each sent on the cheapest
 * itinerary a quote finds (a quick stand-in for a month of plans, consolidated by departure and
 * alighting node into containers of 300), adopted as the hub's plan, then simulated up to now — so
 * the dashboard, map and parcel pages show parcels at every stage and ETA quantiles have data. Runs
 * once (when the store has no simulated events); seconds on a quiet machine.
 */
export async function prepareSampleMonth(
  store: Store,
  options: {
    readonly network: Network;
    readonly fx: CurrencyConverter;
    readonly defaults: DurationDefaults;
    readonly nowMs: number;
    readonly parcelCount?: number;
    readonly seed?: number;
  },
): Promise<SimulationResult | undefined> {
  const { network, nowMs } = options;
  const done = await store.db
    .selectFrom('tracking_events')
    .select('event_id')
    .where('simulated', '=', 1)
    .where('actor', '=', 'simulation')
    .limit(1)
    .execute();
  if (done.length > 0) return undefined;
  const hubZone = network.nodes.find((n) => n.id === network.hub)?.zone ?? 'Asia/Shanghai';
  const from = localDate(nowMs - 30 * DAY_MS, hubZone);
  const generated = generateParcels({
    count: options.parcelCount ?? 2_000,
    seed: (options.seed ?? 2026) + 30,
    from,
    days: 29,
  });
  for (const seller of generated.sellers) await store.sellers.upsert(seller);
  const imported = await importParcels(store, parcelsFromJson(generated.parcels, 'sample-month'), {
    actor: { role: 'operator' },
    receivedAtMs: nowMs - 30 * DAY_MS,
    sellerField: 'sellerId',
  });
  const index = prepareQuoteIndex(network, {
    fromMs: Math.floor((nowMs - 31 * DAY_MS) / DAY_MS) * DAY_MS,
    horizonDays: 31,
  });
  type Planned = {
    id: string;
    rides: { departureId: string; to: string; containerId?: string }[];
    gateway: string;
  };
  const planned: Planned[] = [];
  generated.parcels.forEach((p, i) => {
    const request = QuoteRequestSchema.safeParse({
      readyAt: p.readyAt,
      destination: { country: p.consignee.country, postcode: p.consignee.postcode },
      shipment: { kind: 'parcel', grossWeightG: p.grossWeightG, dimensions: p.dimensions },
    });
    if (!request.success) return;
    const answer = quoteItineraries(index, request.data, { fx: options.fx });
    if (!answer.ok) return;
    const best = answer.options.find((o) => o.labels.includes('cheapest')) ?? answer.options[0];
    if (!best) return;
    const rides = best.legs.flatMap((l) =>
      l.kind === 'ride' && l.departureId ? [{ departureId: l.departureId, to: l.to }] : [],
    );
    if (rides.length === 0) return;
    planned.push({ id: imported.parcelIds[i]!, rides, gateway: best.gateway });
  });
  // Consolidation: by first departure and alighting node, containers of PER_CONTAINER parcels.
  const groups = new Map<string, Planned[]>();
  for (const p of planned) {
    const key = `${p.rides[0]!.departureId}>${p.rides[0]!.to}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  const departures = new Map<
    string,
    { id: string; serviceId: string; departAt: string; containers: { id: string; type: string }[] }
  >();
  for (const [key, list] of groups) {
    const [departureId, to] = key.split('>') as [string, string];
    const serviceId = departureId.split('@')[0]!;
    const dep = index.network.services.find((s) => s.id === serviceId);
    const type = dep?.capacity.containers[0]?.type ?? '45G1';
    let d = departures.get(departureId);
    if (!d) {
      const run = index.timetables.flatMap((t) => t.departures).find((x) => x.id === departureId);
      d = {
        id: departureId,
        serviceId,
        departAt: new Date(run?.departAtMs ?? 0).toISOString(),
        containers: [],
      };
      departures.set(departureId, d);
    }
    for (let k = 0; k * PER_CONTAINER < list.length; k++) {
      const containerId = `SIM-${departureId}-${to}-${k + 1}`;
      d.containers.push({ id: containerId, type });
      for (const p of list.slice(k * PER_CONTAINER, (k + 1) * PER_CONTAINER))
        p.rides[0]!.containerId = containerId;
    }
  }
  const job = await store.plans.create({ sample: 'month', from, days: 30 });
  await store.plans.update(job.id, {
    status: 'done',
    progress: 1,
    result: {
      network: { id: network.id, version: network.version },
      parcels: planned,
      departures: [...departures.values()],
      held: [],
    },
  });
  return simulateHub(store, {
    hubId: network.hub,
    network,
    defaults: options.defaults,
    nowMs,
    seed: `sample-${options.seed ?? 2026}`,
    planId: job.id,
  });
}
