import { type Network, parcelsFromJson } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { importParcels } from '../intake/index.ts';
import { MAX_EVENT_BATCH, recordEvents } from '../journey/index.ts';
import { localDate } from '../network/index.ts';
import { type Store, withHub } from '../store/index.ts';
import { AIR_HUB_ID, airHubNetwork } from './air-hub.ts';

export interface SampleOptions {
  readonly network: Network;
  /** The instant of start, UTC epoch ms: the sample day is this day in the hub's zone. */
  readonly nowMs: number;
  /** Parcels generated when the store has none. Default 5,000. */
  readonly parcelCount?: number;
  readonly seed?: number;
  /** Demo sellers that get a key printed. Default 3. */
  readonly demoSellers?: number;
}

export interface SampleHub {
  readonly networkVersionId: string;
  readonly parcelsImported: number;
  readonly operatorKey: string;
  readonly sellerKeys: readonly { sellerId: string; name: string; key: string }[];
  /** The second sample hub, at the airport free-trade port (air services only). */
  readonly airHub: { readonly hubId: string; readonly parcelsImported: number; readonly operatorKey: string };
}

const DEMO_LABEL = 'demo';

/**
 * Makes the store hold the sample hub: activates the sample network (a no-op when that version is
 * already saved), seeds sellers and a day of parcels when there are none, then revokes the previous
 * demo keys and issues new ones (keys are stored hashed, so only new ones can be printed).
 */
export async function prepareSampleHub(store: Store, options: SampleOptions): Promise<SampleHub> {
  const version = await store.networkVersions.save(options.network, { activate: true });
  const hubZone = options.network.nodes.find((n) => n.id === options.network.hub)?.zone ?? 'Asia/Shanghai';
  const today = localDate(options.nowMs, hubZone);

  let parcelsImported = 0;
  const existing = await store.parcels.count({});
  const generated = generateParcels({
    count: options.parcelCount ?? 5_000,
    seed: options.seed ?? 2026,
    from: today,
    days: 1,
  });
  if (existing === 0) {
    for (const seller of generated.sellers) await store.sellers.upsert(seller);
    const batch = parcelsFromJson(generated.parcels, 'sample');
    const result = await importParcels(store, batch, {
      actor: { role: 'operator' },
      receivedAtMs: options.nowMs,
      sellerField: 'sellerId',
    });
    parcelsImported = result.imported;
    // The day's parcels that are ready by now have passed the hub's gate: their receiving scans.
    const ready = generated.parcels.flatMap((p, i) =>
      Date.parse(p.readyAt) <= options.nowMs
        ? [
            {
              eventId: `sample-recv:${result.parcelIds[i]}`,
              code: 'HUB_RECEIVED',
              parcelId: result.parcelIds[i],
              eventTime: p.readyAt,
              place: options.network.hub,
              measured: { weightG: p.grossWeightG },
              simulated: true,
            },
          ]
        : [],
    );
    for (let i = 0; i < ready.length; i += MAX_EVENT_BATCH)
      await recordEvents(store, ready.slice(i, i + MAX_EVENT_BATCH), {
        hubId: options.network.hub,
        network: options.network,
        actor: { role: 'system', name: 'sample' },
        nowMs: options.nowMs,
      });
  }

  for (const key of await store.apiKeys.list()) {
    if (key.label === DEMO_LABEL && key.revokedAtMs === undefined) await store.apiKeys.revoke(key.id);
  }
  const operator = await store.apiKeys.create({ role: 'operator', label: DEMO_LABEL });
  const sellers = (await store.sellers.list()).slice(0, options.demoSellers ?? 3);
  const sellerKeys = [];
  for (const s of sellers) {
    const k = await store.apiKeys.create({ role: 'seller', sellerId: s.id, label: DEMO_LABEL });
    sellerKeys.push({ sellerId: s.id, name: s.name, key: k.key });
  }
  const airHub = await withHub(AIR_HUB_ID, () => prepareAirHub(store, options));
  return { networkVersionId: version.id, parcelsImported, operatorKey: operator.key, sellerKeys, airHub };
}

/**
 * The air hub beside Xiyong (call inside `withHub(AIR_HUB_ID, …)`): its network (Xiyong's air services
 * from a hub node at the airport), a day of 1,000 parcels when it has none (the same sellers, order ids
 * prefixed `AIR-`), and a fresh demo operator key of its own.
 */
async function prepareAirHub(store: Store, options: SampleOptions): Promise<SampleHub['airHub']> {
  const network = airHubNetwork(options.network);
  await store.networkVersions.save(network, { activate: true });
  let parcelsImported = 0;
  if ((await store.parcels.count({})) === 0) {
    const hubZone = network.nodes.find((n) => n.id === network.hub)?.zone ?? 'Asia/Shanghai';
    const generated = generateParcels({
      count: 1_000,
      seed: (options.seed ?? 2026) + 1,
      from: localDate(options.nowMs, hubZone),
      days: 1,
    });
    for (const seller of generated.sellers) await store.sellers.upsert(seller);
    const parcels = generated.parcels.map((p) => ({ ...p, externalOrderId: `AIR-${p.externalOrderId}` }));
    const result = await importParcels(store, parcelsFromJson(parcels, 'sample-air'), {
      actor: { role: 'operator' },
      receivedAtMs: options.nowMs,
      sellerField: 'sellerId',
    });
    parcelsImported = result.imported;
  }
  const operator = await store.apiKeys.create({ role: 'operator', label: DEMO_LABEL, hubId: AIR_HUB_ID });
  return { hubId: AIR_HUB_ID, parcelsImported, operatorKey: operator.key };
}
