import { parse } from 'csv-parse/sync';
import { type Problem, problemsFromZod } from './errors.ts';
import { CURRENCY_EXPONENTS, type Currency, formatMinor, parseMajor } from './money.ts';
import { type ParcelDraft, type ParcelInput, ParcelInputSchema } from './parcel.ts';

/**
 * The parcel CSV: one row per item line, the parcel's columns repeated on each line of the same
 * `external_order_id` (as marketplaces export order lines). Amounts are decimals in major units of
 * `item_currency` (12.50 USD); weights in grams; sizes in millimetres; `dangerous_goods` lists UN
 * numbers separated by spaces or semicolons; `ready_at` is an ISO 8601 instant with offset (optional).
 * `seller_id` is optional: an operator importing for several sellers fills it in.
 */
export const PARCEL_CSV_COLUMNS = [
  'seller_id',
  'external_order_id',
  'ready_at',
  'promised_delivery_date',
  'incoterm',
  'service_level',
  'gross_weight_g',
  'length_mm',
  'width_mm',
  'height_mm',
  'dangerous_goods',
  'consignee_name',
  'consignee_address',
  'consignee_city',
  'consignee_postcode',
  'consignee_country',
  'consignee_phone',
  'item_description',
  'item_hs_code',
  'item_quantity',
  'item_unit_value',
  'item_currency',
  'item_origin_country',
] as const;
type Column = (typeof PARCEL_CSV_COLUMNS)[number];
const OPTIONAL_COLUMNS = new Set<Column>(['seller_id', 'ready_at', 'dangerous_goods']);

/** Column of each parcel-level field path, for error messages that name what the user typed. */
const FIELD_COLUMN: Record<string, Column> = {
  externalOrderId: 'external_order_id',
  readyAt: 'ready_at',
  promisedDeliveryDate: 'promised_delivery_date',
  incoterm: 'incoterm',
  serviceLevel: 'service_level',
  grossWeightG: 'gross_weight_g',
  'dimensions.lengthMm': 'length_mm',
  'dimensions.widthMm': 'width_mm',
  'dimensions.heightMm': 'height_mm',
  dangerousGoods: 'dangerous_goods',
  'consignee.name': 'consignee_name',
  'consignee.address': 'consignee_address',
  'consignee.city': 'consignee_city',
  'consignee.postcode': 'consignee_postcode',
  'consignee.country': 'consignee_country',
  'consignee.phone': 'consignee_phone',
};
const ITEM_COLUMN: Record<string, Column> = {
  description: 'item_description',
  hsCode: 'item_hs_code',
  quantity: 'item_quantity',
  unitValueMinor: 'item_unit_value',
  currency: 'item_currency',
  originCountry: 'item_origin_country',
};

/** A parcel read from a file, with the rows it came from and the seller named in the file, if any. */
export interface ParcelRecord {
  readonly rows: readonly number[];
  readonly sellerId?: string;
  readonly parcel: ParcelDraft;
}

export interface ParcelFileResult {
  readonly records: readonly ParcelRecord[];
  readonly problems: readonly Problem[];
}

function csvField(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes parcels as the parcel CSV (header plus one row per item line), newline-terminated. */
export function parcelsToCsv(parcels: Iterable<ParcelInput & { sellerId?: string }>): string {
  const lines: string[] = [PARCEL_CSV_COLUMNS.join(',')];
  for (const p of parcels) lines.push(...parcelCsvRows(p));
  return `${lines.join('\n')}\n`;
}

/** The CSV rows (without header) of one parcel: one per item line. */
export function parcelCsvRows(p: ParcelInput & { sellerId?: string }): string[] {
  const head = [
    p.sellerId,
    p.externalOrderId,
    p.readyAt,
    p.promisedDeliveryDate,
    p.incoterm,
    p.serviceLevel,
    p.grossWeightG,
    p.dimensions.lengthMm,
    p.dimensions.widthMm,
    p.dimensions.heightMm,
    (p.dangerousGoods ?? []).join(' '),
    p.consignee.name,
    p.consignee.address,
    p.consignee.city,
    p.consignee.postcode,
    p.consignee.country,
    p.consignee.phone,
  ]
    .map(csvField)
    .join(',');
  return p.items.map(
    (item) =>
      `${head},${[
        item.description,
        item.hsCode,
        item.quantity,
        formatMinor(item.unitValueMinor, item.currency as Currency),
        item.currency,
        item.originCountry,
      ]
        .map(csvField)
        .join(',')}`,
  );
}

const INTEGER = /^-?\d+$/;
const toNumber = (s: string): number | string => (INTEGER.test(s) ? Number(s) : s);

/**
 * Reads the parcel CSV. Rows of the same (seller_id, external_order_id) make one parcel; their parcel
 * columns must agree. Every problem names the file, the row (the header is row 1) and the column.
 * The answer holds either records or problems to report; callers write nothing when there are problems.
 */
export function parcelsFromCsv(text: string, file: string): ParcelFileResult {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true });
  } catch (e) {
    const err = e as { lines?: number; message: string };
    return {
      records: [],
      problems: [{ where: { file, ...(err.lines ? { row: err.lines } : {}) }, why: err.message }],
    };
  }
  const problems: Problem[] = [];
  const header = rows[0];
  if (!header)
    return { records: [], problems: [{ where: { file }, why: 'the file is empty: it needs a header row' }] };
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const col = name.trim();
    if (!(PARCEL_CSV_COLUMNS as readonly string[]).includes(col)) {
      problems.push({
        where: { file, row: 1, field: col },
        why: `unknown column; expected ${PARCEL_CSV_COLUMNS.join(', ')}`,
      });
    } else if (index.has(col)) {
      problems.push({ where: { file, row: 1, field: col }, why: 'column appears twice' });
    } else index.set(col, i);
  });
  for (const col of PARCEL_CSV_COLUMNS) {
    if (!index.has(col) && !OPTIONAL_COLUMNS.has(col)) {
      problems.push({ where: { file, row: 1, field: col }, why: 'required column is missing' });
    }
  }
  if (problems.length > 0) return { records: [], problems };

  interface Group {
    rows: number[];
    sellerId: string;
    key: string;
    cells: string[];
    items: Record<string, unknown>[];
  }
  const groups = new Map<string, Group>();
  const at = (cells: string[], col: Column) => {
    const i = index.get(col);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const parcelColumns = PARCEL_CSV_COLUMNS.filter((c) => !c.startsWith('item_'));

  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    const rowNo = r + 1;
    if (cells.length !== header.length) {
      problems.push({
        where: { file, row: rowNo },
        why: `has ${cells.length} fields, the header has ${header.length}`,
      });
      continue;
    }
    const sellerId = at(cells, 'seller_id');
    const orderId = at(cells, 'external_order_id');
    const key = `${sellerId}\u0000${orderId}`;
    let group = groups.get(key);
    if (!group) {
      group = { rows: [], sellerId, key, cells, items: [] };
      groups.set(key, group);
    } else {
      for (const col of parcelColumns) {
        if (at(cells, col) !== at(group.cells, col)) {
          problems.push({
            where: { file, row: rowNo, field: col },
            why: `differs from row ${group.rows[0]} of the same order ${orderId}`,
          });
        }
      }
    }
    group.rows.push(rowNo);
    const currency = at(cells, 'item_currency');
    const rawValue = at(cells, 'item_unit_value');
    let unitValueMinor: number | string = rawValue;
    if (Object.hasOwn(CURRENCY_EXPONENTS, currency)) {
      const minor = parseMajor(rawValue, currency as Currency);
      if (minor === undefined) {
        problems.push({
          where: { file, row: rowNo, field: 'item_unit_value' },
          why: `must be a decimal amount with at most ${CURRENCY_EXPONENTS[currency as Currency]} decimals for ${currency}, got "${rawValue}"`,
        });
      } else unitValueMinor = minor;
    }
    group.items.push({
      description: at(cells, 'item_description'),
      hsCode: at(cells, 'item_hs_code'),
      quantity: toNumber(at(cells, 'item_quantity')),
      unitValueMinor,
      currency,
      originCountry: at(cells, 'item_origin_country'),
    });
  }

  const records: ParcelRecord[] = [];
  for (const g of groups.values()) {
    const c = g.cells;
    const dg = at(c, 'dangerous_goods');
    const readyAt = at(c, 'ready_at');
    const candidate = {
      externalOrderId: at(c, 'external_order_id'),
      ...(readyAt ? { readyAt } : {}),
      promisedDeliveryDate: at(c, 'promised_delivery_date'),
      incoterm: at(c, 'incoterm'),
      serviceLevel: at(c, 'service_level'),
      grossWeightG: toNumber(at(c, 'gross_weight_g')),
      dimensions: {
        lengthMm: toNumber(at(c, 'length_mm')),
        widthMm: toNumber(at(c, 'width_mm')),
        heightMm: toNumber(at(c, 'height_mm')),
      },
      dangerousGoods: dg ? dg.split(/[\s;]+/).filter(Boolean) : [],
      consignee: {
        name: at(c, 'consignee_name'),
        address: at(c, 'consignee_address'),
        city: at(c, 'consignee_city'),
        postcode: at(c, 'consignee_postcode'),
        country: at(c, 'consignee_country'),
        phone: at(c, 'consignee_phone'),
      },
      items: g.items,
    };
    const parsed = ParcelInputSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String);
        if (path[0] === 'items' && path.length >= 3) {
          const itemIndex = Number(path[1]);
          problems.push({
            where: {
              file,
              row: g.rows[itemIndex] ?? g.rows[0]!,
              field: ITEM_COLUMN[path[2]!] ?? path.join('.'),
            },
            why: issue.message,
          });
        } else {
          const joined = path.join('.');
          problems.push({
            // dangerousGoods.1 is the dangerous_goods column, as a whole path is its own column
            where: {
              file,
              row: g.rows[0]!,
              field: FIELD_COLUMN[joined] ?? FIELD_COLUMN[String(path[0])] ?? joined,
            },
            why: issue.message,
          });
        }
      }
      continue;
    }
    records.push({ rows: g.rows, ...(g.sellerId ? { sellerId: g.sellerId } : {}), parcel: parsed.data });
  }
  problems.sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0));
  return { records, problems };
}

/**
 * Reads parcels from a JSON document: an array of parcels, or `{ "parcels": [...] }`. Each may carry a
 * `sellerId`. Problems name the file, the parcel's position (row = index + 1) and the field path.
 */
export function parcelsFromJson(value: unknown, file: string): ParcelFileResult {
  const list = Array.isArray(value) ? value : (value as { parcels?: unknown })?.parcels;
  if (!Array.isArray(list)) {
    return {
      records: [],
      problems: [{ where: { file }, why: 'expected an array of parcels or { "parcels": [...] }' }],
    };
  }
  const problems: Problem[] = [];
  const records: ParcelRecord[] = [];
  list.forEach((raw, i) => {
    const sellerId = (raw as { sellerId?: unknown })?.sellerId;
    const parsed = ParcelInputSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error, { file, row: i + 1 }));
      return;
    }
    records.push({
      rows: [i + 1],
      ...(typeof sellerId === 'string' ? { sellerId } : {}),
      parcel: parsed.data,
    });
  });
  return { records, problems };
}
