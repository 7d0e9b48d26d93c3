import type { Selectable } from 'kysely';
import type {
  ConveyanceOverride,
  DeclarationStatus,
  HubCustomsProfile,
  Mismatch,
  ParcelDeclaration,
  ParcelReferences,
  SellerCustomsProfile,
  StatisticsLine,
} from '../customs/index.ts';
import { LandbridgeError } from '../domain/errors.ts';
import type { Parcel } from '../domain/parcel.ts';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import type { CustomsDeclarationsTable, CustomsListLinesTable } from './customs.tables.ts';
import { toParcel } from './parcels.repository.ts';

/** A parcel's declaration as stored. */
export interface DeclarationRecord {
  readonly parcelId: string;
  readonly sellerId: string;
  readonly departureId: string;
  readonly planId?: string;
  readonly status: DeclarationStatus;
  readonly tradeMode: string;
  readonly copNo: string;
  readonly orderNo: string;
  readonly ebcCode: string;
  readonly logisticsNo: string;
  readonly invtNo?: string;
  readonly preNo?: string;
  readonly documentStatus: {
    readonly order?: string;
    readonly payment?: string;
    readonly waybill?: string;
    readonly list?: string;
  };
  readonly reason?: string;
  readonly mismatches: readonly Mismatch[];
  readonly documents: ParcelDeclaration;
  readonly messages: readonly { readonly type: string; readonly id: string }[];
  readonly revision: number;
  readonly releasedAtMs?: number;
  readonly updatedAtMs: number;
}

/** A departure's customs record. */
export interface CustomsDepartureRecord {
  readonly departureId: string;
  readonly planId?: string;
  readonly conveyance: ConveyanceOverride;
  readonly copNo?: string;
  readonly masterStatus?: string;
  readonly arrivalStatus?: string;
  readonly departureStatus?: string;
  readonly updatedAtMs: number;
}

/** A message as written to the out folder. */
export interface CustomsMessageRecord {
  readonly id: string;
  readonly type: string;
  readonly guid: string;
  readonly departureId?: string;
  readonly fileName: string;
  readonly xml: string;
  readonly parcelCount: number;
  readonly createdAtMs: number;
}

/** A list line to keep (see `customs_list_lines`). */
export type ListLineRecord = StatisticsLine & {
  readonly sumNo?: string;
  readonly declSeqNo?: string;
  readonly entryId?: string;
  readonly gseqno?: number;
};

/** A filing: what one `send` writes in one transaction. */
export interface CustomsFiling {
  readonly departure: Omit<CustomsDepartureRecord, 'updatedAtMs'>;
  readonly declarations: readonly Omit<DeclarationRecord, 'updatedAtMs'>[];
  readonly lines: readonly ListLineRecord[];
  readonly messages: readonly Omit<CustomsMessageRecord, 'createdAtMs'>[];
}

/** A customs event of a parcel. */
export interface CustomsEventRecord {
  readonly id: string;
  readonly parcelId: string;
  readonly code: string;
  readonly reason?: string;
  readonly atMs: number;
}

export interface DeclarationFilter {
  readonly departureId?: string;
  readonly status?: DeclarationStatus;
  readonly sellerId?: string;
  readonly parcelIds?: readonly string[];
  readonly limit?: number;
  /** Parcel id to start after (ascending parcel ids). */
  readonly after?: string;
}

/** A receipt file taken in. */
export interface CustomsReceiptRecord {
  readonly id: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly msgType?: string;
  readonly status: 'processed' | 'error';
  readonly body?: unknown;
  readonly error?: string;
  readonly receivedAtMs: number;
}

/** A summary request record. */
export interface CustomsSummaryRecord {
  readonly copNo: string;
  readonly month: string;
  readonly ebcCode: string;
  readonly status: string;
  readonly sumNo?: string;
  readonly plan: unknown;
  readonly messageId?: string;
  readonly updatedAtMs: number;
}

/** Customs data of a hub: profiles, references, declarations, messages, receipts, summaries, events. */
export interface CustomsRepository {
  getHubProfile(hubId: string): Promise<HubCustomsProfile | undefined>;
  saveHubProfile(profile: HubCustomsProfile): Promise<void>;
  getSellerProfiles(hubId: string, sellerIds: readonly string[]): Promise<Map<string, SellerCustomsProfile>>;
  /** Saves profiles, all or nothing. */
  saveSellerProfiles(hubId: string, profiles: readonly SellerCustomsProfile[]): Promise<void>;
  getReferences(hubId: string, parcelIds: readonly string[]): Promise<Map<string, ParcelReferences>>;
  /** Saves references, all or nothing. */
  saveReferences(
    hubId: string,
    refs: readonly { readonly parcelId: string; readonly references: ParcelReferences }[],
  ): Promise<void>;
  /** The parcels with these ids (those that exist), in the order given. */
  getParcels(ids: readonly string[]): Promise<Parcel[]>;
  getDeparture(hubId: string, departureId: string): Promise<CustomsDepartureRecord | undefined>;
  findDepartureByCopNo(hubId: string, copNo: string): Promise<CustomsDepartureRecord | undefined>;
  saveConveyance(hubId: string, departureId: string, conveyance: ConveyanceOverride): Promise<void>;
  setDepartureStatus(
    hubId: string,
    departureId: string,
    patch: { master?: string; arrival?: string; departure?: string },
  ): Promise<void>;
  /** Writes a filing in one transaction (or the caller's): declarations (replacing earlier ones of the parcels), lines, messages. */
  recordFiling(hubId: string, filing: CustomsFiling): Promise<void>;
  listDeclarations(hubId: string, filter?: DeclarationFilter): Promise<DeclarationRecord[]>;
  countDeclarations(
    hubId: string,
    filter?: Omit<DeclarationFilter, 'limit' | 'after'>,
  ): Promise<Record<string, number>>;
  getDeclaration(hubId: string, parcelId: string): Promise<DeclarationRecord | undefined>;
  findDeclarations(
    hubId: string,
    key: 'cop_no' | 'order_no' | 'logistics_no' | 'invt_no',
    values: readonly string[],
  ): Promise<DeclarationRecord[]>;
  updateDeclaration(
    hubId: string,
    parcelId: string,
    patch: Partial<Pick<DeclarationRecord, 'status' | 'reason' | 'invtNo' | 'preNo' | 'releasedAtMs'>> & {
      documentStatus?: Partial<DeclarationRecord['documentStatus']>;
    },
  ): Promise<void>;
  /** Sets list numbers and release times on a parcel's lines. */
  updateLines(
    hubId: string,
    parcelId: string,
    patch: { invtNo?: string; releasedAtMs?: number | null },
  ): Promise<void>;
  /** Records the CEB792 mapping of list lines to declarations; returns how many lines matched. */
  mapSummaryLines(
    hubId: string,
    lines: readonly {
      invtNo: string;
      gnum: number;
      sumNo: string;
      declSeqNo: string;
      entryId?: string;
      gseqno?: number;
    }[],
  ): Promise<number>;
  /** Released list lines, released in [fromMs, toMs) when given. */
  releasedLines(
    hubId: string,
    window?: { fromMs?: number; toMs?: number },
    sellerEbcCodes?: readonly string[],
  ): Promise<ListLineRecord[]>;
  getMessage(hubId: string, id: string): Promise<CustomsMessageRecord | undefined>;
  listMessages(
    hubId: string,
    filter?: { departureId?: string; type?: string },
  ): Promise<Omit<CustomsMessageRecord, 'xml'>[]>;
  addMessages(hubId: string, messages: readonly Omit<CustomsMessageRecord, 'createdAtMs'>[]): Promise<void>;
  /** Whether a receipt with this content hash was taken in already. */
  hasReceipt(hubId: string, sha256: string): Promise<boolean>;
  addReceipt(hubId: string, receipt: CustomsReceiptRecord): Promise<boolean>;
  listReceipts(hubId: string, limit?: number): Promise<CustomsReceiptRecord[]>;
  saveSummary(hubId: string, summary: Omit<CustomsSummaryRecord, 'updatedAtMs'>): Promise<void>;
  getSummary(hubId: string, copNo: string): Promise<CustomsSummaryRecord | undefined>;
  listSummaries(hubId: string, month?: string): Promise<CustomsSummaryRecord[]>;
  updateSummary(hubId: string, copNo: string, patch: { status?: string; sumNo?: string }): Promise<void>;
  /** Records events (until the tracking event path takes them) and holds the parcels named. */
  recordEvents(hubId: string, events: readonly Omit<CustomsEventRecord, 'id'>[]): Promise<void>;
  listEvents(hubId: string, parcelId: string): Promise<CustomsEventRecord[]>;
  /** Sets parcels' status to held. */
  holdParcels(parcelIds: readonly string[]): Promise<void>;
}

const json = (v: unknown) => JSON.stringify(v);
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toDeclaration(r: Selectable<CustomsDeclarationsTable>): DeclarationRecord {
  const documentStatus: Record<string, string> = {};
  if (r.order_status) documentStatus.order = r.order_status;
  if (r.payment_status) documentStatus.payment = r.payment_status;
  if (r.waybill_status) documentStatus.waybill = r.waybill_status;
  if (r.list_status) documentStatus.list = r.list_status;
  return {
    parcelId: r.parcel_id,
    sellerId: r.seller_id,
    departureId: r.departure_id,
    ...(r.plan_id ? { planId: r.plan_id } : {}),
    status: r.status as DeclarationStatus,
    tradeMode: r.trade_mode,
    copNo: r.cop_no,
    orderNo: r.order_no,
    ebcCode: r.ebc_code,
    logisticsNo: r.logistics_no,
    ...(r.invt_no ? { invtNo: r.invt_no } : {}),
    ...(r.pre_no ? { preNo: r.pre_no } : {}),
    documentStatus,
    ...(r.reason ? { reason: r.reason } : {}),
    mismatches: JSON.parse(r.mismatches) as Mismatch[],
    documents: JSON.parse(r.documents) as ParcelDeclaration,
    messages: JSON.parse(r.messages) as DeclarationRecord['messages'],
    revision: r.revision,
    ...(r.released_at_ms !== null ? { releasedAtMs: Number(r.released_at_ms) } : {}),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

function toLine(r: Selectable<CustomsListLinesTable>): ListLineRecord {
  return {
    parcelId: r.parcel_id,
    copNo: r.cop_no,
    invtNo: r.invt_no ?? '',
    gnum: r.gnum,
    ebcCode: r.ebc_code,
    ebcName: r.ebc_name,
    ownerCode: r.owner_code,
    statisticsFlag: r.statistics_flag === 'A' ? 'A' : 'B',
    gcode: r.gcode,
    unit: r.unit,
    currency: r.currency,
    qty: Number(r.qty),
    totalMinor: Number(r.total_minor),
    arrivalCountry: r.arrival_country,
    destination: r.destination,
    trafMode: r.traf_mode,
    portCode: r.port_code,
    corridor: r.corridor,
    releasedAtMs: Number(r.released_at_ms ?? 0),
    ...(r.sum_no ? { sumNo: r.sum_no } : {}),
    ...(r.decl_seq_no ? { declSeqNo: r.decl_seq_no } : {}),
    ...(r.entry_id ? { entryId: r.entry_id } : {}),
    ...(r.gseqno !== null ? { gseqno: r.gseqno } : {}),
  };
}

let eventCounter = 0;

/** The customs repository over `ctx`. */
export function customsRepository(ctx: StoreContext): CustomsRepository {
  const { db } = ctx;
  const repo: CustomsRepository = {
    async getHubProfile(hubId) {
      const r = await db
        .selectFrom('customs_hub_profiles')
        .select('body')
        .where('hub_id', '=', hubId)
        .executeTakeFirst();
      return r ? (JSON.parse(r.body) as HubCustomsProfile) : undefined;
    },
    async saveHubProfile(profile) {
      const values = { hub_id: profile.hubId, body: json(profile), updated_at_ms: ctx.nowMs() };
      await db
        .insertInto('customs_hub_profiles')
        .values(values)
        .onConflict((oc) =>
          oc.column('hub_id').doUpdateSet({ body: values.body, updated_at_ms: values.updated_at_ms }),
        )
        .execute();
    },
    async getSellerProfiles(hubId, sellerIds) {
      const out = new Map<string, SellerCustomsProfile>();
      for (const ids of chunksOf([...new Set(sellerIds)], 500)) {
        const rows = await db
          .selectFrom('customs_seller_profiles')
          .select(['seller_id', 'body'])
          .where('hub_id', '=', hubId)
          .where('seller_id', 'in', ids)
          .execute();
        for (const r of rows) out.set(r.seller_id, JSON.parse(r.body) as SellerCustomsProfile);
      }
      return out;
    },
    async saveSellerProfiles(hubId, profiles) {
      await inTransaction(ctx, async (tx) => {
        for (const p of profiles) {
          const values = { hub_id: hubId, seller_id: p.sellerId, body: json(p), updated_at_ms: ctx.nowMs() };
          await tx.db
            .insertInto('customs_seller_profiles')
            .values(values)
            .onConflict((oc) =>
              oc
                .columns(['hub_id', 'seller_id'])
                .doUpdateSet({ body: values.body, updated_at_ms: values.updated_at_ms }),
            )
            .execute();
        }
      });
    },
    async getReferences(hubId, parcelIds) {
      const out = new Map<string, ParcelReferences>();
      for (const ids of chunksOf([...new Set(parcelIds)], 500)) {
        const rows = await db
          .selectFrom('customs_parcel_references')
          .select(['parcel_id', 'body'])
          .where('hub_id', '=', hubId)
          .where('parcel_id', 'in', ids)
          .execute();
        for (const r of rows) out.set(r.parcel_id, JSON.parse(r.body) as ParcelReferences);
      }
      return out;
    },
    async saveReferences(hubId, refs) {
      await inTransaction(ctx, async (tx) => {
        for (const r of refs) {
          const values = {
            hub_id: hubId,
            parcel_id: r.parcelId,
            body: json(r.references),
            updated_at_ms: ctx.nowMs(),
          };
          await tx.db
            .insertInto('customs_parcel_references')
            .values(values)
            .onConflict((oc) =>
              oc
                .columns(['hub_id', 'parcel_id'])
                .doUpdateSet({ body: values.body, updated_at_ms: values.updated_at_ms }),
            )
            .execute();
        }
      });
    },
    async getParcels(ids) {
      const byId = new Map<string, Parcel>();
      for (const chunk of chunksOf([...new Set(ids)], 500)) {
        const rows = await db.selectFrom('parcels').selectAll().where('id', 'in', chunk).execute();
        for (const r of rows) byId.set(r.id, toParcel(r));
      }
      return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    },
    async getDeparture(hubId, departureId) {
      const r = await db
        .selectFrom('customs_departures')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .executeTakeFirst();
      return r ? toDeparture(r) : undefined;
    },
    async findDepartureByCopNo(hubId, copNo) {
      const r = await db
        .selectFrom('customs_departures')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('cop_no', '=', copNo)
        .executeTakeFirst();
      return r ? toDeparture(r) : undefined;
    },
    async saveConveyance(hubId, departureId, conveyance) {
      const values = {
        hub_id: hubId,
        departure_id: departureId,
        plan_id: null,
        conveyance: json(conveyance),
        cop_no: null,
        master_status: null,
        arrival_status: null,
        departure_status: null,
        updated_at_ms: ctx.nowMs(),
      };
      await db
        .insertInto('customs_departures')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['hub_id', 'departure_id'])
            .doUpdateSet({ conveyance: values.conveyance, updated_at_ms: values.updated_at_ms }),
        )
        .execute();
    },
    async setDepartureStatus(hubId, departureId, patch) {
      await db
        .updateTable('customs_departures')
        .set({
          ...(patch.master !== undefined ? { master_status: patch.master } : {}),
          ...(patch.arrival !== undefined ? { arrival_status: patch.arrival } : {}),
          ...(patch.departure !== undefined ? { departure_status: patch.departure } : {}),
          updated_at_ms: ctx.nowMs(),
        })
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .execute();
    },
    async recordFiling(hubId, filing) {
      const now = ctx.nowMs();
      await inTransaction(ctx, async (tx) => {
        const d = filing.departure;
        const dep = {
          hub_id: hubId,
          departure_id: d.departureId,
          plan_id: d.planId ?? null,
          conveyance: json(d.conveyance),
          cop_no: d.copNo ?? null,
          master_status: d.masterStatus ?? null,
          arrival_status: d.arrivalStatus ?? null,
          departure_status: d.departureStatus ?? null,
          updated_at_ms: now,
        };
        await tx.db
          .insertInto('customs_departures')
          .values(dep)
          .onConflict((oc) =>
            oc.columns(['hub_id', 'departure_id']).doUpdateSet({
              plan_id: dep.plan_id,
              conveyance: dep.conveyance,
              cop_no: dep.cop_no,
              master_status: dep.master_status,
              arrival_status: dep.arrival_status,
              departure_status: dep.departure_status,
              updated_at_ms: now,
            }),
          )
          .execute();
        const ids = filing.declarations.map((x) => x.parcelId);
        for (const chunk of chunksOf(ids, 500)) {
          await tx.db
            .deleteFrom('customs_declarations')
            .where('hub_id', '=', hubId)
            .where('parcel_id', 'in', chunk)
            .execute();
          await tx.db
            .deleteFrom('customs_list_lines')
            .where('hub_id', '=', hubId)
            .where('parcel_id', 'in', chunk)
            .execute();
        }
        for (const chunk of chunksOf(filing.declarations, 200)) {
          await tx.db
            .insertInto('customs_declarations')
            .values(
              chunk.map((x) => ({
                hub_id: hubId,
                parcel_id: x.parcelId,
                seller_id: x.sellerId,
                departure_id: x.departureId,
                plan_id: x.planId ?? null,
                status: x.status,
                trade_mode: x.tradeMode,
                cop_no: x.copNo,
                order_no: x.orderNo,
                ebc_code: x.ebcCode,
                logistics_no: x.logisticsNo,
                invt_no: x.invtNo ?? null,
                pre_no: x.preNo ?? null,
                order_status: x.documentStatus.order ?? null,
                payment_status: x.documentStatus.payment ?? null,
                waybill_status: x.documentStatus.waybill ?? null,
                list_status: x.documentStatus.list ?? null,
                reason: x.reason ?? null,
                mismatches: json(x.mismatches),
                documents: json(x.documents),
                messages: json(x.messages),
                revision: x.revision,
                released_at_ms: x.releasedAtMs ?? null,
                updated_at_ms: now,
              })),
            )
            .execute();
        }
        for (const chunk of chunksOf(filing.lines, 200)) {
          await tx.db
            .insertInto('customs_list_lines')
            .values(
              chunk.map((l) => ({
                hub_id: hubId,
                parcel_id: l.parcelId,
                gnum: l.gnum,
                cop_no: l.copNo,
                invt_no: l.invtNo || null,
                ebc_code: l.ebcCode,
                ebc_name: l.ebcName,
                owner_code: l.ownerCode,
                statistics_flag: l.statisticsFlag,
                gcode: l.gcode,
                unit: l.unit,
                currency: l.currency,
                qty: l.qty,
                total_minor: l.totalMinor,
                arrival_country: l.arrivalCountry,
                destination: l.destination,
                traf_mode: l.trafMode,
                port_code: l.portCode,
                corridor: l.corridor,
                released_at_ms: l.releasedAtMs || null,
                sum_no: null,
                decl_seq_no: null,
                entry_id: null,
                gseqno: null,
              })),
            )
            .execute();
        }
        await customsRepository(tx).addMessages(hubId, filing.messages);
      });
    },
    async listDeclarations(hubId, filter = {}) {
      let q = db.selectFrom('customs_declarations').selectAll().where('hub_id', '=', hubId);
      if (filter.departureId) q = q.where('departure_id', '=', filter.departureId);
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.sellerId) q = q.where('seller_id', '=', filter.sellerId);
      if (filter.parcelIds)
        q = q.where('parcel_id', 'in', filter.parcelIds.length > 0 ? [...filter.parcelIds] : ['']);
      if (filter.after) q = q.where('parcel_id', '>', filter.after);
      const rows = await q
        .orderBy('parcel_id')
        .limit(filter.limit ?? 100_000)
        .execute();
      return rows.map(toDeclaration);
    },
    async countDeclarations(hubId, filter = {}) {
      let q = db
        .selectFrom('customs_declarations')
        .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('hub_id', '=', hubId);
      if (filter.departureId) q = q.where('departure_id', '=', filter.departureId);
      if (filter.sellerId) q = q.where('seller_id', '=', filter.sellerId);
      const rows = await q.groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    async getDeclaration(hubId, parcelId) {
      const r = await db
        .selectFrom('customs_declarations')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('parcel_id', '=', parcelId)
        .executeTakeFirst();
      return r ? toDeclaration(r) : undefined;
    },
    async findDeclarations(hubId, key, values) {
      const out: DeclarationRecord[] = [];
      for (const chunk of chunksOf([...new Set(values)], 500)) {
        const rows = await db
          .selectFrom('customs_declarations')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where(key, 'in', chunk)
          .execute();
        out.push(...rows.map(toDeclaration));
      }
      return out;
    },
    async updateDeclaration(hubId, parcelId, patch) {
      const ds = patch.documentStatus ?? {};
      await db
        .updateTable('customs_declarations')
        .set({
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.reason !== undefined ? { reason: patch.reason } : {}),
          ...(patch.invtNo !== undefined ? { invt_no: patch.invtNo } : {}),
          ...(patch.preNo !== undefined ? { pre_no: patch.preNo } : {}),
          ...(patch.releasedAtMs !== undefined ? { released_at_ms: patch.releasedAtMs } : {}),
          ...(ds.order !== undefined ? { order_status: ds.order } : {}),
          ...(ds.payment !== undefined ? { payment_status: ds.payment } : {}),
          ...(ds.waybill !== undefined ? { waybill_status: ds.waybill } : {}),
          ...(ds.list !== undefined ? { list_status: ds.list } : {}),
          updated_at_ms: ctx.nowMs(),
        })
        .where('hub_id', '=', hubId)
        .where('parcel_id', '=', parcelId)
        .execute();
    },
    async updateLines(hubId, parcelId, patch) {
      if (patch.invtNo === undefined && patch.releasedAtMs === undefined) return;
      await db
        .updateTable('customs_list_lines')
        .set({
          ...(patch.invtNo !== undefined ? { invt_no: patch.invtNo } : {}),
          ...(patch.releasedAtMs !== undefined ? { released_at_ms: patch.releasedAtMs } : {}),
        })
        .where('hub_id', '=', hubId)
        .where('parcel_id', '=', parcelId)
        .execute();
    },
    async mapSummaryLines(hubId, lines) {
      let n = 0;
      for (const l of lines) {
        const r = await db
          .updateTable('customs_list_lines')
          .set({
            sum_no: l.sumNo,
            decl_seq_no: l.declSeqNo,
            entry_id: l.entryId ?? null,
            gseqno: l.gseqno ?? null,
          })
          .where('hub_id', '=', hubId)
          .where('invt_no', '=', l.invtNo)
          .where('gnum', '=', l.gnum)
          .executeTakeFirst();
        n += Number(r.numUpdatedRows);
      }
      return n;
    },
    async releasedLines(hubId, window = {}, ebcCodes) {
      let q = db
        .selectFrom('customs_list_lines')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('released_at_ms', 'is not', null);
      if (window.fromMs !== undefined) q = q.where('released_at_ms', '>=', window.fromMs);
      if (window.toMs !== undefined) q = q.where('released_at_ms', '<', window.toMs);
      if (ebcCodes) q = q.where('ebc_code', 'in', ebcCodes.length > 0 ? [...ebcCodes] : ['']);
      const rows = await q.orderBy('parcel_id').orderBy('gnum').execute();
      return rows.map(toLine);
    },
    async getMessage(hubId, id) {
      const r = await db
        .selectFrom('customs_messages')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toMessage(r) : undefined;
    },
    async listMessages(hubId, filter = {}) {
      let q = db
        .selectFrom('customs_messages')
        .select(['id', 'type', 'guid', 'departure_id', 'file_name', 'parcel_count', 'created_at_ms'])
        .where('hub_id', '=', hubId);
      if (filter.departureId) q = q.where('departure_id', '=', filter.departureId);
      if (filter.type) q = q.where('type', '=', filter.type);
      const rows = await q.orderBy('created_at_ms').orderBy('id').execute();
      return rows.map((r) => {
        const { xml: _x, ...rest } = toMessage({ ...r, xml: '' });
        return rest;
      });
    },
    async addMessages(hubId, messages) {
      const now = ctx.nowMs();
      for (const chunk of chunksOf(messages, 50)) {
        await db
          .insertInto('customs_messages')
          .values(
            chunk.map((m) => ({
              id: m.id,
              hub_id: hubId,
              type: m.type,
              guid: m.guid,
              departure_id: m.departureId ?? null,
              file_name: m.fileName,
              xml: m.xml,
              parcel_count: m.parcelCount,
              created_at_ms: now,
            })),
          )
          .execute();
      }
    },
    async hasReceipt(hubId, sha256) {
      const r = await db
        .selectFrom('customs_receipts')
        .select('id')
        .where('hub_id', '=', hubId)
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      return r !== undefined;
    },
    async addReceipt(hubId, receipt) {
      const r = await db
        .insertInto('customs_receipts')
        .values({
          id: receipt.id,
          hub_id: hubId,
          file_name: receipt.fileName,
          sha256: receipt.sha256,
          msg_type: receipt.msgType ?? null,
          status: receipt.status,
          body: receipt.body === undefined ? null : json(receipt.body),
          error: receipt.error ?? null,
          received_at_ms: receipt.receivedAtMs,
        })
        .onConflict((oc) => oc.columns(['hub_id', 'sha256']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async listReceipts(hubId, limit = 200) {
      const rows = await db
        .selectFrom('customs_receipts')
        .selectAll()
        .where('hub_id', '=', hubId)
        .orderBy('received_at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        fileName: r.file_name,
        sha256: r.sha256,
        ...(r.msg_type ? { msgType: r.msg_type } : {}),
        status: r.status === 'error' ? 'error' : 'processed',
        ...(r.body ? { body: JSON.parse(r.body) } : {}),
        ...(r.error ? { error: r.error } : {}),
        receivedAtMs: Number(r.received_at_ms),
      }));
    },
    async saveSummary(hubId, s) {
      const values = {
        hub_id: hubId,
        cop_no: s.copNo,
        month: s.month,
        ebc_code: s.ebcCode,
        status: s.status,
        sum_no: s.sumNo ?? null,
        plan: json(s.plan),
        message_id: s.messageId ?? null,
        updated_at_ms: ctx.nowMs(),
      };
      await db
        .insertInto('customs_summaries')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['hub_id', 'cop_no']).doUpdateSet({
            status: values.status,
            plan: values.plan,
            message_id: values.message_id,
            updated_at_ms: values.updated_at_ms,
          }),
        )
        .execute();
    },
    async getSummary(hubId, copNo) {
      const r = await db
        .selectFrom('customs_summaries')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('cop_no', '=', copNo)
        .executeTakeFirst();
      return r ? toSummary(r) : undefined;
    },
    async listSummaries(hubId, month) {
      let q = db.selectFrom('customs_summaries').selectAll().where('hub_id', '=', hubId);
      if (month) q = q.where('month', '=', month);
      return (await q.orderBy('month').orderBy('cop_no').execute()).map(toSummary);
    },
    async updateSummary(hubId, copNo, patch) {
      await db
        .updateTable('customs_summaries')
        .set({
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.sumNo !== undefined ? { sum_no: patch.sumNo } : {}),
          updated_at_ms: ctx.nowMs(),
        })
        .where('hub_id', '=', hubId)
        .where('cop_no', '=', copNo)
        .execute();
    },
    async recordEvents(hubId, events) {
      const now = ctx.nowMs();
      for (const chunk of chunksOf(events, 200)) {
        await db
          .insertInto('customs_events')
          .values(
            chunk.map((e) => ({
              id: `ce-${now.toString(36)}-${(eventCounter++).toString(36)}-${e.parcelId}`,
              hub_id: hubId,
              parcel_id: e.parcelId,
              code: e.code,
              reason: e.reason ?? null,
              at_ms: e.atMs,
              created_at_ms: now,
            })),
          )
          .execute();
      }
    },
    async listEvents(hubId, parcelId) {
      const rows = await db
        .selectFrom('customs_events')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('parcel_id', '=', parcelId)
        .orderBy('at_ms')
        .orderBy('created_at_ms')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        parcelId: r.parcel_id,
        code: r.code,
        ...(r.reason ? { reason: r.reason } : {}),
        atMs: Number(r.at_ms),
      }));
    },
    async holdParcels(parcelIds) {
      for (const chunk of chunksOf(parcelIds, 500))
        await db.updateTable('parcels').set({ status: 'held' }).where('id', 'in', chunk).execute();
    },
  };
  return repo;
}

function toDeparture(r: {
  departure_id: string;
  plan_id: string | null;
  conveyance: string;
  cop_no: string | null;
  master_status: string | null;
  arrival_status: string | null;
  departure_status: string | null;
  updated_at_ms: number;
}): CustomsDepartureRecord {
  return {
    departureId: r.departure_id,
    ...(r.plan_id ? { planId: r.plan_id } : {}),
    conveyance: JSON.parse(r.conveyance) as ConveyanceOverride,
    ...(r.cop_no ? { copNo: r.cop_no } : {}),
    ...(r.master_status ? { masterStatus: r.master_status } : {}),
    ...(r.arrival_status ? { arrivalStatus: r.arrival_status } : {}),
    ...(r.departure_status ? { departureStatus: r.departure_status } : {}),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

function toMessage(r: {
  id: string;
  type: string;
  guid: string;
  departure_id: string | null;
  file_name: string;
  xml: string;
  parcel_count: number;
  created_at_ms: number;
}): CustomsMessageRecord {
  return {
    id: r.id,
    type: r.type,
    guid: r.guid,
    ...(r.departure_id ? { departureId: r.departure_id } : {}),
    fileName: r.file_name,
    xml: r.xml,
    parcelCount: Number(r.parcel_count),
    createdAtMs: Number(r.created_at_ms),
  };
}

function toSummary(r: {
  cop_no: string;
  month: string;
  ebc_code: string;
  status: string;
  sum_no: string | null;
  plan: string;
  message_id: string | null;
  updated_at_ms: number;
}): CustomsSummaryRecord {
  return {
    copNo: r.cop_no,
    month: r.month,
    ebcCode: r.ebc_code,
    status: r.status,
    ...(r.sum_no ? { sumNo: r.sum_no } : {}),
    plan: JSON.parse(r.plan),
    ...(r.message_id ? { messageId: r.message_id } : {}),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

/** Refuses an id list longer than `max`, naming the field. */
export function limitIds(ids: readonly string[], max: number, field: string): void {
  if (ids.length > max)
    throw new LandbridgeError('too-large', `at most ${max} ${field} at once`, [
      { where: { field }, why: `${ids.length} given` },
    ]);
}
