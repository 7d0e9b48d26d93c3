import { sql } from 'kysely';
import { bulkUpsert } from './bulk.ts';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import { CONTAINER_COLUMNS, DEPARTURE_COLUMNS } from './journeys.columns.ts';
import { byIdList, inChunks } from './journeys.reads.ts';
import type { JourneysRepository } from './journeys.repository.ts';

/**
 * The network as operated: parcels' planned routes and the departures they ride, departures' delays
 * and cancellations, containers of plans, the plans followed, and the durations observed.
 */
export function journeyRuns(
  ctx: StoreContext,
): Pick<
  JourneysRepository,
  | 'setRoutes'
  | 'addRoutes'
  | 'routesOfParcels'
  | 'routesOf'
  | 'putDepartures'
  | 'setDelay'
  | 'setCancelled'
  | 'putContainers'
  | 'containersOf'
  | 'setPlan'
  | 'plans'
  | 'runObservations'
  | 'parcelDurations'
> {
  const { db } = ctx;
  return {
    async setRoutes(rows) {
      if (rows.length === 0) return;
      await inTransaction(ctx, async (tx) => {
        if (tx.sqlite !== undefined) {
          const statement = tx.sqlite.prepare(
            'update parcel_journeys set route = ?, plan_id = ?, gateway = ?, zone_id = ?, eta_key = ? where parcel_id = ?',
          );
          for (const r of rows)
            statement.run(r.route, r.plan_id, r.gateway, r.zone_id, r.eta_key, r.parcel_id);
          return;
        }
        for (const chunk of chunksOf(rows, 5_000))
          await sql`update parcel_journeys j set route = v.route, plan_id = v.plan_id, gateway = v.gateway,
              zone_id = v.zone_id, eta_key = v.eta_key
            from json_to_recordset(${JSON.stringify(chunk)}::json)
              as v(parcel_id text, route text, plan_id text, gateway text, zone_id text, eta_key text)
            where j.parcel_id = v.parcel_id`.execute(tx.db);
      });
    },

    async addRoutes(hubId, pairs) {
      await inTransaction(ctx, (tx) =>
        bulkUpsert(
          tx,
          'tracking_routes',
          ['hub_id', 'route', 'departure_id'],
          ['hub_id', 'route', 'departure_id'],
          pairs.map((p) => ({ hub_id: hubId, route: p.route, departure_id: p.departureId })),
          'ignore',
        ),
      );
    },

    async routesOfParcels(hubId, parcelIds) {
      const rows = await byIdList<{ hub_id: string; route: string | null }>(
        ctx,
        'parcel_journeys',
        'parcel_id',
        'hub_id, route',
        parcelIds,
        (chunk) =>
          db
            .selectFrom('parcel_journeys')
            .select(['hub_id', 'route'])
            .where('parcel_id', 'in', chunk)
            .execute(),
      );
      return [...new Set(rows.flatMap((r) => (r.hub_id === hubId && r.route !== null ? [r.route] : [])))];
    },

    async routesOf(hubId, departureIds) {
      const rows = await inChunks(departureIds, (chunk) =>
        db
          .selectFrom('tracking_routes')
          .select('route')
          .distinct()
          .where('hub_id', '=', hubId)
          .where('departure_id', 'in', chunk)
          .execute(),
      );
      return [...new Set(rows.map((r) => r.route))];
    },

    async putDepartures(rows, onConflict) {
      await inTransaction(ctx, (tx) =>
        bulkUpsert(
          tx,
          'tracking_departures',
          DEPARTURE_COLUMNS,
          ['hub_id', 'departure_id'],
          rows,
          onConflict,
        ),
      );
    },

    async setDelay(hubId, departureId, nodeId, minutes, reason, nowMs) {
      await db
        .updateTable('tracking_departures')
        .set({ delay_node: nodeId, delay_minutes: minutes, reason, updated_at_ms: nowMs })
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .execute();
    },

    async setCancelled(hubId, departureId, reason, nowMs) {
      await db
        .updateTable('tracking_departures')
        .set({ cancelled: 1, reason, updated_at_ms: nowMs })
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .execute();
    },

    async putContainers(rows) {
      await inTransaction(ctx, (tx) =>
        bulkUpsert(tx, 'tracking_containers', CONTAINER_COLUMNS, ['hub_id', 'container_id'], rows, 'ignore'),
      );
    },

    async containersOf(hubId, departureId) {
      return db
        .selectFrom('tracking_containers')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .orderBy('container_id')
        .execute();
    },

    async setPlan(hubId, planId, status, cause, nowMs) {
      await inTransaction(ctx, async (tx) => {
        if (status === 'adopted')
          await tx.db
            .updateTable('tracking_plans')
            .set({ status: 'superseded' })
            .where('hub_id', '=', hubId)
            .where('status', '=', 'adopted')
            .where('plan_id', '<>', planId)
            .execute();
        await bulkUpsert(
          tx,
          'tracking_plans',
          ['hub_id', 'plan_id', 'status', 'cause', 'created_at_ms', 'adopted_at_ms'],
          ['hub_id', 'plan_id'],
          [
            {
              hub_id: hubId,
              plan_id: planId,
              status,
              cause,
              created_at_ms: nowMs,
              adopted_at_ms: status === 'adopted' ? nowMs : null,
            },
          ],
          'ignore',
        );
        await tx.db
          .updateTable('tracking_plans')
          .set({ status, ...(status === 'adopted' ? { adopted_at_ms: nowMs } : {}) })
          .where('hub_id', '=', hubId)
          .where('plan_id', '=', planId)
          .execute();
      });
    },

    async plans(hubId, status) {
      const rows = await db
        .selectFrom('tracking_plans')
        .selectAll()
        .where('hub_id', '=', hubId)
        .$if(status !== undefined, (qb) => qb.where('status', '=', status!))
        .orderBy('created_at_ms', 'desc')
        .execute();
      return rows.map((r) => ({
        planId: r.plan_id,
        status: r.status,
        cause: r.cause,
        createdAtMs: r.created_at_ms,
        adoptedAtMs: r.adopted_at_ms,
      }));
    },

    async runObservations(hubId, sinceMs) {
      const rows = await sql<{ dep: string; code: string; node: string; t: number | string }>`
        select coalesce(e.departure_id, c.departure_id) as dep, e.code as code, e.place_node as node,
          min(e.event_time_ms) as t
        from tracking_events e
        left join tracking_containers c on c.hub_id = e.hub_id and c.container_id = e.subject_id
        where e.hub_id = ${hubId} and e.subject_kind = 'container' and e.classifier = 'ACT' and e.retracted = 0
          and e.event_time_ms >= ${sinceMs} and e.place_node is not null
          and e.code in ('DEPARTED', 'ARRIVED', 'BORDER_CROSSED', 'DISCHARGED')
          and coalesce(e.departure_id, c.departure_id) is not null
        group by coalesce(e.departure_id, c.departure_id), e.code, e.place_node`.execute(db);
      return rows.rows.map((r) => ({
        departureId: r.dep,
        code: r.code,
        nodeId: r.node,
        timeMs: Number(r.t),
      }));
    },

    async parcelDurations(hubId, sinceMs) {
      const clearance = await db
        .selectFrom('parcel_journeys')
        .select(['gateway', 'arrived_at_ms', 'handed_at_ms'])
        .where('hub_id', '=', hubId)
        .where('handed_at_ms', '>=', sinceMs)
        .where('arrived_at_ms', 'is not', null)
        .where('gateway', 'is not', null)
        .execute();
      const lastMile = await db
        .selectFrom('parcel_journeys')
        .select(['zone_id', 'handed_at_ms', 'delivered_at_ms'])
        .where('hub_id', '=', hubId)
        .where('delivered_at_ms', '>=', sinceMs)
        .where('handed_at_ms', 'is not', null)
        .where('zone_id', 'is not', null)
        .execute();
      return [
        ...clearance.map((r) => ({
          key: `clearance:${r.gateway}`,
          minutes: (r.handed_at_ms! - r.arrived_at_ms!) / 60_000,
        })),
        ...lastMile.map((r) => ({
          key: `last-mile:${r.zone_id}`,
          minutes: (r.delivered_at_ms! - r.handed_at_ms!) / 60_000,
        })),
      ].filter((x) => x.minutes > 0);
    },
  };
}
