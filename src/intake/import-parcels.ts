import {
  LandbridgeError,
  type ParcelFileResult,
  type Problem,
  unstorableValues,
  type Where,
} from '../domain/index.ts';
import { shippedHsIndex } from '../files/hs-files.ts';
import type { HsIndex } from '../hs/index.ts';
import { type NewIdempotencyRecord, orderKey, type SellerParcel, type Store, Turns } from '../store/index.ts';
import { checkBatchHsCodes, type ImportFlag } from './hs-check.ts';
import { parcelId } from './parcel-id.ts';

/** Who is importing: a seller imports its own parcels; the operator names the seller per parcel. */
export type ImportActor =
  | { readonly role: 'operator' }
  | { readonly role: 'seller'; readonly sellerId: string };

export interface ImportOptions {
  readonly actor: ImportActor;
  /** The instant the batch arrived, in UTC epoch ms: the parcels' creation time and default ready time. */
  readonly receivedAtMs: number;
  /** Seller of parcels that do not name one (operator imports only). */
  readonly defaultSellerId?: string;
  /** How `where.field` names the seller in problems: `seller_id` for CSV, `sellerId` for JSON. */
  readonly sellerField?: string;
  readonly file?: string;
  /** Called as chunks are written, for a progress bar. */
  readonly onProgress?: (written: number, total: number) => void;
  /** The HS 2022 nomenclature and classifier item codes are checked with; the shipped one by default. */
  readonly hs?: HsIndex;
  /**
   * The answer to keep for the request's `Idempotency-Key`, given the result: stored in the same
   * transaction as the parcels, so a process killed between the commit and its reply leaves a retry
   * the answer to replay, never parcels without one (which a retry would refuse as imported before).
   */
  readonly answer?: (result: ImportResult) => NewIdempotencyRecord | undefined;
}

export interface ImportResult {
  readonly imported: number;
  readonly parcelIds: readonly string[];
  /** Lines imported but flagged: a description that does not fit its HS code, or is too vague. */
  readonly flags: readonly ImportFlag[];
}

/**
 * Imports a read batch, all or nothing. Throws `LandbridgeError('invalid-input')` listing every problem
 * (each with its file, row and field) and writes nothing when any record is bad: schema problems the
 * reader found, an unknown or foreign seller, an order id twice in the batch or already imported.
 */
export async function importParcels(
  store: Store,
  batch: ParcelFileResult,
  options: ImportOptions,
): Promise<ImportResult> {
  const problems: Problem[] = [...batch.problems];
  // Text no store keeps (NUL, a lone surrogate) is refused before any query carries it to the store.
  // A turn of the event loop every slice: a 60 MB batch is seconds of work in all.
  const turns = new Turns();
  const unstorable: Problem[] = [];
  for (const record of batch.records) {
    unstorable.push(
      ...unstorableValues(record.parcel, (pointer) => ({
        ...(options.file ? { file: options.file } : {}),
        row: record.rows[0]!,
        field: pointer.split('/').filter(Boolean).join('.'),
      })),
    );
    if (turns.due) await turns.take();
  }
  if (unstorable.length > 0) refuse([...problems, ...unstorable]);
  const hsCheck = await checkBatchHsCodes(batch.records, options.hs ?? shippedHsIndex(), {
    ...(options.file ? { file: options.file } : {}),
    csv: options.file?.endsWith('.csv') ?? false,
  });
  problems.push(...hsCheck.problems);
  const sellerField = options.sellerField ?? 'seller_id';
  const base: Where = options.file ? { file: options.file } : {};
  // The sellers this batch names (checked here, not every seller of the hub: thousands of them).
  const named = new Set<string>();
  if (options.actor.role === 'seller') named.add(options.actor.sellerId);
  else
    for (const record of batch.records) {
      const id = record.sellerId ?? options.defaultSellerId;
      if (id !== undefined) named.add(id);
    }
  const known = await store.sellers.existing([...named]);
  const bySeller = new Map<string, { rows: readonly number[]; parcel: SellerParcel }[]>();
  const seen = new Map<string, number>();
  const ordered: SellerParcel[] = [];

  await turns.take();
  for (const record of batch.records) {
    if (turns.due) await turns.take();
    const row = record.rows[0]!;
    let sellerId: string | undefined;
    if (options.actor.role === 'seller') {
      if (record.sellerId !== undefined && record.sellerId !== options.actor.sellerId) {
        problems.push({
          where: { ...base, row, field: sellerField },
          why: `a seller key imports only its own parcels; this row names ${record.sellerId}`,
        });
        continue;
      }
      sellerId = options.actor.sellerId;
    } else {
      sellerId = record.sellerId ?? options.defaultSellerId;
      if (sellerId === undefined) {
        problems.push({
          where: { ...base, row, field: sellerField },
          why: 'the operator must name the seller of each parcel',
        });
        continue;
      }
    }
    if (!known.has(sellerId)) {
      problems.push({ where: { ...base, row, field: sellerField }, why: `unknown seller ${sellerId}` });
      continue;
    }
    const key = orderKey(sellerId, record.parcel.externalOrderId);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        where: {
          ...base,
          row,
          field: options.file?.endsWith('.csv') ? 'external_order_id' : 'externalOrderId',
        },
        why: `order ${record.parcel.externalOrderId} appears again (first at row ${first})`,
      });
      continue;
    }
    seen.set(key, row);
    // Field by field, not `...rest`: spreading 100,000 parsed drafts cost seconds (measured 30 µs each).
    const d = record.parcel;
    const parcel: SellerParcel = {
      id: parcelId(options.receivedAtMs + ordered.length),
      sellerId,
      externalOrderId: d.externalOrderId,
      items: d.items,
      grossWeightG: d.grossWeightG,
      dimensions: d.dimensions,
      dangerousGoods: d.dangerousGoods,
      consignee: d.consignee,
      promisedDeliveryDate: d.promisedDeliveryDate,
      incoterm: d.incoterm,
      serviceLevel: d.serviceLevel,
      status: 'announced',
      readyAtMs: d.readyAt ? Date.parse(d.readyAt) : options.receivedAtMs,
      createdAtMs: options.receivedAtMs,
    };
    let list = bySeller.get(sellerId);
    if (!list) {
      list = [];
      bySeller.set(sellerId, list);
    }
    list.push({ rows: record.rows, parcel });
    ordered.push(parcel);
  }

  // Orders imported before: one query per few thousand, whatever the sellers.
  const existing = await store.parcels.findExistingOrders(ordered);
  if (existing.size > 0)
    for (const list of bySeller.values())
      for (const p of list) {
        if (!existing.has(orderKey(p.parcel.sellerId, p.parcel.externalOrderId))) continue;
        problems.push({
          where: {
            ...base,
            row: p.rows[0]!,
            field: options.file?.endsWith('.csv') ? 'external_order_id' : 'externalOrderId',
          },
          why: `order ${p.parcel.externalOrderId} of ${p.parcel.sellerId} was imported before`,
        });
      }

  if (problems.length > 0) refuse(problems);

  const total = ordered.length;
  const result: ImportResult = { imported: total, parcelIds: ordered.map((p) => p.id), flags: hsCheck.flags };
  const insertOptions = options.onProgress
    ? { onProgress: (written: number) => options.onProgress?.(written, total) }
    : {};
  const answer = options.answer?.(result);
  // All sellers' parcels in one write (one COPY on PostgreSQL), in the order they came.
  if (answer === undefined) await store.parcels.insertBatch(ordered, insertOptions);
  else
    await store.transaction(async (tx) => {
      await tx.parcels.insertBatch(ordered, insertOptions);
      await tx.idempotency.put(answer);
    });
  return result;
}

/** Throws the problems of a batch, by row, as one invalid-input error: nothing is imported. */
function refuse(problems: Problem[]): never {
  problems.sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0));
  const rows = new Set(problems.map((p) => p.where.row)).size;
  throw new LandbridgeError(
    'invalid-input',
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} row${rows === 1 ? '' : 's'}; nothing was imported`,
    problems,
  );
}
