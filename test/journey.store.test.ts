import { type Kysely, type MigrationProvider, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LandbridgeError, type ParcelInput, parcelsFromJson } from '../src/domain/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { type RecordOptions, recordEvents } from '../src/journey/index.ts';
import { connect } from '../src/store/connect.ts';
import { MIGRATIONS, openStore, parseDatabaseUrl, type Store } from '../src/store/index.ts';
import { dialects } from './fixtures/dialects.ts';
import { tinyNetwork } from './fixtures/networks.ts';
import { parcelInput } from './fixtures/parcel-input.ts';

const network = tinyNetwork();
const NOW = Date.parse('2026-12-03T12:00:00Z');
const DEPARTURE = 'train@2026-12-03T10:00';

const parcel = (
  orderId: string,
  over: Partial<ParcelInput> & { sellerId?: string } = {},
): ParcelInput & { sellerId: string } => ({
  sellerId: 'seller-a',
  ...parcelInput(orderId),
  ...over,
});

for (const dialect of await dialects()) {
  describe.skipIf(dialect.skipReason !== undefined)(`journey store and intake (${dialect.name})`, () => {
    let store: Store;
    let ids: string[];
    const opts = (over: Partial<RecordOptions> = {}): RecordOptions => ({
      hubId: 'hub',
      network,
      actor: { role: 'operator' },
      nowMs: NOW,
      ...over,
    });
    const status = async (id: string) =>
      (await store.db.selectFrom('parcels').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status;
    const eventCount = async () =>
      Number(
        (
          await store.db
            .selectFrom('tracking_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        if (e instanceof LandbridgeError) return e;
        throw e;
      }
      throw new Error('expected a refusal');
    };

    beforeAll(async () => {
      const url = await dialect.setUp();
      store = await openStore(url, { nowMs: () => NOW });
      await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
      await store.sellers.upsert({ id: 'seller-b', name: 'B Trading', country: 'CN' });
      const batch = parcelsFromJson(
        [parcel('A1'), parcel('A2'), parcel('A3'), parcel('B1', { sellerId: 'seller-b' }), parcel('A4')],
        't',
      );
      ids = [
        ...(
          await importParcels(store, batch, {
            actor: { role: 'operator' },
            receivedAtMs: NOW - 86_400_000,
            sellerField: 'sellerId',
          })
        ).parcelIds,
      ];
    });
    afterAll(async () => {
      await store?.close();
      await dialect.tearDown();
    });

    it('starts imported parcels as announced and gives each a tracking number', async () => {
      expect(await status(ids[0]!)).toBe('announced');
      expect(await store.journeys.ensure('hub')).toBe(5);
      expect(await store.journeys.ensure('hub')).toBe(0);
      const j = await store.journeys.get('hub', ids[0]!);
      expect(j?.tracking_number).toMatch(/^LB\d{11}$/);
      expect(j?.stage).toBe('announced');
    });

    it('records a receipt with the re-weigh audit, consolidation, and a container departing once for all inside', async () => {
      const [a, b] = ids as [string, string];
      const number = (await store.journeys.get('hub', b))!.tracking_number;
      const r = await recordEvents(
        store,
        [
          {
            eventId: 'r-a',
            code: 'HUB_RECEIVED',
            parcelId: a,
            eventTime: '2026-12-02T10:00:00+08:00',
            place: 'hub',
            measured: { weightG: 900 },
          },
          {
            eventId: 'r-b',
            code: 'HUB_RECEIVED',
            trackingNumber: number,
            eventTime: '2026-12-02T10:05:00+08:00',
            place: 'hub',
            measured: { weightG: 650 },
          },
          {
            eventId: 'c-a',
            code: 'CONSOLIDATED',
            parcelId: a,
            containerId: 'C1',
            eventTime: '2026-12-02T11:00:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'c-b',
            code: 'CONSOLIDATED',
            parcelId: b,
            containerId: 'C1',
            eventTime: '2026-12-02T11:01:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'g-1',
            code: 'GATED_IN',
            containerId: 'C1',
            eventTime: '2026-12-02T15:00:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'l-1',
            code: 'LOADED',
            containerId: 'C1',
            departureId: DEPARTURE,
            eventTime: '2026-12-03T09:00:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'd-1',
            code: 'DEPARTED',
            containerId: 'C1',
            departureId: DEPARTURE,
            eventTime: '2026-12-03T10:10:00+08:00',
            place: 'hub',
          },
        ],
        opts(),
      );
      expect(r).toMatchObject({ recorded: 7, duplicates: 0, exceptions: [] });
      expect(await status(a)).toBe('departed');
      expect(await status(b)).toBe('departed');
      // The container's events are stored once, not once per parcel.
      expect(await eventCount()).toBe(7);
      const ja = (await store.journeys.get('hub', a))!;
      expect(ja).toMatchObject({
        container_id: 'C1',
        reweigh_delta_g: 260,
        reweigh_flag: 1,
        position_node: 'hub',
        position_kind: 'left',
      });
      expect((await store.journeys.get('hub', b))!).toMatchObject({ reweigh_delta_g: 10, reweigh_flag: 0 });
      const dep = (await store.journeys.departures('hub', [DEPARTURE])).get(DEPARTURE)!;
      expect(dep.actual_ms).toBe(Date.parse('2026-12-03T02:10:00Z'));
      expect(dep.scheduled_ms).toBe(Date.parse('2026-12-03T02:00:00Z'));
    });

    it('does nothing for a repeat, replaces with a later version, and undoes a retraction by replaying', async () => {
      const [a] = ids as [string];
      const departed = {
        eventId: 'd-1',
        code: 'DEPARTED',
        containerId: 'C1',
        departureId: DEPARTURE,
        eventTime: '2026-12-03T10:10:00+08:00',
        place: 'hub',
      };
      expect((await recordEvents(store, [departed], opts())).duplicates).toBe(1);
      const later = await recordEvents(
        store,
        [{ ...departed, eventTime: '2026-12-03T10:20:00+08:00', updatedAt: '2026-12-03T11:00:00Z' }],
        opts(),
      );
      expect(later.replaced).toBe(1);
      expect((await store.journeys.eventsById('hub', ['d-1'])).get('d-1')!.event_time_ms).toBe(
        Date.parse('2026-12-03T02:20:00Z'),
      );
      const retraction = await recordEvents(store, [{ ...departed, retracted: true }], opts());
      expect(retraction.retracted).toBe(1);
      expect(await status(a)).toBe('loaded');
      // The row stays, marked: retractions never delete.
      expect((await store.journeys.eventsById('hub', ['d-1'])).get('d-1')!.retracted).toBe(1);
      expect(await eventCount()).toBe(7);
      const again = await recordEvents(store, [{ ...departed, eventId: 'd-2' }], opts());
      expect(again.parcelsChanged).toHaveLength(2);
      expect(await status(a)).toBe('departed');
    });

    it('refuses a bad batch whole, naming row and field: unknown parcel, future time, impossible transition, bad place', async () => {
      const [a, , c] = ids as [string, string, string];
      const before = await eventCount();
      const e = await refusal(
        recordEvents(
          store,
          [
            {
              eventId: 'ok-1',
              code: 'HUB_RECEIVED',
              parcelId: c,
              eventTime: '2026-12-03T11:00:00+08:00',
              place: 'hub',
            },
            {
              eventId: 'x-1',
              code: 'HUB_RECEIVED',
              parcelId: 'no-such-parcel',
              eventTime: '2026-12-03T11:00:00+08:00',
              place: 'hub',
            },
            {
              eventId: 'x-2',
              code: 'HUB_RECEIVED',
              parcelId: c,
              eventTime: '2026-12-05T11:00:00+08:00',
              place: 'hub',
            },
            {
              eventId: 'x-3',
              code: 'HUB_RECEIVED',
              parcelId: a,
              eventTime: '2026-12-03T11:00:00+08:00',
              place: 'hub',
            },
            {
              eventId: 'x-4',
              code: 'HUB_RECEIVED',
              parcelId: c,
              eventTime: '2026-12-03T11:00:00+08:00',
              place: 'Chongqing',
            },
            {
              eventId: 'x-5',
              code: 'EXPORT_CUSTOMS_HOLD',
              parcelId: c,
              eventTime: '2026-12-03T11:00:00+08:00',
            },
          ],
          opts(),
        ),
      );
      expect(e.code).toBe('invalid-input');
      expect(e.problems.map((p) => [p.where.row, p.where.field])).toEqual([
        [2, 'parcelId'],
        [3, 'eventTime'],
        [4, 'code'],
        [5, 'place'],
        [6, 'reason'],
      ]);
      expect(e.problems[2]!.why).toMatch(/departed cannot take HUB_RECEIVED/);
      expect(await eventCount()).toBe(before);
      expect(await status(c)).toBe('announced');
    });

    it('replays an event that arrives out of order, and refuses one that breaks the history', async () => {
      const c = ids[2]!;
      await recordEvents(
        store,
        [
          {
            eventId: 'c-c',
            code: 'HUB_RECEIVED',
            parcelId: c,
            eventTime: '2026-12-03T08:00:00+08:00',
            place: 'hub',
          },
        ],
        opts(),
      );
      // An earlier first-mile scan arrives late: it fits before the receipt.
      const late = await recordEvents(
        store,
        [
          {
            eventId: 'acc-c',
            code: 'ACCEPTED',
            parcelId: c,
            eventTime: '2026-12-02T08:00:00+08:00',
            place: 'CNCKG',
          },
        ],
        opts(),
      );
      expect(late.recorded).toBe(1);
      expect(await status(c)).toBe('received');
      // A late CANCELLED before the receipt would make the receipt impossible: refused, naming the history.
      const e = await refusal(
        recordEvents(
          store,
          [{ eventId: 'cx-c', code: 'CANCELLED', parcelId: c, eventTime: '2026-12-02T09:00:00+08:00' }],
          opts(),
        ),
      );
      expect(e.problems[0]).toMatchObject({ where: { row: 1, field: 'eventTime' } });
      expect(e.problems[0]!.why).toMatch(/no longer holds/);
    });

    it('holds a parcel from its container: it stays behind when the container leaves', async () => {
      const [, , c, , d] = ids as [string, string, string, string, string];
      await recordEvents(
        store,
        [
          {
            eventId: 'r-d',
            code: 'HUB_RECEIVED',
            parcelId: d,
            eventTime: '2026-12-03T08:00:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'k-c',
            code: 'CONSOLIDATED',
            parcelId: c,
            containerId: 'C2',
            eventTime: '2026-12-03T09:00:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'k-d',
            code: 'CONSOLIDATED',
            parcelId: d,
            containerId: 'C2',
            eventTime: '2026-12-03T09:00:00+08:00',
            place: 'hub',
          },
        ],
        opts(),
      );
      const hold = await recordEvents(
        store,
        [
          {
            eventId: 'h-c',
            code: 'EXPORT_CUSTOMS_HOLD',
            parcelId: c,
            eventTime: '2026-12-03T09:30:00+08:00',
            place: 'hub',
            reason: { code: 'inspection', text: 'X-ray' },
          },
        ],
        opts({ actor: { role: 'system', name: 'customs' } }),
      );
      expect(hold.parcelsChanged).toEqual([c]);
      expect(await status(c)).toBe('held');
      expect((await store.journeys.get('hub', c))!).toMatchObject({
        container_id: null,
        hold_reason: 'inspection: X-ray',
      });
      await recordEvents(
        store,
        [
          {
            eventId: 'g-2',
            code: 'GATED_IN',
            containerId: 'C2',
            eventTime: '2026-12-03T09:40:00+08:00',
            place: 'hub',
          },
          {
            eventId: 'dep-2',
            code: 'DEPARTED',
            containerId: 'C2',
            eventTime: '2026-12-03T10:00:00+08:00',
            place: 'hub',
            departureId: DEPARTURE,
          },
        ],
        opts(),
      );
      expect(await status(d)).toBe('departed');
      expect(await status(c)).toBe('held');
    });

    it('keeps a partner’s later milestone abroad as an exception', async () => {
      const a = ids[0]!;
      const r = await recordEvents(
        store,
        [
          {
            eventId: 'dl-a',
            code: 'DELIVERED',
            parcelId: a,
            eventTime: '2026-12-03T11:30:00+01:00',
            place: 'PLWAW',
            city: 'Warszawa',
          },
        ],
        opts(),
      );
      expect(r.exceptions).toHaveLength(1);
      expect(r.exceptions[0]!.why).toMatch(/skipping milestones/);
      expect(await status(a)).toBe('delivered');
      expect((await store.journeys.get('hub', a))!.exception).toMatch(/skipping/);
    });

    it('lets a seller record only first-mile events of its own parcels', async () => {
      const b = ids[3]!; // seller-b's parcel
      const seller = opts({ actor: { role: 'seller', sellerId: 'seller-a' } });
      const foreign = await refusal(
        recordEvents(
          store,
          [{ eventId: 's-1', code: 'CANCELLED', parcelId: b, eventTime: '2026-12-03T11:00:00+08:00' }],
          seller,
        ),
      );
      expect(foreign.problems[0]).toMatchObject({
        where: { row: 1, field: 'parcelId' },
        why: `no parcel ${b}`,
      });
      const hub = await refusal(
        recordEvents(
          store,
          [{ eventId: 's-2', code: 'DEPARTED', parcelId: ids[1]!, eventTime: '2026-12-03T11:00:00+08:00' }],
          seller,
        ),
      );
      expect(hub.problems[0]!.where.field).toBe('code');
      const own = await recordEvents(
        store,
        [{ eventId: 's-3', code: 'CANCELLED', parcelId: b, eventTime: '2026-12-03T11:00:00+08:00' }],
        opts({ actor: { role: 'seller', sellerId: 'seller-b' } }),
      );
      expect(own.recorded).toBe(1);
      expect(await status(b)).toBe('cancelled');
    });

    it('takes estimated departures as delays', async () => {
      const r = await recordEvents(
        store,
        [
          {
            eventId: 'est-1',
            code: 'DEPARTED',
            classifier: 'EST',
            departureId: 'train@2026-12-07T10:00',
            eventTime: '2026-12-10T10:00:00+08:00',
            reason: { code: 'other', text: 'border congestion' },
          },
        ],
        opts(),
      );
      expect(r.delayedDepartures).toEqual([
        {
          departureId: 'train@2026-12-07T10:00',
          estimatedMs: Date.parse('2026-12-10T02:00:00Z'),
          eventId: 'est-1',
        },
      ]);
      const bad = await refusal(
        recordEvents(
          store,
          [
            {
              eventId: 'est-2',
              code: 'DEPARTED',
              classifier: 'EST',
              departureId: 'train@2026-12-08T10:00',
              eventTime: '2026-12-10T10:00:00+08:00',
            },
          ],
          opts(),
        ),
      );
      expect(bad.problems[0]).toMatchObject({ where: { row: 1, field: 'departureId' } });
    });

    it('writes only the columns of a journey that changed, leaving what others set meanwhile', async () => {
      await store.journeys.ensure('hub');
      const id = ids[4]!;
      const before = (await store.journeys.getMany('hub', [id])).get(id)!;
      await store.db
        .updateTable('parcel_journeys')
        .set({ eta_basis: 'set meanwhile' })
        .where('parcel_id', '=', id)
        .execute();
      await store.journeys.write({
        events: [],
        journeys: [{ ...before, carrier: 'InPost', updated_at_ms: NOW + 1 }],
        before: new Map([[id, before]]),
        containers: [],
        departures: [],
        deliveries: [],
      });
      const after = await store.journeys.get('hub', id);
      expect(after).toMatchObject({ carrier: 'InPost', eta_basis: 'set meanwhile', updated_at_ms: NOW + 1 });
      expect(after?.stage).toBe(before.stage);
    });

    it('keeps on tracking events only the indexes a query reads', async () => {
      const names =
        dialect.name === 'sqlite'
          ? (
              await sql<{ name: string }>`select name from sqlite_master
                where type = 'index' and tbl_name = 'tracking_events' and sql is not null`.execute(store.db)
            ).rows
          : (
              await sql<{ name: string }>`select indexname as name from pg_indexes
                where tablename = 'tracking_events' and schemaname = current_schema()
                  and indexname not like '%_pk'`.execute(store.db)
            ).rows;
      expect(names.map((r) => r.name).sort()).toEqual([
        'tracking_events_container_idx',
        'tracking_events_subject_idx',
      ]);
    });

    it('indexes no journey stage, which nearly every event changes; the exception queue reads partial indexes', async () => {
      const indexes =
        dialect.name === 'sqlite'
          ? (
              await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
                where type = 'index' and tbl_name = 'parcel_journeys' and sql is not null`.execute(store.db)
            ).rows
          : (
              await sql<{
                name: string;
                sql: string;
              }>`select indexname as name, indexdef as sql from pg_indexes
                where tablename = 'parcel_journeys' and schemaname = current_schema()`.execute(store.db)
            ).rows;
      // An index keyed on the stage (its WHERE clause aside).
      const stageIndexes = indexes.filter((r) => /\bstage\b/.test(r.sql.split(/\swhere\s/i)[0]!));
      expect(stageIndexes.map((r) => r.name)).toEqual(['parcel_journeys_reweigh_idx']);
      expect(indexes.map((r) => r.name)).toEqual(
        expect.arrayContaining([
          'parcel_journeys_seller_only_idx',
          'parcel_journeys_delivery_failed_idx',
          'parcel_journeys_reweigh_idx',
          'parcel_journeys_hold_idx',
        ]),
      );
      if (dialect.name !== 'sqlite') return;
      const table = await sql<{ sql: string }>`select sql from sqlite_master
        where type = 'table' and name = 'tracking_events'`.execute(store.db);
      expect(table.rows[0]?.sql).toMatch(/WITHOUT ROWID$/);
      const plan = async (query: ReturnType<typeof sql>) =>
        (await sql<{ detail: string }>`explain query plan ${query}`.execute(store.db)).rows
          .map((r) => r.detail)
          .join('; ');
      expect(
        await plan(
          sql`select count(*) from parcel_journeys where hub_id = ${'hub'} and stage = ${'delivery_failed'}`,
        ),
      ).toContain('parcel_journeys_delivery_failed_idx');
      expect(
        await plan(
          sql`select count(*) from parcel_journeys where hub_id = ${'hub'} and reweigh_flag = ${1}
            and stage in (${'received'}, ${'loaded'})`,
        ),
      ).toContain('parcel_journeys_reweigh_idx');
      expect(
        await plan(sql`select count(*) from parcel_journeys where hub_id = ${'hub'} and hold is not null`),
      ).toContain('parcel_journeys_hold_idx');
    });
  });
}

for (const dialect of await dialects()) {
  describe.skipIf(dialect.skipReason !== undefined)(`journey migration keeps data (${dialect.name})`, () => {
    it('widens parcels.status to the journey states and maps planned to received', async () => {
      const url2 = await dialect.setUp();
      try {
        const conn = await connect(parseDatabaseUrl(url2));
        const provider: MigrationProvider = {
          getMigrations: async () => ({ '0001-initial': MIGRATIONS['0001-initial']! }),
        };
        const first = await new Migrator({
          db: conn.db as unknown as Kysely<unknown>,
          provider,
          ...(conn.schema ? { migrationTableSchema: conn.schema } : {}),
        }).migrateToLatest();
        expect(first.error).toBeUndefined();
        await conn.db
          .insertInto('sellers')
          .values({ id: 's', name: 'S', country: 'CN', customs_code: null, created_at_ms: 1 })
          .execute();
        const row = (id: string, status: string) => ({
          id,
          seller_id: 's',
          external_order_id: id,
          status: status as never,
          ready_at_ms: 1,
          created_at_ms: 1,
          promised_delivery_date: '2026-12-28',
          incoterm: 'DDP' as const,
          service_level: 'standard' as const,
          gross_weight_g: 1,
          length_mm: 1,
          width_mm: 1,
          height_mm: 1,
          dangerous_goods: '[]',
          consignee_country: 'PL',
          consignee_city: 'X',
          consignee_postcode: '1',
          consignee_name: 'N',
          consignee_address: 'A',
          consignee_phone: '+48 1',
          items: '[]',
          declared_value_minor: null,
          declared_currency: null,
        });
        await conn.db
          .insertInto('parcels')
          .values([row('p1', 'planned'), row('p2', 'delivered'), row('p3', 'held')])
          .execute();
        await conn.db.destroy();

        const store = await openStore(url2);
        try {
          const rows = await store.db.selectFrom('parcels').select(['id', 'status']).orderBy('id').execute();
          expect(rows).toEqual([
            { id: 'p1', status: 'received' },
            { id: 'p2', status: 'delivered' },
            { id: 'p3', status: 'held' },
          ]);
          await store.db
            .updateTable('parcels')
            .set({ status: 'out_for_delivery' })
            .where('id', '=', 'p2')
            .execute();
          await expect(
            store.db
              .updateTable('parcels')
              .set({ status: 'bogus' as never })
              .where('id', '=', 'p2')
              .execute(),
          ).rejects.toThrow();
          // Indexes survive the rebuild.
          const n = await store.parcels.count({ status: 'held' });
          expect(n).toBe(1);
          expect(await store.journeys.ensure('hub')).toBe(3);
          expect((await store.journeys.get('hub', 'p3'))!).toMatchObject({
            stage: 'received',
            hold: 'export',
          });
        } finally {
          await store.close();
        }
      } finally {
        await dialect.tearDown();
      }
    });
  });
}
