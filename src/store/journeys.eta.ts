import { sql } from 'kysely';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import { DELIVERY_COLUMNS, IN_LIST, prepared } from './journeys.columns.ts';
import { inChunks } from './journeys.reads.ts';
import type { JourneysRepository } from './journeys.repository.ts';

/** Parcels sharing an ETA: their key, route and position, and how many they are. */
export interface EtaGroup {
  readonly etaKey: string;
  readonly route: string;
  readonly stage: string;
  readonly positionKind: string | null;
  readonly positionNode: string | null;
  readonly positionMs: number | null;
  readonly parcels: number;
}

/** The window to set on the parcels of one ETA key. */
export interface EtaWindowRow {
  readonly etaKey: string;
  readonly p10Ms: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly basis: string;
}

/** ETA upkeep set-wise: parcels grouped by ETA key, windows set per key, sellers told of moves. */
export function journeyEta(
  ctx: StoreContext,
): Pick<JourneysRepository, 'etaGroups' | 'setEtaWindows' | 'queueEtaChanges'> {
  const { db } = ctx;
  return {
    async etaGroups(hubId, filter = {}) {
      const query = (routes?: string[]) =>
        db
          .selectFrom('parcel_journeys')
          .select((eb) => [
            'eta_key',
            'route',
            'stage',
            'position_kind',
            'position_node',
            'position_ms',
            eb.fn.countAll<number | string>().as('n'),
          ])
          .where('hub_id', '=', hubId)
          .where('eta_key', 'is not', null)
          .$if(routes !== undefined, (qb) => qb.where('route', 'in', routes!))
          .groupBy(['eta_key', 'route', 'stage', 'position_kind', 'position_node', 'position_ms'])
          .execute();
      // The whole hub on SQLite: one scan in storage order (the key's index would fetch every row at
      // random, a page read per parcel once the table outgrows the cache).
      const rows =
        filter.routes !== undefined
          ? await inChunks(filter.routes, (chunk) => query(chunk))
          : ctx.sqlite !== undefined
            ? await sql<{
                eta_key: string | null;
                route: string | null;
                stage: string;
                position_kind: string | null;
                position_node: string | null;
                position_ms: number | null;
                n: number;
              }>`select eta_key, route, stage, position_kind, position_node, position_ms, count(*) as n
                from parcel_journeys not indexed where hub_id = ${hubId} and eta_key is not null
                group by eta_key, route, stage, position_kind, position_node, position_ms`
                .execute(db)
                .then((r) => r.rows)
            : await query();
      return rows.map((r) => ({
        etaKey: r.eta_key!,
        route: r.route!,
        stage: r.stage,
        positionKind: r.position_kind,
        positionNode: r.position_node,
        positionMs: r.position_ms === null ? null : Number(r.position_ms),
        parcels: Number(r.n),
      }));
    },

    async setEtaWindows(hubId, windows, nowMs, options = {}) {
      if (windows.length === 0) return 0;
      return inTransaction(ctx, async (tx) => {
        let changed = 0;
        if (tx.sqlite !== undefined && options.wholeHub) {
          // Parcels of one key lie all over the table: an indexed UPDATE per key would rewrite every
          // page once per key. One pass instead, the keys' windows looked up in a temporary table.
          const sqlite = tx.sqlite;
          sqlite.exec(`create temp table if not exists lb_eta_windows (k text primary key, a integer,
            b integer, c integer, d text) without rowid`);
          sqlite.exec('delete from temp.lb_eta_windows');
          const put = prepared(sqlite, 'insert or replace into temp.lb_eta_windows values (?, ?, ?, ?, ?)');
          for (const w of windows) put.run(w.etaKey, w.p10Ms, w.p50Ms, w.p90Ms, w.basis);
          changed = prepared(
            sqlite,
            `update parcel_journeys not indexed set eta_p10_ms = w.a, eta_p50_ms = w.b, eta_p90_ms = w.c,
              eta_basis = w.d, eta_updated_ms = ?,
              eta_dep_p10_ms = coalesce(eta_dep_p10_ms, case when stage in ('departed', 'arrived') then w.a end),
              eta_dep_p50_ms = coalesce(eta_dep_p50_ms, case when stage in ('departed', 'arrived') then w.b end),
              eta_dep_p90_ms = coalesce(eta_dep_p90_ms, case when stage in ('departed', 'arrived') then w.c end)
            from temp.lb_eta_windows w
            where parcel_journeys.hub_id = ? and parcel_journeys.eta_key = w.k`,
          ).run(nowMs, hubId).changes;
          sqlite.exec('delete from temp.lb_eta_windows');
          return changed;
        }
        if (tx.sqlite !== undefined) {
          const statement =
            tx.sqlite.prepare(`update parcel_journeys set eta_p10_ms = ?, eta_p50_ms = ?, eta_p90_ms = ?,
              eta_basis = ?, eta_updated_ms = ?,
              eta_dep_p10_ms = coalesce(eta_dep_p10_ms, case when stage in ('departed', 'arrived') then ? end),
              eta_dep_p50_ms = coalesce(eta_dep_p50_ms, case when stage in ('departed', 'arrived') then ? end),
              eta_dep_p90_ms = coalesce(eta_dep_p90_ms, case when stage in ('departed', 'arrived') then ? end)
            where hub_id = ? and eta_key = ?`);
          for (const w of windows)
            changed += statement.run(
              w.p10Ms,
              w.p50Ms,
              w.p90Ms,
              w.basis,
              nowMs,
              w.p10Ms,
              w.p50Ms,
              w.p90Ms,
              hubId,
              w.etaKey,
            ).changes;
          return changed;
        }
        for (const chunk of chunksOf(windows, 5_000)) {
          const json = JSON.stringify(
            chunk.map((w) => ({ k: w.etaKey, a: w.p10Ms, b: w.p50Ms, c: w.p90Ms, d: w.basis })),
          );
          const r =
            await sql`update parcel_journeys j set eta_p10_ms = v.a, eta_p50_ms = v.b, eta_p90_ms = v.c,
              eta_basis = v.d, eta_updated_ms = ${nowMs},
              eta_dep_p10_ms = coalesce(j.eta_dep_p10_ms, case when j.stage in ('departed', 'arrived') then v.a end),
              eta_dep_p50_ms = coalesce(j.eta_dep_p50_ms, case when j.stage in ('departed', 'arrived') then v.b end),
              eta_dep_p90_ms = coalesce(j.eta_dep_p90_ms, case when j.stage in ('departed', 'arrived') then v.c end)
            from json_to_recordset(${json}::json) as v(k text, a bigint, b bigint, c bigint, d text)
            where j.hub_id = ${hubId} and j.eta_key = v.k`.execute(tx.db);
          changed += Number(r.numAffectedRows ?? 0n);
        }
        return changed;
      });
    },

    async queueEtaChanges(hubId, options) {
      const { stamp, causeEventId, thresholdMs, nowMs } = options;
      const run = async (tx: StoreContext, routes?: readonly string[]) => {
        const routeFilter =
          routes === undefined ? sql`` : sql`and j.route in (${sql.join(routes.map((r) => sql`${r}`))})`;
        const moved = sql`j.eta_p50_ms is not null and j.eta_notified_p50_ms is not null
          and (j.eta_p50_ms - j.eta_notified_p50_ms > ${thresholdMs} or j.eta_notified_p50_ms - j.eta_p50_ms > ${thresholdMs})`;
        const inserted = await sql`insert into webhook_deliveries (${sql.raw(DELIVERY_COLUMNS.join(', '))})
          select j.hub_id, s.id, ${`msg_eta_${stamp}_`} || j.parcel_id, j.seller_id, 'parcel.eta_changed', j.parcel_id,
            ${causeEventId}, null, 'pending', 0, cast(${nowMs} as bigint), null, j.eta_p10_ms, j.eta_p50_ms,
            j.eta_p90_ms, null, null, cast(${nowMs} as bigint), cast(${nowMs} as bigint), null
          from parcel_journeys j join webhook_subscriptions s on s.seller_id = j.seller_id and s.hub_id = j.hub_id
          where j.hub_id = ${hubId} and s.enabled = 1 and s.event_types like ${'%"parcel.eta_changed"%'}
            and ${moved} ${routeFilter}
          on conflict (subscription_id, message_id) do nothing`.execute(tx.db);
        await sql`update parcel_journeys set eta_notified_p50_ms = eta_p50_ms
          where hub_id = ${hubId} and eta_p50_ms is not null and (eta_notified_p50_ms is null or
            eta_p50_ms - eta_notified_p50_ms > ${thresholdMs} or eta_notified_p50_ms - eta_p50_ms > ${thresholdMs})
            ${routes === undefined ? sql`` : sql`and route in (${sql.join(routes.map((r) => sql`${r}`))})`}`.execute(
          tx.db,
        );
        return Number(inserted.numAffectedRows ?? 0n);
      };
      return inTransaction(ctx, async (tx) => {
        if (options.routes === undefined) return run(tx);
        let n = 0;
        for (const chunk of chunksOf([...new Set(options.routes)], IN_LIST)) n += await run(tx, chunk);
        return n;
      });
    },
  };
}
