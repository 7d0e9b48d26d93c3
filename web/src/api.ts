/**
 * Every call the console makes to the Landbridge API, and the adapters that turn answers into the
 * shapes the pages use. Endpoints still being built (plans, load plans, landed cost, tracking events)
 * are detected through the OpenAPI document at /docs/json; when one is missing the page says so rather
 * than showing made-up figures. If an endpoint's shape changes, this is the one file to adjust.
 */

/** An answer that was not 2xx: the RFC 9457 problem the API sent, or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: readonly { where?: { field?: string; row?: number }; why: string }[];

  constructor(status: number, code: string, message: string, problems: ApiError['problems'] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

async function call<T>(key: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : 'network error');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const p = (json ?? {}) as {
      code?: string;
      detail?: string;
      title?: string;
      problems?: ApiError['problems'];
    };
    throw new ApiError(
      res.status,
      p.code ?? `http-${res.status}`,
      p.detail ?? p.title ?? res.statusText,
      p.problems,
    );
  }
  return json as T;
}

// ---------------------------------------------------------------------------------------------------
// Features: which of the coming endpoints this server has.

export interface Features {
  readonly stats: boolean;
  readonly plans: boolean;
  readonly loadPlans: boolean;
  readonly landedCost: boolean;
  readonly parcelEvents: boolean;
  /** POST /v1/plans takes a disruption to re-plan around. */
  readonly planDisruption: boolean;
}

const NO_FEATURES: Features = {
  stats: false,
  plans: false,
  loadPlans: false,
  landedCost: false,
  parcelEvents: false,
  planDisruption: false,
};

/** Reads /docs/json once per page load and reports which routes exist. */
export async function loadFeatures(): Promise<Features> {
  try {
    type Operation = {
      requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
    };
    const doc = await call<{ paths?: Record<string, Record<string, Operation>> }>(
      undefined,
      'GET',
      '/docs/json',
    );
    const paths: Record<string, Record<string, Operation>> = doc.paths ?? {};
    const has = (path: string, method: string) => Boolean(paths[path]?.[method]);
    return {
      stats: has('/v1/stats/parcels', 'get'),
      plans: has('/v1/plans', 'post') && has('/v1/plans/{id}', 'get'),
      loadPlans: has('/v1/load-plans', 'post'),
      landedCost: has('/v1/landed-cost', 'post'),
      parcelEvents: has('/v1/parcels/{id}/events', 'get'),
      planDisruption: Boolean(
        paths['/v1/plans']?.post?.requestBody?.content?.['application/json']?.schema?.properties?.disruption,
      ),
    };
  } catch {
    return NO_FEATURES;
  }
}

// ---------------------------------------------------------------------------------------------------
// Session

export interface Principal {
  readonly role: 'operator' | 'seller';
  readonly sellerId: string | null;
}

/**
 * Checks a key and finds out whose it is. The stats route answers with its scope; without it, a list of
 * parcels across sellers tells an operator from a seller.
 */
export async function whoAmI(key: string, features: Features): Promise<Principal> {
  if (features.stats) {
    const s = await call<{ scope: Principal }>(key, 'GET', '/v1/stats/parcels?currency=CNY');
    return s.scope;
  }
  await call(key, 'GET', '/v1/network');
  const page = await parcels(key, { limit: 200 });
  const sellers = new Set(page.items.map((p) => p.sellerId));
  if (sellers.size === 1) return { role: 'seller', sellerId: [...sellers][0] ?? null };
  return { role: 'operator', sellerId: null };
}

// ---------------------------------------------------------------------------------------------------
// Network and departures

export interface NetworkNode {
  readonly id: string;
  readonly name: string;
  readonly nameZh?: string;
  readonly kind: string;
  readonly country: string;
  readonly zone: string;
  readonly lat: number;
  readonly lon: number;
  readonly locode?: string;
  readonly iata?: string;
}

export interface NetworkService {
  readonly id: string;
  readonly name: string;
  readonly nameZh?: string;
  readonly corridor: string;
  readonly mode: string;
  readonly operator: string;
  readonly legs: readonly { from: string; to: string; distanceKm: number; transitMinutes: number }[];
  readonly capacity: { containers: readonly { type: string; count: number }[]; weightKg?: number };
}

export interface Disruption {
  readonly id: string;
  readonly nodeId?: string;
  readonly serviceId?: string;
  readonly from: string;
  readonly to: string;
  readonly effect: 'closed' | 'delayed';
  readonly delayMinutes?: number;
  readonly reason: string;
}

export interface Equipment {
  readonly type: string;
  readonly name: string;
  readonly innerLengthMm: number;
  readonly innerWidthMm: number;
  readonly innerHeightMm: number;
  readonly payloadG: number;
}

export interface Network {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly hub: string;
  readonly nodes: readonly NetworkNode[];
  readonly services: readonly NetworkService[];
  readonly transfers: readonly { from: string; to: string }[];
  readonly disruptions: readonly Disruption[];
  readonly equipment: readonly Equipment[];
  readonly lastMile: readonly { country: string; gateways: readonly string[] }[];
}

export async function network(key: string): Promise<Network> {
  const res = await call<{ network: Network }>(key, 'GET', '/v1/network');
  return res.network;
}

export interface Departure {
  readonly id: string;
  readonly serviceId: string;
  readonly corridor: string;
  readonly mode: string;
  readonly origin: string;
  readonly destination: string;
  readonly departAt: string;
  readonly cutoffAt: string;
  readonly arriveAt: string;
  readonly transitHours: number;
  readonly delayMinutes: number;
  readonly cancelledBy?: string;
}

/** Departures leaving in [from, to); dates are YYYY-MM-DD in the hub's zone. */
export async function departures(
  key: string,
  from: string,
  to: string,
  includeCancelled = true,
): Promise<Departure[]> {
  const q = new URLSearchParams({ from, to, includeCancelled: String(includeCancelled) });
  const res = await call<{ departures: Departure[] }>(key, 'GET', `/v1/departures?${q}`);
  return res.departures;
}

// ---------------------------------------------------------------------------------------------------
// Parcels

export interface ParcelItem {
  readonly description: string;
  readonly hsCode: string;
  readonly quantity: number;
  readonly unitValueMinor: number;
  readonly currency: string;
  readonly originCountry: string;
}

export interface Parcel {
  readonly id: string;
  readonly sellerId: string;
  readonly externalOrderId: string;
  readonly status: string;
  readonly readyAt: string;
  readonly createdAt: string;
  readonly promisedDeliveryDate: string;
  readonly incoterm: string;
  readonly serviceLevel: string;
  readonly grossWeightG: number;
  readonly dimensions: { lengthMm: number; widthMm: number; heightMm: number };
  readonly dangerousGoods: readonly string[];
  readonly consignee: {
    name: string;
    address: string;
    city: string;
    postcode: string;
    country: string;
    phone: string;
  };
  readonly items: readonly ParcelItem[];
}

export interface ParcelQuery {
  readonly status?: string;
  readonly country?: string;
  readonly serviceLevel?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export async function parcels(
  key: string,
  query: ParcelQuery,
): Promise<{ items: Parcel[]; nextCursor: string | null }> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  return call(key, 'GET', `/v1/parcels?${q}`);
}

/** How fresh the exchange rates are (`GET /v1/fx`); `stale` past a week. */
export interface FxStatus {
  readonly today: string;
  readonly reference: { readonly newestDate: string; readonly ageDays: number; readonly stale: boolean };
}

export async function fxStatus(key: string): Promise<FxStatus> {
  return call(key, 'GET', '/v1/fx');
}

export async function parcel(key: string, id: string): Promise<Parcel> {
  return call(key, 'GET', `/v1/parcels/${encodeURIComponent(id)}`);
}

export interface ParcelEvent {
  readonly at: string;
  readonly what: string;
  readonly where?: string;
  readonly why?: string;
}

/** Tracking events of a parcel (coming endpoint); undefined when the server has none yet. */
export async function parcelEvents(
  key: string,
  id: string,
  features: Features,
): Promise<ParcelEvent[] | undefined> {
  if (!features.parcelEvents) return undefined;
  const res = await call<{ events?: Record<string, unknown>[] } | Record<string, unknown>[]>(
    key,
    'GET',
    `/v1/parcels/${encodeURIComponent(id)}/events`,
  );
  const list = Array.isArray(res) ? res : (res.events ?? []);
  return list.map((e) => ({
    at: String(e.at ?? e.eventAt ?? e.time ?? ''),
    what: String(e.what ?? e.type ?? e.eventType ?? ''),
    ...(e.where !== undefined || e.location !== undefined ? { where: String(e.where ?? e.location) } : {}),
    ...(e.why !== undefined || e.reason !== undefined ? { why: String(e.why ?? e.reason) } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------------
// Quotes and landed cost

export interface QuoteRequest {
  readonly readyAt: string;
  readonly destination: { country: string; postcode?: string };
  readonly currency: string;
  readonly promisedDeliveryDate?: string;
  readonly shipment: {
    kind: 'parcel';
    grossWeightG: number;
    dimensions: { lengthMm: number; widthMm: number; heightMm: number };
    dangerousGoods: string[];
  };
}

export interface CostComponent {
  readonly kind: string;
  readonly label: string;
  readonly amountMinor: number;
  readonly original: { amountMinor: number; currency: string };
}

export interface QuoteLeg {
  readonly kind: 'transfer' | 'ride';
  readonly mode: string;
  readonly from: string;
  readonly to: string;
  readonly departAt: string;
  readonly arriveAt: string;
  readonly serviceId?: string;
  readonly co2eKg: number;
}

export interface QuoteOption {
  readonly id: string;
  readonly labels: readonly ('fastest' | 'cheapest' | 'greenest')[];
  readonly corridors: readonly string[];
  readonly modes: readonly string[];
  readonly readyAt: string;
  readonly departAt: string;
  readonly arriveGatewayAt: string;
  readonly gateway: string;
  readonly deliveryDate: string;
  readonly transitDays: number;
  readonly meetsPromise?: boolean;
  readonly cost: { totalMinor: number; currency: string; components: readonly CostComponent[] };
  readonly co2eKg: number;
  readonly legs: readonly QuoteLeg[];
}

export type QuoteAnswer = { ok: true; options: QuoteOption[] } | { ok: false; code: string; message: string };

export async function quote(key: string, request: QuoteRequest): Promise<QuoteAnswer> {
  return call(key, 'POST', '/v1/quotes', request);
}

/** One line of a landed cost: goods, shipping, duty, VAT, fees… */
export interface LandedCostLine {
  readonly kind: 'goods' | 'shipping' | 'insurance' | 'duty' | 'vat' | 'fee';
  readonly label: string;
  readonly amountMinor: number;
  /** The rate as the rule states it ("19%"), or the rule's note. */
  readonly detail?: string;
  /** Who bears it: the buyer or the seller (DDP). */
  readonly payer?: string;
}

export interface LandedCost {
  readonly totalMinor: number;
  readonly chargesMinor: number;
  readonly currency: string;
  readonly lines: readonly LandedCostLine[];
  readonly ruleSet: string;
  readonly tier: string;
  readonly notes: readonly string[];
}

/** POST /v1/landed-cost request (src/duties/request.ts). */
export interface LandedCostRequest {
  readonly destination: string;
  readonly date: string;
  readonly items: readonly ParcelItem[];
  readonly shippingMinor: number;
  readonly costsCurrency: string;
  readonly incoterm: 'DDP' | 'DAP';
  readonly grossWeightG: number;
  readonly currency: string;
}

interface Amount {
  readonly minor: number;
  readonly answerMinor: number;
}

/** Landed cost of goods delivered to a buyer: goods, shipping, duties, VAT/GST and fees in `currency`. */
export async function landedCost(key: string, request: LandedCostRequest): Promise<LandedCost> {
  const r = await call<{
    answerCurrency: string;
    ruleSet: { name: string };
    tier: { name: string };
    goodsValue: Amount;
    shipping: Amount;
    insurance: Amount;
    duties: { name: string; amount: Amount; rate?: string; payer?: string; note?: string }[];
    vat: { rate: string; amount: Amount; payer?: string }[];
    fees: { name: string; amount: Amount; payer?: string }[];
    totals: { total: Amount };
    notes?: string[];
  }>(key, 'POST', '/v1/landed-cost', request);
  const lines: LandedCostLine[] = [
    { kind: 'goods', label: 'goods', amountMinor: r.goodsValue.answerMinor },
    { kind: 'shipping', label: 'shipping', amountMinor: r.shipping.answerMinor },
    ...(r.insurance.answerMinor > 0
      ? [{ kind: 'insurance' as const, label: 'insurance', amountMinor: r.insurance.answerMinor }]
      : []),
    ...r.duties.map((d) => ({
      kind: 'duty' as const,
      label: d.name,
      amountMinor: d.amount.answerMinor,
      ...(d.rate ? { detail: d.rate } : d.note ? { detail: d.note } : {}),
      ...(d.payer ? { payer: d.payer } : {}),
    })),
    ...r.vat.map((v) => ({
      kind: 'vat' as const,
      label: v.rate,
      amountMinor: v.amount.answerMinor,
      detail: v.rate,
      ...(v.payer ? { payer: v.payer } : {}),
    })),
    ...r.fees.map((f) => ({
      kind: 'fee' as const,
      label: f.name,
      amountMinor: f.amount.answerMinor,
      ...(f.payer ? { payer: f.payer } : {}),
    })),
  ];
  return {
    totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
    chargesMinor: r.totals.total.answerMinor,
    currency: r.answerCurrency,
    lines,
    ruleSet: r.ruleSet.name,
    tier: r.tier.name,
    notes: r.notes ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------
// Stats

export interface ParcelStats {
  readonly scope: Principal;
  readonly currency: string;
  readonly zone: string;
  readonly totals: {
    parcels: number;
    grossWeightG: number;
    declaredValueMinor: number;
    unconvertedParcels: number;
  };
  readonly byStatus: readonly { status: string; parcels: number; grossWeightG: number }[];
  readonly byServiceLevel: readonly { serviceLevel: string; parcels: number; grossWeightG: number }[];
  readonly byCountry: readonly {
    country: string;
    parcels: number;
    grossWeightG: number;
    declaredValueMinor: number;
  }[];
  readonly byDay: readonly {
    date: string;
    country: string;
    parcels: number;
    grossWeightG: number;
    declaredValueMinor: number;
  }[];
  readonly byCorridor: readonly {
    corridor: string;
    departures: number;
    containers: number;
    parcels: number;
    grossWeightG: number;
    declaredValueMinor: number;
  }[];
  readonly byCorridorDay: readonly {
    date: string;
    corridor: string;
    parcels: number;
    grossWeightG: number;
    declaredValueMinor: number;
  }[];
  readonly planId: string | null;
}

export async function parcelStats(key: string, currency: string): Promise<ParcelStats> {
  return call(key, 'GET', `/v1/stats/parcels?currency=${encodeURIComponent(currency)}`);
}

// ---------------------------------------------------------------------------------------------------
// Plans (coming: POST /v1/plans → 202 + id; GET /v1/plans/:id; GET /v1/plans)

export type PlanStatus = 'queued' | 'running' | 'done' | 'failed';

export interface PlanSummary {
  readonly costMinor: number;
  readonly currency: string;
  readonly lowerBoundMinor?: number;
  readonly gapPercent?: number;
  readonly onTimeRate?: number;
  readonly co2eKg?: number;
  readonly parcels?: number;
  readonly late?: number;
  readonly unplanned?: number;
  readonly grossWeightG?: number;
  readonly planned?: number;
  readonly held?: number;
  readonly containers?: number;
}

export interface PlanContainer {
  readonly id: string;
  readonly type: string;
  readonly parcels: number;
  readonly weightG: number;
  readonly parcelIds?: readonly string[];
  readonly weightUtil: number;
  readonly volumeUtil: number;
}

export interface PlanDeparture {
  readonly id: string;
  readonly serviceId: string;
  readonly departAt: string;
  readonly containers: readonly PlanContainer[];
  /** Parcels in its containers (loose cargo, as on flights, is counted by weight only). */
  readonly parcels: number;
  /** Weight carried: containers plus loose cargo, grams. */
  readonly weightG: number;
  readonly looseWeightG: number;
}

export interface PlanMove {
  readonly parcelId: string;
  readonly from?: string;
  readonly to?: string;
}

export interface Plan {
  readonly id: string;
  readonly status: PlanStatus;
  readonly progress: number;
  readonly createdAt?: string;
  readonly error?: string;
  readonly summary?: PlanSummary;
  readonly baseline?: PlanSummary;
  readonly departures: readonly PlanDeparture[];
  /** Parcels moved by a re-plan after a disruption. */
  readonly moved?: readonly PlanMove[];
  readonly disruption?: string;
  /** The window of ready times planned: its first instant (UTC) and length in days. */
  readonly horizon?: { from: string; days: number };
  /** Parcels held back (no itinerary or no capacity). */
  readonly held?: number;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function summaryOf(raw: unknown): PlanSummary | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const s = raw as Record<string, unknown>;
  const costMinor =
    num(s.costMinor) ?? num(s.totalCostMinor) ?? num((s.cost as Record<string, unknown>)?.totalMinor);
  if (costMinor === undefined) return undefined;
  const out: Record<string, unknown> = {
    costMinor,
    currency: String(s.currency ?? (s.cost as Record<string, unknown>)?.currency ?? 'USD'),
  };
  for (const k of [
    'lowerBoundMinor',
    'gapPercent',
    'onTimeRate',
    'co2eKg',
    'parcels',
    'late',
    'unplanned',
    'grossWeightG',
  ])
    if (num(s[k]) !== undefined) out[k] = s[k];
  if (out.co2eKg === undefined && num(s.co2eG) !== undefined) out.co2eKg = (s.co2eG as number) / 1000;
  if (out.unplanned === undefined && num(s.unserved) !== undefined) out.unplanned = s.unserved;
  return out as unknown as PlanSummary;
}

function containerOf(raw: Record<string, unknown>, i: number): PlanContainer {
  const ids = Array.isArray(raw.parcelIds)
    ? raw.parcelIds.map(String)
    : Array.isArray(raw.parcels)
      ? raw.parcels.map(String)
      : undefined;
  return {
    id: String(raw.id ?? `c${i + 1}`),
    type: String(raw.type ?? ''),
    parcels: num(raw.parcels) ?? ids?.length ?? 0,
    weightG: num(raw.weightG) ?? 0,
    ...(ids ? { parcelIds: ids } : {}),
    weightUtil: num(raw.weightUtil) ?? num(raw.weightUtilisation) ?? 0,
    volumeUtil: num(raw.volumeUtil) ?? num(raw.volumeUtilisation) ?? 0,
  };
}

/** Adapts a plan job as the API sends it. */
export function planOf(raw: Record<string, unknown>): Plan {
  const result = (raw.result ?? {}) as Record<string, unknown>;
  const deps = (Array.isArray(result.departures) ? result.departures : []) as Record<string, unknown>[];
  const baseline = result.baseline ?? result.greedy ?? (result.greedyBaseline as unknown);
  const summary = summaryOf(result.summary ?? raw.summary);
  const rawBaseline = ((baseline as Record<string, unknown> | undefined)?.summary ?? baseline) as
    | Record<string, unknown>
    | undefined;
  const baselineSummary = summaryOf(
    rawBaseline && rawBaseline.currency === undefined && summary
      ? { ...rawBaseline, currency: summary.currency }
      : rawBaseline,
  );
  const moved = (result.moved ?? result.moves) as Record<string, unknown>[] | undefined;
  const horizon = result.horizon as { from?: string; days?: number } | undefined;
  return {
    id: String(raw.id),
    status: String(raw.status ?? 'queued') as PlanStatus,
    progress: num(raw.progress) ?? 0,
    ...(typeof raw.createdAt === 'string' ? { createdAt: raw.createdAt } : {}),
    ...(raw.error ? { error: String(raw.error) } : {}),
    ...(summary ? { summary } : {}),
    ...(baselineSummary ? { baseline: baselineSummary } : {}),
    departures: deps.map((d) => {
      const containers = (Array.isArray(d.containers) ? d.containers : []) as Record<string, unknown>[];
      const list = containers.map(containerOf);
      return {
        id: String(d.id ?? d.departureId ?? ''),
        serviceId: String(d.serviceId ?? ''),
        departAt: String(d.departAt ?? ''),
        containers: list,
        parcels: num(d.parcels) ?? list.reduce((s, c) => s + c.parcels, 0),
        looseWeightG: num(d.looseWeightG) ?? 0,
        weightG: list.reduce((s, c) => s + c.weightG, 0) + (num(d.looseWeightG) ?? 0),
      };
    }),
    ...(Array.isArray(moved)
      ? {
          moved: moved.map((m) => ({
            parcelId: String(m.parcelId ?? m.id ?? ''),
            ...(m.from !== undefined ? { from: String(m.from) } : {}),
            ...(m.to !== undefined ? { to: String(m.to) } : {}),
          })),
        }
      : {}),
    ...(typeof result.disruption === 'string' ? { disruption: result.disruption } : {}),
    ...(horizon?.from && horizon.days ? { horizon: { from: horizon.from, days: horizon.days } } : {}),
    ...(num(result.held) !== undefined ? { held: result.held as number } : {}),
  };
}

export interface PlanParams {
  /** First ready day, YYYY-MM-DD in the hub's zone. */
  readonly from: string;
  readonly days: number;
  readonly currency: string;
  /** A disruption to apply before re-planning, and the plan to re-plan from. */
  readonly disruption?: Omit<Disruption, 'id'> & { id?: string };
  readonly basePlanId?: string;
}

export async function startPlan(key: string, params: PlanParams): Promise<{ id: string }> {
  const res = await call<Record<string, unknown>>(key, 'POST', '/v1/plans', params);
  return { id: String(res.id ?? res.jobId ?? res.planId) };
}

export async function getPlan(key: string, id: string): Promise<Plan> {
  return planOf(await call<Record<string, unknown>>(key, 'GET', `/v1/plans/${encodeURIComponent(id)}`));
}

export async function listPlans(key: string): Promise<Plan[]> {
  const res = await call<
    Record<string, unknown>[] | { items?: Record<string, unknown>[]; plans?: Record<string, unknown>[] }
  >(key, 'GET', '/v1/plans');
  const list = Array.isArray(res) ? res : (res.items ?? res.plans ?? []);
  return list.map(planOf);
}

/** The newest finished plan in the key's scope, with its result; undefined when none has finished. */
export async function latestPlan(key: string, features: Features): Promise<Plan | undefined> {
  if (!features.plans) return undefined;
  const list = await listPlans(key);
  const done = list.find((p) => p.status === 'done');
  if (!done) return undefined;
  return done.departures.length > 0 || done.summary ? done : getPlan(key, done.id);
}

/** The ids of the parcels a plan puts in one container, from the plan's CSV (`<departure>#<n>` ids). */
export async function containerParcelIds(
  key: string,
  planId: string,
  containerId: string,
): Promise<string[]> {
  const res = await fetch(`/v1/plans/${encodeURIComponent(planId)}/parcels.csv`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw new ApiError(res.status, `http-${res.status}`, res.statusText);
  return (await res.text())
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((cols) => (cols[2] ?? '').split(' ').includes(containerId))
    .map((cols) => cols[0] ?? '');
}

/** Where one parcel goes in a plan: its row of the plan's CSV (departures and containers in order). */
export async function parcelInPlan(
  key: string,
  planId: string,
  parcelId: string,
): Promise<
  | {
      departureIds: string[];
      containerIds: string[];
      gateway: string;
      deliveryDate: string;
      lateDays: number;
    }
  | undefined
> {
  const res = await fetch(`/v1/plans/${encodeURIComponent(planId)}/parcels.csv`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) return undefined;
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${parcelId},`));
  if (!line) return undefined;
  const [, deps = '', containers = '', gateway = '', deliveryDate = '', , lateDays = '0'] = line.split(',');
  if (!deps) return undefined;
  return {
    departureIds: deps.split(' ').filter(Boolean),
    containerIds: containers.split(' ').filter(Boolean),
    gateway,
    deliveryDate,
    lateDays: Number(lateDays),
  };
}

// ---------------------------------------------------------------------------------------------------
// Load plans (coming: POST /v1/load-plans)

export interface LoadBox {
  readonly id: string;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly weightG: number;
}

export interface Placement {
  readonly boxId: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly dx: number;
  readonly dy: number;
  readonly dz: number;
}

export interface LoadPlan {
  readonly container: { lengthMm: number; widthMm: number; heightMm: number };
  readonly placements: readonly Placement[];
  readonly unplaced: readonly string[];
  readonly volumeUtilisation: number;
  readonly weightUtilisation: number;
}

export async function loadPlan(
  key: string,
  request: {
    container: { lengthMm: number; widthMm: number; heightMm: number; payloadG: number };
    boxes: readonly LoadBox[];
    options?: { timeLimitMs?: number };
  },
): Promise<LoadPlan> {
  const res = await call<Record<string, unknown>>(key, 'POST', '/v1/load-plans', request);
  const body = (res.plan ?? res.loadPlan ?? res) as Record<string, unknown>;
  const util = body.utilisation as Record<string, unknown> | number | undefined;
  return {
    container: (body.container ?? request.container) as LoadPlan['container'],
    placements: (body.placements ?? []) as Placement[],
    unplaced: (body.unplaced ?? []) as string[],
    volumeUtilisation:
      num(body.volumeUtilisation) ?? (typeof util === 'number' ? util : num(util?.volume)) ?? 0,
    weightUtilisation:
      num(body.weightUtilisation) ?? (typeof util === 'object' ? num(util?.weight) : undefined) ?? 0,
  };
}
