/**
 * The bad-input suite (issue 11): a table of bad requests over every route family and bad files and
 * options for the CLI, run on SQLite and (when reachable) PostgreSQL with one server per dialect. Each
 * case must answer a 4xx problem naming the field (or row, or file), write nothing (row counts of every
 * table but the idempotency and key tables unchanged), and leave the server healthy.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARCEL_CSV_COLUMNS } from '../src/domain/index.ts';
import { type ApiHub, apiHub, sampleParcel, sampleQuote } from './fixtures/api-hub.ts';
import { cliInProcess } from './fixtures/cli-in-process.ts';
import { dialects } from './fixtures/dialects.ts';
import { LEAK } from './fixtures/leak.ts';

type Role = 'operator' | 'seller' | 'none';

interface HttpCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly as?: Role;
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  /** The 4xx status, and the field (and row) a problem must name; or the problem code for a whole-request refusal. */
  readonly status: number;
  readonly field?: string;
  readonly row?: number;
  readonly code?: string;
}

/** Sets `value` at a dotted path of a copy of `base` (`undefined` deletes). */
function at(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const PARCEL = sampleParcel('bad-0');
const ITEM = (PARCEL.items as unknown[])[0];

/** A parcel field and the bad values it is tried with (each a case on POST /v1/parcels, row 2 of 2). */
const PARCEL_FIELDS: [string, unknown[]][] = [
  ['externalOrderId', ['', 'x'.repeat(65), 12, null, undefined]],
  ['items', [[], Array.from({ length: 101 }, () => ITEM), 'x', undefined]],
  ['items.0.description', ['', ' ', 'x'.repeat(201), 5]],
  ['items.0.hsCode', ['61091', 'abcdef', '6109.10', '999999', 610910]],
  ['items.0.quantity', [0, -1, 1.5, 100_001, '2']],
  ['items.0.unitValueMinor', [-1, 1.5, 2 ** 53, 1_000_000_000_001, '799']],
  ['items.0.currency', ['ZZZ', 'usd', 'RON', '']],
  ['items.0.originCountry', ['XX', 'QQ', 'cn', 'CHN']],
  ['grossWeightG', [0, -5, 40_000_001, 1.5, '640', null]],
  ['dimensions', [undefined, 'big']],
  ['dimensions.lengthMm', [0, 20_001, 1.5]],
  ['dimensions.widthMm', [3_001, -1]],
  ['dimensions.heightMm', [0, '80']],
  ['dangerousGoods', ['UN3481', Array.from({ length: 11 }, () => 'UN3481')]],
  ['dangerousGoods.0', ['3481', 'UN34810']],
  ['consignee', [undefined, 'Anna']],
  ['consignee.name', ['', 'x'.repeat(121)]],
  ['consignee.address', ['']],
  ['consignee.city', ['', 'War\u0000saw']],
  ['consignee.postcode', ['x'.repeat(21)]],
  ['consignee.country', ['XX', 'QQ', 'pl', 'POL']],
  ['consignee.phone', ['call me', '1']],
  ['promisedDeliveryDate', ['2026-02-30', '2026-13-01', '9999-01-01', '28.12.2026', undefined]],
  ['incoterm', ['FOB', undefined]],
  ['serviceLevel', ['fast', undefined]],
  ['readyAt', ['tomorrow', '2026-12-02T10:00:00', '9999-12-02T10:00:00Z', '2026-02-30T10:00:00Z']],
];

const QUOTE = sampleQuote();
const QUOTE_FIELDS: [string, unknown[]][] = [
  ['readyAt', [undefined, 'now', '9999-01-01T00:00:00Z']],
  ['destination', [undefined]],
  ['destination.country', ['XX', 'de']],
  ['destination.postcode', ['x'.repeat(21)]],
  ['currency', ['ZZZ']],
  ['incoterm', ['FOB']],
  ['promisedDeliveryDate', ['2026-02-30']],
  ['origin', ['Not An Id']],
  ['shipment.kind', ['boat']],
  ['shipment.grossWeightG', ['2300', 0, 70_001]],
  ['shipment.dimensions.lengthMm', [0]],
  ['shipment.dangerousGoods', [['3481']]],
];

const LANDED = {
  destination: 'DE',
  date: '2026-11-24',
  incoterm: 'DDP',
  grossWeightG: 400,
  items: [ITEM],
};
const LANDED_FIELDS: [string, unknown[]][] = [
  ['destination', ['XX', 'de', undefined]],
  ['date', ['2026-02-30', '9999-01-01']],
  ['items', [[]]],
  ['items.0.hsCode', ['999999']],
  ['items.0.quantity', [0]],
  ['items.0.unitValueMinor', [2 ** 53 - 1]],
  ['shippingMinor', [-1, 1e13]],
  ['costsCurrency', ['ZZZ']],
  ['incoterm', ['FOB']],
  ['subdivision', ['ON']],
  ['grossWeightG', [0]],
];

const BOX = { id: 'a', lengthMm: 600, widthMm: 400, heightMm: 300, weightG: 12_000 };
const LOAD = { containerType: '45G1', options: { timeLimitMs: 200 }, boxes: [BOX] };
const LOAD_FIELDS: [string, unknown[]][] = [
  ['containerType', ['XYZ1', undefined]],
  ['boxes', [[], 'x']],
  ['boxes.0.lengthMm', [0, 20_001, 2 ** 53 - 1]],
  ['boxes.0.weightG', [-1, 40_000_001]],
  ['boxes.0.id', ['']],
  ['boxes.0.orientations', [['abc'], []]],
  ['options.timeLimitMs', [10, 10_001]],
  ['options.support', ['half']],
];

const EVENT = { eventId: 'ev-1', code: 'ACCEPTED', parcelId: 'p-unknown', eventTime: '2026-11-30T10:00:00Z' };
const EVENT_FIELDS: [string, unknown[]][] = [
  ['eventId', ['', 'has space']],
  ['code', ['LOST_IN_SPACE']],
  ['eventTime', ['yesterday', '9999-01-01T00:00:00Z']],
  ['country', ['XX']],
  ['measured.weightG', [0]],
];

function httpCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  for (const [field, values] of PARCEL_FIELDS)
    for (const value of values) {
      const bad = at(sampleParcel('bad-2'), field, value) as Record<string, unknown>;
      cases.push({
        name: `POST /v1/parcels ${field} = ${JSON.stringify(value)?.slice(0, 30)}`,
        method: 'POST',
        url: '/v1/parcels',
        as: 'seller',
        body: { parcels: [sampleParcel('good-1'), bad] },
        status: 422,
        row: 2,
        field: field === 'items' && Array.isArray(value) && value.length > 0 ? 'items' : field,
      });
    }
  cases.push(
    {
      name: 'POST /v1/parcels a seller naming another seller',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      body: { parcels: [{ ...sampleParcel('x-1'), sellerId: 'seller-b' }] },
      status: 422,
      row: 1,
      field: 'sellerId',
    },
    {
      name: 'POST /v1/parcels the operator naming no seller',
      method: 'POST',
      url: '/v1/parcels',
      as: 'operator',
      body: { parcels: [sampleParcel('x-2')] },
      status: 422,
      row: 1,
      field: 'sellerId',
    },
    {
      name: 'POST /v1/parcels an unknown seller',
      method: 'POST',
      url: '/v1/parcels',
      as: 'operator',
      body: { parcels: [{ ...sampleParcel('x-3'), sellerId: 'seller-z' }] },
      status: 422,
      row: 1,
      field: 'sellerId',
    },
    {
      name: 'POST /v1/parcels an order twice in the batch',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      body: { parcels: [sampleParcel('twice'), sampleParcel('twice')] },
      status: 422,
      row: 2,
      field: 'externalOrderId',
    },
    {
      name: 'POST /v1/parcels no parcels',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      body: { parcels: [] },
      status: 422,
      field: 'parcels',
    },
    {
      name: 'POST /v1/parcels no body key',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      body: {},
      status: 422,
      field: 'parcels',
    },
    {
      name: 'POST /v1/parcels 10,001 parcels',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      body: { parcels: Array.from({ length: 10_001 }, (_, i) => ({ externalOrderId: `o${i}` })) },
      status: 422,
      field: 'parcels',
    },
    {
      name: 'POST /v1/parcels a number beyond 2^53',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      raw: JSON.stringify({ parcels: [sampleParcel('big-n')] }).replace(
        '"grossWeightG":640',
        '"grossWeightG":1e300',
      ),
      status: 422,
      row: 1,
      field: 'grossWeightG',
    },
    {
      name: 'POST /v1/parcels a lone surrogate',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      raw: JSON.stringify({ parcels: [sampleParcel('sur\ud800')] }),
      status: 422,
      row: 1,
      field: 'externalOrderId',
    },
    {
      name: 'POST /v1/parcels JSON nested 100 deep',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      raw: `{"parcels":[${'['.repeat(100)}${']'.repeat(100)}]}`,
      status: 422,
      row: 1,
    },
    {
      name: 'POST /v1/parcels not JSON',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      raw: '{"parcels":',
      status: 400,
      code: 'bad-json',
    },
    {
      name: 'POST /v1/parcels XML',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      raw: '<parcels/>',
      headers: { 'content-type': 'application/xml' },
      status: 415,
      code: 'unsupported-media-type',
    },
    {
      name: 'POST /v1/parcels a bad Idempotency-Key',
      method: 'POST',
      url: '/v1/parcels',
      as: 'seller',
      body: { parcels: [sampleParcel('idem-1')] },
      headers: { 'idempotency-key': 'has space' },
      status: 422,
      field: 'headers.idempotency-key',
    },
  );
  for (const [q, field] of [
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=abc', 'limit'],
    ['status=lost', 'status'],
    ['country=pl', 'country'],
    ['serviceLevel=fast', 'serviceLevel'],
    ['cursor=%00', 'cursor'],
    ['sellerId=Bad_Id', 'sellerId'],
  ] as const)
    cases.push({
      name: `GET /v1/parcels?${q}`,
      method: 'GET',
      url: `/v1/parcels?${q}`,
      as: 'operator',
      status: 422,
      field,
    });
  cases.push(
    {
      name: 'GET /v1/parcels/:id longer than any id',
      method: 'GET',
      url: `/v1/parcels/${'x'.repeat(101)}`,
      as: 'seller',
      status: 404,
      code: 'not-found',
    },
    {
      name: 'GET /v1/parcels/:id with NUL',
      method: 'GET',
      url: '/v1/parcels/a%00',
      as: 'seller',
      status: 422,
      field: 'id',
    },
  );
  for (const [field, values] of QUOTE_FIELDS)
    for (const value of values)
      cases.push({
        name: `POST /v1/quotes ${field} = ${JSON.stringify(value)}`,
        method: 'POST',
        url: '/v1/quotes',
        as: 'seller',
        body: at(QUOTE, field, value),
        status: 422,
        field,
      });
  cases.push(
    {
      name: 'POST /v1/quotes an item HS code that does not exist',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: at(QUOTE, 'shipment.items', [{ ...(ITEM as object), hsCode: '999999' }]),
      status: 422,
      field: 'shipment.items.0.hsCode',
    },
    {
      name: 'POST /v1/quotes an item worth more than any parcel',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: at(QUOTE, 'shipment.items', [{ ...(ITEM as object), unitValueMinor: 2 ** 50 }]),
      status: 422,
      field: 'shipment.items.0.unitValueMinor',
    },
    {
      name: 'POST /v1/quotes an empty batch',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: { requests: [] },
      status: 422,
      field: 'requests',
    },
    {
      name: 'POST /v1/quotes 1,001 requests',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: { requests: Array.from({ length: 1_001 }, () => QUOTE) },
      status: 422,
      field: 'requests',
    },
    {
      name: 'POST /v1/quotes a bad request in a batch',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: { requests: [QUOTE, at(QUOTE, 'currency', 'ZZZ')] },
      status: 422,
      field: 'requests.1.currency',
    },
    {
      name: 'POST /v1/quotes lcl without pieces',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: at(QUOTE, 'shipment', { kind: 'lcl', pieces: [] }),
      status: 422,
      field: 'shipment.pieces',
    },
    {
      name: 'POST /v1/quotes fcl of an unknown container type',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: at(QUOTE, 'shipment', {
        kind: 'fcl',
        containers: [{ type: 'XXXX', count: 1 }],
        cargoWeightG: 1000,
      }),
      status: 422,
      field: 'shipment.containers.0.type',
    },
    {
      name: 'POST /v1/quotes an origin the network does not have',
      method: 'POST',
      url: '/v1/quotes',
      as: 'seller',
      body: at(QUOTE, 'origin', 'nowhere'),
      status: 422,
      field: 'origin',
    },
  );
  for (const [field, values] of LANDED_FIELDS)
    for (const value of values)
      cases.push({
        name: `POST /v1/landed-cost ${field} = ${JSON.stringify(value)}`,
        method: 'POST',
        url: '/v1/landed-cost',
        as: 'seller',
        body: at(LANDED, field, value),
        status: 422,
        field,
      });
  for (const [field, values] of LOAD_FIELDS)
    for (const value of values)
      cases.push({
        name: `POST /v1/load-plans ${field} = ${JSON.stringify(value)?.slice(0, 30)}`,
        method: 'POST',
        url: '/v1/load-plans',
        as: 'seller',
        body: at(LOAD, field, value),
        status: 422,
        field,
      });
  for (const [field, value] of [
    ['container.lengthMm', 2 ** 53 - 1],
    ['container.lengthMm', 10_000_000],
    ['container.widthMm', 0],
    ['container.heightMm', 3_501],
    ['container.payloadG', 0],
  ] as const)
    cases.push({
      name: `POST /v1/load-plans ${field} = ${value}`,
      method: 'POST',
      url: '/v1/load-plans',
      as: 'seller',
      body: {
        container: at(
          { lengthMm: 12_000, widthMm: 2_350, heightMm: 2_690, payloadG: 26_000_000 },
          field.split('.')[1]!,
          value,
        ),
        boxes: [BOX],
      },
      status: 422,
      field,
    });
  cases.push({
    name: 'POST /v1/load-plans 5,001 boxes',
    method: 'POST',
    url: '/v1/load-plans',
    as: 'seller',
    body: { ...LOAD, boxes: Array.from({ length: 5_001 }, (_, i) => ({ ...BOX, id: `b${i}` })) },
    status: 422,
    field: 'boxes',
  });
  for (const [q, field] of [
    ['to=2026-12-03', 'from'],
    ['from=2026-12-01', 'to'],
    ['from=2026-02-30&to=2026-03-02', 'from'],
    ['from=9999-01-01&to=9999-12-31', 'from'],
    ['from=2026-12-03&to=2026-12-01', 'to'],
    ['from=2026-01-01&to=2027-12-31', 'to'],
    ['from=tomorrow&to=2026-12-03', 'from'],
    ['from=2026-12-01&to=2026-12-03&corridor=moon', 'corridor'],
  ] as const)
    cases.push({
      name: `GET /v1/departures?${q}`,
      method: 'GET',
      url: `/v1/departures?${q}`,
      as: 'seller',
      status: 422,
      field,
    });
  for (const [field, value] of [
    ['days', 90],
    ['days', 0],
    ['from', '2026-02-30'],
    ['currency', 'ZZZ'],
    ['latePenaltyMinorPerDay', -1],
    ['maxRounds', 1_000],
    ['disruption.effect', 'flooded'],
  ] as const)
    cases.push({
      name: `POST /v1/plans ${field} = ${value}`,
      method: 'POST',
      url: '/v1/plans',
      as: 'operator',
      body: field.startsWith('disruption')
        ? {
            days: 3,
            disruption: {
              nodeId: 'brest',
              from: '2026-12-12T00:00:00Z',
              to: '2026-12-19T00:00:00Z',
              effect: value,
              reason: 'x',
            },
          }
        : at({ days: 3 }, field, value),
      status: 422,
      field,
    });
  for (const [field, values] of EVENT_FIELDS)
    for (const value of values)
      cases.push({
        name: `POST /v1/events ${field} = ${JSON.stringify(value)}`,
        method: 'POST',
        url: '/v1/events',
        as: 'operator',
        body: { events: [EVENT, at({ ...EVENT, eventId: 'ev-2' }, field, value)] },
        status: 422,
        row: 2,
        field,
      });
  cases.push(
    {
      name: 'POST /v1/events no events',
      method: 'POST',
      url: '/v1/events',
      as: 'operator',
      body: { events: [] },
      status: 422,
      field: 'events',
    },
    {
      name: 'POST /v1/events an unknown parcel',
      method: 'POST',
      url: '/v1/events',
      as: 'operator',
      body: { events: [EVENT] },
      status: 422,
      row: 1,
      field: 'parcelId',
    },
    {
      name: 'GET /v1/hs/:code letters',
      method: 'GET',
      url: '/v1/hs/abcdef',
      as: 'seller',
      status: 422,
      field: 'code',
    },
    {
      name: 'GET /v1/hs with NUL',
      method: 'GET',
      url: '/v1/hs?q=%00',
      as: 'seller',
      status: 422,
      field: 'q',
    },
    {
      name: 'POST /v1/webhooks/subscriptions a URL that is not https',
      method: 'POST',
      url: '/v1/webhooks/subscriptions',
      as: 'seller',
      body: { url: 'ftp://example.com/hook', eventTypes: ['parcel.event'] },
      status: 422,
      field: 'url',
    },
    {
      name: 'PUT /v1/customs/sellers/:sellerId/profile not an id',
      method: 'PUT',
      url: '/v1/customs/sellers/Not_An_Id/profile',
      as: 'operator',
      body: {},
      status: 422,
      field: 'sellerId',
    },
    {
      name: 'GET /v1/stats/parcels?sellerId=Bad_Id',
      method: 'GET',
      url: '/v1/stats/parcels?sellerId=Bad_Id',
      as: 'operator',
      status: 422,
      field: 'sellerId',
    },
    {
      name: 'GET /%c0%ae a bad URL',
      method: 'GET',
      url: '/v1/parcels/%c0%ae',
      as: 'seller',
      status: 400,
      code: 'bad-url',
    },
    {
      name: 'DELETE /v1/parcels',
      method: 'DELETE',
      url: '/v1/parcels',
      as: 'seller',
      status: 405,
      code: 'method-not-allowed',
    },
    {
      name: 'POST /v1/plans as a seller',
      method: 'POST',
      url: '/v1/plans',
      as: 'seller',
      body: { days: 3 },
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'GET /v1/nothing without a key',
      method: 'GET',
      url: '/v1/nothing',
      as: 'none',
      status: 401,
      code: 'unauthorized',
    },
  );
  return cases;
}

interface CliCase {
  readonly name: string;
  readonly args: (dir: string) => string[];
  /** Text stderr must hold: the file, row and field (or the option) of the problem. */
  readonly says: RegExp;
}

const CSV_ROW: Record<(typeof PARCEL_CSV_COLUMNS)[number], string> = {
  seller_id: 'seller-a',
  external_order_id: 'csv-1',
  ready_at: '2026-12-02T10:00:00+08:00',
  promised_delivery_date: '2026-12-28',
  incoterm: 'DDP',
  service_level: 'standard',
  gross_weight_g: '640',
  length_mm: '300',
  width_mm: '200',
  height_mm: '80',
  dangerous_goods: '',
  consignee_name: 'Anna Nowak',
  consignee_address: 'ul. Marszalkowska 1',
  consignee_city: 'Warszawa',
  consignee_postcode: '00-001',
  consignee_country: 'PL',
  consignee_phone: '+48 22 123 45 67',
  item_description: 'Cotton T-shirt',
  item_hs_code: '610910',
  item_quantity: '2',
  item_unit_value: '7.99',
  item_currency: 'USD',
  item_origin_country: 'CN',
};

const CSV_BAD: [keyof typeof CSV_ROW, string][] = [
  ['external_order_id', ''],
  ['ready_at', 'soon'],
  ['promised_delivery_date', '2026-02-30'],
  ['incoterm', 'FOB'],
  ['service_level', 'fast'],
  ['gross_weight_g', '0'],
  ['gross_weight_g', 'heavy'],
  ['length_mm', '20001'],
  ['dangerous_goods', '3481'],
  ['consignee_name', ''],
  ['consignee_country', 'XX'],
  ['consignee_phone', 'call me'],
  ['item_hs_code', '999999'],
  ['item_hs_code', '61091'],
  ['item_quantity', '0'],
  ['item_unit_value', '12345678901234.99'],
  ['item_unit_value', '7.999'],
  ['item_currency', 'ZZZ'],
  ['item_origin_country', 'QQ'],
  ['seller_id', 'seller-z'],
];

function csvText(over: Partial<Record<keyof typeof CSV_ROW, string>>): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const row = (r: Record<string, string>) => PARCEL_CSV_COLUMNS.map((c) => quote(r[c] ?? '')).join(',');
  return `${PARCEL_CSV_COLUMNS.join(',')}\n${row({ ...CSV_ROW, external_order_id: 'csv-ok' })}\n${row({ ...CSV_ROW, ...over })}\n`;
}

function cliCases(): CliCase[] {
  const cases: CliCase[] = CSV_BAD.map(([column, value]) => ({
    name: `parcels import CSV ${column} = ${JSON.stringify(value)}`,
    args: (dir) => {
      const file = join(dir, `bad-${column}-${value.replace(/\W/g, '_')}.csv`);
      writeFileSync(file, csvText({ [column]: value }));
      return ['parcels', 'import', file];
    },
    says: new RegExp(`bad-${column}.*\\.csv row 3: ${column}[.:]`),
  }));
  cases.push(
    {
      name: 'parcels import JSON with a NUL',
      args: (dir) => {
        const file = join(dir, 'nul.json');
        writeFileSync(file, JSON.stringify([{ ...sampleParcel('n\u0000'), sellerId: 'seller-a' }]));
        return ['parcels', 'import', file];
      },
      says: /nul\.json row 1: externalOrderId: holds a NUL/,
    },
    {
      name: 'parcels import JSON that is not parcels',
      args: (dir) => {
        const file = join(dir, 'not-parcels.json');
        writeFileSync(file, '{"orders": 1}');
        return ['parcels', 'import', file];
      },
      says: /not-parcels\.json/,
    },
    {
      name: 'parcels import CSV with an unknown column',
      args: (dir) => {
        const file = join(dir, 'extra-col.csv');
        writeFileSync(
          file,
          csvText({})
            .replace('seller_id,', 'seller_id,colour,')
            .replace(/\n(.)/g, '\nred,$1')
            .replace('red,seller_id', 'seller_id'),
        );
        return ['parcels', 'import', file];
      },
      says: /extra-col\.csv row 1: colour: unknown column/,
    },
    {
      name: 'departures --from 2026-02-30',
      args: () => ['departures', '--from', '2026-02-30', '--to', '2026-03-02'],
      says: /--from must be a real date/,
    },
    {
      name: 'departures far apart',
      args: () => ['departures', '--from', '2026-01-01', '--to', '2027-12-31'],
      says: /--to must be after --from, by at most 400 days/,
    },
    {
      name: 'quote --to XX',
      args: () => [
        'quote',
        '--to',
        'XX',
        '--ready',
        '2026-12-03T10:00:00+08:00',
        '--weight-g',
        '2300',
        '--size',
        '400x300x200',
      ],
      says: /destination\.country: XX is not an ISO 3166-1 country code/,
    },
    {
      name: 'quote --ready not an instant',
      args: () => ['quote', '--to', 'PL', '--ready', 'soon', '--weight-g', '2300', '--size', '400x300x200'],
      says: /readyAt/,
    },
    {
      name: 'quote --currency ZZZ',
      args: () => [
        'quote',
        '--to',
        'PL',
        '--ready',
        '2026-12-03T10:00:00+08:00',
        '--weight-g',
        '2300',
        '--size',
        '400x300x200',
        '--currency',
        'ZZZ',
      ],
      says: /currency/,
    },
    {
      name: 'landed-cost --to XX',
      args: () => ['landed-cost', '--to', 'XX', '--date', '2026-11-24', '--item', '610910:2:7.99:USD'],
      says: /destination: XX is not an ISO 3166-1 country code/,
    },
    {
      name: 'landed-cost --date 2026-02-30',
      args: () => ['landed-cost', '--to', 'DE', '--date', '2026-02-30', '--item', '610910:2:7.99:USD'],
      says: /date: is not a real calendar date/,
    },
    {
      name: 'landed-cost an item worth too much',
      args: () => [
        'landed-cost',
        '--to',
        'DE',
        '--date',
        '2026-11-24',
        '--item',
        '610910:100000:90071992547409.91:USD',
      ],
      says: /unitValueMinor|item/,
    },
  );
  return cases;
}

/** Row counts of every table a request could write (idempotency answers and API keys aside). */
async function rowCounts(hub: ApiHub): Promise<Record<string, number>> {
  // The tables of this store's own schema: Kysely's introspection reads every schema of the database,
  // and another suite dropping its schema meanwhile failed it ("schema … does not exist").
  const listed =
    hub.store.dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  const tables = (await listed.execute(hub.store.db)).rows.map((t) => t.name);
  expect(tables).toContain('parcels');
  const out: Record<string, number> = {};
  for (const name of tables.sort()) {
    if (/^(kysely_|idempotency|api_keys)/.test(name)) continue;
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(
      hub.store.db,
    );
    out[name] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

const HTTP = httpCases();
const CLI = cliCases();

describe('the bad-input table', () => {
  it('holds at least 200 cases over the API routes and the CLI', () => {
    expect(HTTP.length + CLI.length).toBeGreaterThanOrEqual(200);
    const families = new Set(HTTP.map((c) => c.url.split('?')[0]!.split('/').slice(0, 3).join('/')));
    expect(families.size).toBeGreaterThanOrEqual(12);
  });
});

describe.each(await dialects())('bad input on $name', (dialect) => {
  let hub: ApiHub;
  let url: string;
  let dir: string;
  let before: Record<string, number>;

  beforeAll(async () => {
    if (dialect.skipReason) return;
    url = await dialect.setUp();
    hub = await apiHub(url);
    dir = await mkdtemp(join(tmpdir(), 'lb-bad-input-'));
    const seeded = await hub.app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: { authorization: `Bearer ${hub.keys.sellerA}` },
      payload: { parcels: [sampleParcel('seed-1')] },
    });
    expect(seeded.statusCode).toBe(201);
    before = await rowCounts(hub);
  }, 120_000);
  afterAll(async () => {
    if (dialect.skipReason) return;
    await hub.close();
    await dialect.tearDown();
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(dialect.skipReason !== undefined)(
    `answers each of ${HTTP.length} bad requests with a 4xx problem naming the field, writes nothing, stays healthy`,
    async () => {
      const keys: Record<Role, string | undefined> = {
        operator: hub.keys.operator,
        seller: hub.keys.sellerA,
        none: undefined,
      };
      const failures: string[] = [];
      for (const c of HTTP) {
        const key = keys[c.as ?? 'seller'];
        const res = await hub.app.inject({
          method: c.method,
          url: c.url,
          headers: {
            ...(key ? { authorization: `Bearer ${key}` } : {}),
            ...(c.raw !== undefined || c.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...c.headers,
          },
          ...(c.raw !== undefined
            ? { payload: c.raw }
            : c.body !== undefined
              ? { payload: JSON.stringify(c.body) }
              : {}),
        });
        const type = String(res.headers['content-type']);
        const problem = type.startsWith('application/problem+json') ? res.json() : undefined;
        const fields = ((problem?.problems ?? []) as { where: { field?: string; row?: number } }[]).map(
          (p) => p.where,
        );
        const named =
          c.field === undefined ||
          fields.some(
            (w) =>
              (w.field === c.field ||
                w.field?.endsWith(`.${c.field}`) ||
                w.field?.startsWith(`${c.field}.`)) &&
              (c.row === undefined || w.row === c.row),
          );
        const why = [
          res.statusCode !== c.status && `status ${res.statusCode}`,
          !problem && `content-type ${type}`,
          problem && c.code !== undefined && problem.code !== c.code && `code ${problem.code}`,
          !named && `fields ${JSON.stringify(fields)}`,
          LEAK.test(res.body) && 'leaks a server detail',
        ].filter(Boolean);
        if (why.length > 0) failures.push(`${c.name}: ${why.join('; ')} — ${res.body.slice(0, 200)}`);
      }
      expect(failures.join('\n')).toBe('');
      expect(await rowCounts(hub)).toEqual(before);
      const health = await hub.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
    },
    240_000,
  );

  it.skipIf(dialect.skipReason !== undefined)(
    `answers each of ${CLI.length} bad CLI inputs with exit 2 and a line naming file, row and field; writes nothing`,
    async () => {
      const failures: string[] = [];
      for (const c of CLI) {
        const run = await cliInProcess(url, ...c.args(dir));
        const why = [
          run.code !== 2 && `exit ${run.code}`,
          !c.says.test(run.err) && 'does not name the problem',
          /unexpected error|\n\s+at /.test(run.err) && 'prints a stack',
        ].filter(Boolean);
        if (why.length > 0) failures.push(`${c.name}: ${why.join('; ')} — ${run.err.slice(0, 300)}`);
      }
      expect(failures.join('\n')).toBe('');
      expect(await rowCounts(hub)).toEqual(before);
      expect((await hub.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    },
    240_000,
  );
});
