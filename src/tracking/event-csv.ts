import { parse } from 'csv-parse/sync';
import type { Problem } from '../domain/index.ts';

/**
 * The tracking event CSV: a row an event, the JSON fields in snake_case. `event_id`, `code` and
 * `event_time` (ISO 8601 with an offset) are required, and one subject: `parcel_id` or
 * `tracking_number`, `container_id`, or `departure_id`. Measurements (`weight_g`, `length_mm`,
 * `width_mm`, `height_mm`) come with HUB_RECEIVED; `retracted` and `simulated` are `true`/`false`.
 */
export const EVENT_CSV_COLUMNS = [
  'event_id',
  'code',
  'classifier',
  'parcel_id',
  'tracking_number',
  'container_id',
  'departure_id',
  'event_time',
  'place',
  'city',
  'country',
  'reason_code',
  'reason_text',
  'weight_g',
  'length_mm',
  'width_mm',
  'height_mm',
  'carrier',
  'last_mile_number',
  'updated_at',
  'retracted',
  'simulated',
  'source_system',
  'source_event_id',
] as const;

const REQUIRED = ['event_id', 'code', 'event_time'] as const;

/** Events read from a file: the raw inputs (for `EventInputSchema`), each one's row, and file-level problems. */
export interface EventFileResult {
  readonly inputs: readonly unknown[];
  /** The line of each input (CSV: the header is line 1) or its position (JSON, from 1). */
  readonly rows: readonly number[];
  readonly problems: readonly Problem[];
}

const camel: Record<string, string> = {
  event_id: 'eventId',
  parcel_id: 'parcelId',
  tracking_number: 'trackingNumber',
  container_id: 'containerId',
  departure_id: 'departureId',
  event_time: 'eventTime',
  carrier: 'carrier',
  last_mile_number: 'lastMileNumber',
  updated_at: 'updatedAt',
  source_system: 'sourceSystem',
  source_event_id: 'sourceEventId',
};

/**
 * Reads the event CSV into event inputs. Unknown columns and missing required ones are file problems;
 * cell values are left for the schema to judge (numbers and booleans are converted when they look
 * like one, so a bad one is reported by the schema with its row and field).
 */
export function eventsFromCsv(text: string, file: string): EventFileResult {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (e) {
    return {
      inputs: [],
      rows: [],
      problems: [{ where: { file }, why: `not valid CSV: ${(e as Error).message}` }],
    };
  }
  const header = records[0] ?? [];
  const known = new Set<string>(EVENT_CSV_COLUMNS);
  const problems: Problem[] = [];
  for (const h of header)
    if (!known.has(h))
      problems.push({
        where: { file, row: 1, field: h },
        why: `unknown column; the columns are ${EVENT_CSV_COLUMNS.join(', ')}`,
      });
  for (const r of REQUIRED)
    if (!header.includes(r))
      problems.push({ where: { file, row: 1, field: r }, why: 'required column missing' });
  if (problems.length > 0) return { inputs: [], rows: [], problems };
  const inputs: unknown[] = [];
  const rows: number[] = [];
  const num = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  const bool = (v: string) => (v === 'true' ? true : v === 'false' ? false : v);
  records.slice(1).forEach((cells, i) => {
    const get = (c: string) => {
      const k = header.indexOf(c);
      const v = k < 0 ? '' : (cells[k] ?? '');
      return v === '' ? undefined : v;
    };
    const e: Record<string, unknown> = {};
    for (const c of [
      'event_id',
      'code',
      'classifier',
      'parcel_id',
      'tracking_number',
      'container_id',
      'departure_id',
      'event_time',
      'place',
      'city',
      'country',
      'carrier',
      'last_mile_number',
      'updated_at',
      'source_system',
      'source_event_id',
    ]) {
      const v = get(c);
      if (v !== undefined) e[camel[c] ?? c] = v;
    }
    const reasonCode = get('reason_code');
    if (reasonCode !== undefined)
      e.reason = {
        code: reasonCode,
        ...(get('reason_text') !== undefined ? { text: get('reason_text') } : {}),
      };
    const weight = get('weight_g');
    if (weight !== undefined) {
      const m: Record<string, unknown> = { weightG: num(weight) };
      for (const [c, k] of [
        ['length_mm', 'lengthMm'],
        ['width_mm', 'widthMm'],
        ['height_mm', 'heightMm'],
      ] as const) {
        const v = get(c);
        if (v !== undefined) m[k] = num(v);
      }
      e.measured = m;
    }
    for (const c of ['retracted', 'simulated'] as const) {
      const v = get(c);
      if (v !== undefined) e[c] = bool(v);
    }
    inputs.push(e);
    rows.push(i + 2);
  });
  return { inputs, rows, problems };
}

/** Reads events from JSON: an array of events, or `{ "events": [...] }`. */
export function eventsFromJson(value: unknown, file: string): EventFileResult {
  const list = Array.isArray(value) ? value : (value as { events?: unknown } | null)?.events;
  if (!Array.isArray(list))
    return {
      inputs: [],
      rows: [],
      problems: [{ where: { file }, why: 'expected an array of events or { "events": [...] }' }],
    };
  return { inputs: list, rows: list.map((_, i) => i + 1), problems: [] };
}
