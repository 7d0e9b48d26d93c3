import { LandbridgeError, type ParcelFileResult, type Problem, type Where } from '../domain/index.ts';
import { shippedHsIndex } from '../files/hs-files.ts';
import type { HsIndex } from '../hs/index.ts';
import type { NewParcel, Store } from '../store/index.ts';
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
  const hsCheck = checkBatchHsCodes(batch.records, options.hs ?? shippedHsIndex(), {
    ...(options.file ? { file: options.file } : {}),
    csv: options.file?.endsWith('.csv') ?? false,
  });
  problems.push(...hsCheck.problems);
  const sellerField = options.sellerField ?? 'seller_id';
  const base: Where = options.file ? { file: options.file } : {};
  const known = new Set((await store.sellers.list()).map((s) => s.id));
  const bySeller = new Map<string, { rows: readonly number[]; parcel: NewParcel }[]>();
  const seen = new Map<string, number>();
  const ordered: NewParcel[] = [];

  for (const record of batch.records) {
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
    const key = `${sellerId}\u0000${record.parcel.externalOrderId}`;
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
    const { readyAt, ...rest } = record.parcel;
    const parcel: NewParcel = {
      ...rest,
      id: parcelId(options.receivedAtMs + ordered.length),
      sellerId,
      status: 'announced',
      readyAtMs: readyAt ? Date.parse(readyAt) : options.receivedAtMs,
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

  for (const [sellerId, list] of bySeller) {
    const existing = await store.parcels.findExistingOrderIds(
      sellerId,
      list.map((p) => p.parcel.externalOrderId),
    );
    for (const p of list) {
      if (existing.has(p.parcel.externalOrderId)) {
        problems.push({
          where: {
            ...base,
            row: p.rows[0]!,
            field: options.file?.endsWith('.csv') ? 'external_order_id' : 'externalOrderId',
          },
          why: `order ${p.parcel.externalOrderId} of ${sellerId} was imported before`,
        });
      }
    }
  }

  if (problems.length > 0) {
    problems.sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0));
    const rows = new Set(problems.map((p) => p.where.row)).size;
    throw new LandbridgeError(
      'invalid-input',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} row${rows === 1 ? '' : 's'}; nothing was imported`,
      problems,
    );
  }

  const total = ordered.length;
  await store.transaction(async (tx) => {
    let written = 0;
    for (const [sellerId, list] of bySeller) {
      const parcels = list.map((p) => p.parcel);
      await tx.parcels.insertMany(sellerId, parcels);
      written += parcels.length;
      options.onProgress?.(written, total);
    }
  });
  return { imported: total, parcelIds: ordered.map((p) => p.id), flags: hsCheck.flags };
}
