import { DAY_MS } from '../domain/days.ts';
import type { Network } from '../domain/index.ts';
import type { EtaWindowRow, Store } from '../store/index.ts';
import {
  type DurationDefaults,
  DurationModel,
  type EtaPosition,
  type EtaRoute,
  estimateDelivery,
  legSamples,
  type RunObservation,
} from '../tracking/index.ts';
import { EtaRoutes, parseRoute } from './route-key.ts';

/** A P50 that moves by more than this is told to sellers again (facts §6.2 step 5: hysteresis). */
export const ETA_NOTIFY_THRESHOLD_MS = 12 * 3_600_000;

/**
 * The hub's duration model: durations observed in actual events over the defaults' rolling window
 * (service legs from containers' events per departure; gateway clearance and last mile from parcels),
 * falling back to the defaults file where a duration has fewer observations than it asks for.
 */
export async function loadDurationModel(
  store: Store,
  hubId: string,
  network: Network,
  defaults: DurationDefaults,
  nowMs: number,
): Promise<DurationModel> {
  const since = nowMs - defaults.windowDays * DAY_MS;
  const runs = new Map<string, RunObservation[]>();
  for (const o of await store.journeys.runObservations(hubId, since)) {
    let list = runs.get(o.departureId);
    if (!list) {
      list = [];
      runs.set(o.departureId, list);
    }
    list.push({ code: o.code as RunObservation['code'], nodeId: o.nodeId, timeMs: o.timeMs });
  }
  const observed = legSamples(network, runs);
  for (const { key, minutes } of await store.journeys.parcelDurations(hubId, since)) {
    let list = observed.get(key);
    if (!list) {
      list = [];
      observed.set(key, list);
    }
    list.push(minutes);
  }
  return new DurationModel(network, defaults, observed);
}

const HUB_STAGES = new Set(['announced', 'received', 'loaded']);
const LAST_MILE_STAGES = new Set(['handed_over', 'out_for_delivery', 'delivery_failed']);

/** Where a group of parcels stands on its route, from its stage and its latest place. */
export function positionOnRoute(
  route: EtaRoute,
  network: Network,
  gateway: string,
  g: {
    readonly stage: string;
    readonly positionKind: string | null;
    readonly positionNode: string | null;
    readonly positionMs: number | null;
  },
  nowMs: number,
): EtaPosition {
  if (HUB_STAGES.has(g.stage)) return { kind: 'hub' };
  const since = g.positionMs ?? nowMs;
  if (LAST_MILE_STAGES.has(g.stage)) return { kind: 'last-mile', sinceMs: since };
  const node = g.positionNode;
  if (node !== null && g.positionKind === 'at' && node === gateway && g.stage === 'arrived')
    return { kind: 'gateway', sinceMs: since };
  if (node !== null)
    for (let r = 0; r < route.rides.length; r++) {
      const ride = route.rides[r]!;
      const legs = network.services.find((s) => s.id === ride.serviceId)?.legs ?? [];
      for (let j = ride.boardLeg; j <= ride.alightLeg; j++) {
        if (g.positionKind === 'left' && legs[j]?.from === node)
          return { kind: 'moving', ride: r, leg: j, sinceMs: since };
        if (g.positionKind === 'at' && legs[j]?.to === node)
          return { kind: 'stopped', ride: r, leg: j, sinceMs: since };
      }
    }
  if (g.stage === 'arrived') return { kind: 'gateway', sinceMs: since };
  return { kind: 'moving', ride: 0, leg: route.rides[0]?.boardLeg ?? 0, sinceMs: since };
}

export interface EtaRunResult {
  /** Distinct (route, position) groups estimated. */
  readonly groups: number;
  /** Parcels whose window was set. */
  readonly parcels: number;
  /** `parcel.eta_changed` deliveries queued (P50 moved more than 12 h). */
  readonly webhooksQueued: number;
  readonly basis: { readonly observed: number; readonly mixed: number; readonly default: number };
}

/**
 * Recomputes the ETA window of every parcel in transit (or only those on `routes`): parcels are
 * grouped by route and position, each group estimated once (Monte Carlo over the duration model,
 * seeded by the group, so the same inputs give the same window), and the windows written set-wise.
 * With `notify`, sellers subscribed to `parcel.eta_changed` are queued a message for every parcel
 * whose P50 moved more than 12 h since they were last told.
 */
export async function recomputeEta(
  store: Store,
  options: {
    readonly hubId: string;
    readonly network: Network;
    readonly defaults: DurationDefaults;
    readonly nowMs: number;
    readonly routes?: readonly string[];
    readonly model?: DurationModel;
    readonly notify?: { readonly stamp: string; readonly causeEventId: string };
    readonly draws?: number;
  },
): Promise<EtaRunResult> {
  const { hubId, network, nowMs } = options;
  const model = options.model ?? (await loadDurationModel(store, hubId, network, options.defaults, nowMs));
  const groups = await store.journeys.etaGroups(hubId, options.routes ? { routes: options.routes } : {});
  const departureIds = new Set<string>();
  for (const route of new Set(groups.map((g) => g.route)))
    for (const r of parseRoute(route).rides) departureIds.add(r.departureId);
  const operated = await store.journeys.departures(hubId, [...departureIds]);
  const routes = new EtaRoutes(network, operated);
  const windows: EtaWindowRow[] = [];
  const basis = { observed: 0, mixed: 0, default: 0 };
  let parcels = 0;
  for (const g of groups) {
    const route = routes.get(g.route);
    if (route === null) continue;
    const position = positionOnRoute(route, network, route.gatewayId, g, nowMs);
    const w = estimateDelivery(route, position, model, nowMs, {
      seed: g.etaKey,
      draws: options.draws ?? 200,
    });
    if (!w) continue;
    windows.push({ etaKey: g.etaKey, p10Ms: w.p10Ms, p50Ms: w.p50Ms, p90Ms: w.p90Ms, basis: w.basis });
    basis[w.basis] += g.parcels;
    parcels += g.parcels;
  }
  await store.journeys.setEtaWindows(hubId, windows, nowMs, { wholeHub: options.routes === undefined });
  const webhooksQueued = options.notify
    ? await store.journeys.queueEtaChanges(hubId, {
        ...(options.routes ? { routes: options.routes } : {}),
        stamp: options.notify.stamp,
        causeEventId: options.notify.causeEventId,
        thresholdMs: ETA_NOTIFY_THRESHOLD_MS,
        nowMs,
      })
    : 0;
  return { groups: windows.length, parcels, webhooksQueued, basis };
}

const modelCache = new WeakMap<Store, { key: string; atMs: number; model: DurationModel }>();

/**
 * The duration model, kept per store for `maxAgeMs` (learning scans 90 days of events: done once a
 * few minutes, not once per request). A new network or defaults version starts afresh.
 */
export async function cachedDurationModel(
  store: Store,
  hubId: string,
  network: Network,
  defaults: DurationDefaults,
  nowMs: number,
  maxAgeMs = 5 * 60_000,
): Promise<DurationModel> {
  const key = `${hubId}|${network.id}|${network.version}|${defaults.version}`;
  const hit = modelCache.get(store);
  if (hit && hit.key === key && nowMs - hit.atMs < maxAgeMs && nowMs >= hit.atMs) return hit.model;
  const model = await loadDurationModel(store, hubId, network, defaults, nowMs);
  modelCache.set(store, { key, atMs: nowMs, model });
  return model;
}

/**
 * Brings the ETA windows of some parcels up to date after events moved them: every parcel on the
 * same routes is re-estimated (parcels share windows by route and position), sellers told of P50
 * moves beyond 12 h when `notify` is given.
 */
export async function refreshEta(
  store: Store,
  options: {
    readonly hubId: string;
    readonly network: Network;
    readonly defaults: DurationDefaults;
    readonly nowMs: number;
    readonly parcelIds: readonly string[];
    readonly notify?: { readonly stamp: string; readonly causeEventId: string };
  },
): Promise<EtaRunResult | undefined> {
  if (options.parcelIds.length === 0) return undefined;
  const routes = await store.journeys.routesOfParcels(options.hubId, options.parcelIds);
  if (routes.length === 0) return undefined;
  const model = await cachedDurationModel(
    store,
    options.hubId,
    options.network,
    options.defaults,
    options.nowMs,
  );
  return recomputeEta(store, { ...options, routes, model });
}
