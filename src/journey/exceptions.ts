import { sql } from 'kysely';
import type { Store } from '../store/index.ts';
import { type Calibration, calibrate, statusOf } from '../tracking/index.ts';

/** What the operator's exceptions queue lists. */
export const EXCEPTION_KINDS = [
  'customs-hold',
  'delivery-failed',
  'reweigh',
  'late-departure',
  'skipped-milestones',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** A departure counts as late once it is this far behind its timetable, ms. */
export const LATE_DEPARTURE_MS = 60 * 60_000;

/** One item of the queue: a parcel or a departure that needs the operator, since when and why. */
export interface ExceptionItem {
  readonly kind: ExceptionKind;
  readonly parcelId: string | null;
  readonly trackingNumber: string | null;
  readonly sellerId: string | null;
  readonly status: string | null;
  readonly departureId: string | null;
  /** UTC ISO instant the exception began (the latest event of the parcel, or the departure's timetable). */
  readonly since: string;
  readonly detail: string;
}

/** The exceptions queue: counts of each kind and the newest items. */
export interface ExceptionQueue {
  readonly counts: Readonly<Record<ExceptionKind, number>>;
  readonly items: readonly ExceptionItem[];
}

const PARCEL_KINDS: Readonly<Record<Exclude<ExceptionKind, 'late-departure'>, true>> = {
  'customs-hold': true,
  'delivery-failed': true,
  reweigh: true,
  'skipped-milestones': true,
};

/**
 * The operator's exceptions queue: parcels held by customs, failed deliveries, re-weigh differences
 * beyond the tolerance (parcels still at the hub), events kept although they skipped milestones (last
 * 30 days), and departures late against their timetable (estimated later, left late in the last 14 days, or overdue with
 * containers loaded). Newest first; `kind` narrows it, `limit` caps the items (not the counts).
 */
export async function exceptionQueue(
  store: Store,
  hubId: string,
  options: { readonly nowMs: number; readonly kind?: ExceptionKind; readonly limit?: number },
): Promise<ExceptionQueue> {
  const limit = options.limit ?? 100;
  const since30 = options.nowMs - 30 * 86_400_000;
  const db = store.db;
  const parcelWhere = (kind: Exclude<ExceptionKind, 'late-departure'>) =>
    db
      .selectFrom('parcel_journeys')
      .where('hub_id', '=', hubId)
      .$call((qb) => {
        switch (kind) {
          case 'customs-hold':
            return qb.where('hold', 'is not', null);
          case 'delivery-failed':
            return qb.where('stage', '=', 'delivery_failed');
          case 'reweigh':
            return qb.where('reweigh_flag', '=', 1).where('stage', 'in', ['received', 'loaded']);
          case 'skipped-milestones':
            return qb.where('exception_at_ms', '>=', since30);
        }
      });
  const lateWhere = () =>
    db
      .selectFrom('tracking_departures as d')
      .where('d.hub_id', '=', hubId)
      .where((eb) =>
        eb.or([
          eb('d.cancelled', '=', 1),
          eb.and([
            eb('d.actual_ms', 'is', null),
            eb('d.estimated_ms', '>', sql<number>`d.scheduled_ms + ${LATE_DEPARTURE_MS}`),
          ]),
          eb.and([
            eb('d.actual_ms', '>', sql<number>`d.scheduled_ms + ${LATE_DEPARTURE_MS}`),
            eb('d.actual_ms', '>=', options.nowMs - 14 * 86_400_000),
          ]),
          eb.and([
            eb('d.actual_ms', 'is', null),
            eb('d.scheduled_ms', '<', options.nowMs - LATE_DEPARTURE_MS),
            eb.exists(
              eb
                .selectFrom('tracking_containers as c')
                .select('c.container_id')
                .whereRef('c.hub_id', '=', 'd.hub_id')
                .whereRef('c.departure_id', '=', 'd.departure_id')
                .where('c.stage', 'in', ['closed', 'loaded']),
            ),
          ]),
        ]),
      );

  const counts = {} as Record<ExceptionKind, number>;
  for (const kind of Object.keys(PARCEL_KINDS) as Exclude<ExceptionKind, 'late-departure'>[]) {
    const r = await parcelWhere(kind)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[kind] = Number(r.n);
  }
  counts['late-departure'] = Number(
    (
      await lateWhere()
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

  const items: ExceptionItem[] = [];
  const kinds = options.kind ? [options.kind] : EXCEPTION_KINDS;
  for (const kind of kinds) {
    if (kind === 'late-departure') {
      const rows = await lateWhere().selectAll('d').orderBy('d.scheduled_ms', 'desc').limit(limit).execute();
      for (const d of rows) {
        const behind = (d.actual_ms ?? d.estimated_ms ?? options.nowMs) - d.scheduled_ms;
        const hours = Math.round(behind / 360_000) / 10;
        items.push({
          kind,
          parcelId: null,
          trackingNumber: null,
          sellerId: null,
          status: null,
          departureId: d.departure_id,
          since: new Date(d.scheduled_ms).toISOString(),
          detail:
            d.cancelled === 1
              ? `cancelled${d.reason ? `: ${d.reason}` : ''}`
              : d.actual_ms !== null
                ? `left ${hours} h late`
                : d.estimated_ms !== null
                  ? `expected ${hours} h late${d.reason ? `: ${d.reason}` : ''}`
                  : `not confirmed departed, ${hours} h past its timetable`,
        });
      }
      continue;
    }
    const rows = await parcelWhere(kind)
      .selectAll()
      .orderBy(kind === 'skipped-milestones' ? 'exception_at_ms' : 'last_event_ms', 'desc')
      .limit(limit)
      .execute();
    for (const j of rows)
      items.push({
        kind,
        parcelId: j.parcel_id,
        trackingNumber: j.tracking_number,
        sellerId: j.seller_id,
        status: statusOf({ stage: j.stage as never, hold: j.hold }),
        departureId: null,
        since: new Date(
          (kind === 'skipped-milestones' ? j.exception_at_ms : j.last_event_ms) ?? j.updated_at_ms,
        ).toISOString(),
        detail:
          kind === 'customs-hold'
            ? `held by ${j.hold} customs${j.hold_reason ? `: ${j.hold_reason}` : ''}`
            : kind === 'reweigh'
              ? `measured ${j.measured_weight_g} g, ${j.reweigh_delta_g! >= 0 ? '+' : ''}${j.reweigh_delta_g} g against the declared weight`
              : kind === 'delivery-failed'
                ? 'delivery attempt failed'
                : (j.exception ?? ''),
      });
  }
  items.sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : 0));
  return { counts, items: items.slice(0, limit) };
}

/** The calibration report: overall and per destination gateway. */
export interface CalibrationReport {
  readonly since: string;
  readonly overall: Calibration;
  readonly byGateway: readonly (Calibration & { readonly gateway: string })[];
}

/**
 * How often deliveries landed inside the P10–P90 window published when their parcel departed (facts
 * §6.2 step 6), over parcels delivered in the last `days` days.
 */
export async function calibrationReport(
  store: Store,
  hubId: string,
  options: { readonly nowMs: number; readonly days?: number },
): Promise<CalibrationReport> {
  const sinceMs = options.nowMs - (options.days ?? 90) * 86_400_000;
  const rows = await store.db
    .selectFrom('parcel_journeys')
    .select(['gateway', 'delivered_at_ms', 'eta_dep_p10_ms', 'eta_dep_p50_ms', 'eta_dep_p90_ms'])
    .where('hub_id', '=', hubId)
    .where('delivered_at_ms', '>=', sinceMs)
    .where('eta_dep_p50_ms', 'is not', null)
    .execute();
  const data = rows.map((r) => ({
    gateway: r.gateway ?? '',
    deliveredMs: Number(r.delivered_at_ms),
    p10Ms: Number(r.eta_dep_p10_ms),
    p50Ms: Number(r.eta_dep_p50_ms),
    p90Ms: Number(r.eta_dep_p90_ms),
  }));
  const groups = new Map<string, typeof data>();
  for (const d of data) {
    const list = groups.get(d.gateway);
    if (list) list.push(d);
    else groups.set(d.gateway, [d]);
  }
  return {
    since: new Date(sinceMs).toISOString(),
    overall: calibrate(data),
    byGateway: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([gateway, list]) => ({ gateway, ...calibrate(list) })),
  };
}
