import type { ParcelDeclaration } from './documents.ts';
import { decimal } from './messages.ts';

/** The document a mismatch is found in, against the list. */
export type MatchedDocument = 'order' | 'payment' | 'waybill' | 'list';

/**
 * One disagreement between a parcel's list and another of its documents: the field on each side and
 * both values, as written in the messages.
 */
export interface Mismatch {
  readonly parcelId: string;
  /** The rule broken (see {@link MATCHING_RULES}). */
  readonly rule: MatchingRule;
  readonly document: MatchedDocument;
  /** Field of the other document, e.g. `order.orderNo`, `payment.charge`, `order.lines[2].qty`. */
  readonly field: string;
  /** The list's value (or, for `payment.charge`, the order's value it must equal). */
  readonly expected: string;
  /** The other document's value. */
  readonly actual: string;
  readonly why: string;
}

/**
 * The rules, with where each comes from. Keys are the spec's [customs-china.md §6, HIGH]; the value
 * rules (goods value = Σ list lines, payment = goods value + freight, same currency, same weight) are
 * Landbridge's: the customs-side tolerances are not published, so Landbridge asks for equality.
 */
export const MATCHING_RULES = {
  'order-no': 'order ↔ list: the platform order number (orderNo) is the same',
  'order-platform': 'order ↔ list: the platform code (ebpCode) is the same',
  'order-enterprise': "order ↔ list: the e-commerce enterprise (ebcCode, the list's exporter) is the same",
  'order-lines':
    'order ↔ list: every list line has the order line of the same gnum, with the same item, quantity and total',
  'order-value': "order ↔ list: the order's goods value is the sum of the list lines (Landbridge rule)",
  'order-currency': 'order ↔ list: the same currency (Landbridge rule)',
  'payment-order': 'payment ↔ order: the receipt names the order (ebcCode, ebpCode, orderNo)',
  'payment-value':
    "payment ↔ order: the amount paid is the goods value plus freight, in the order's currency (Landbridge rule)",
  'waybill-no':
    'waybill ↔ list: the logistics company (logisticsCode) and waybill number (logisticsNo) are the same',
  'waybill-enterprise': "waybill ↔ list: the waybill's e-commerce enterprise, when given, is the list's",
  'waybill-weight': 'waybill ↔ list: the same gross weight (Landbridge rule)',
  'list-data': 'list: the data the hub needs to write it are there (country codes, one currency)',
} as const;
export type MatchingRule = keyof typeof MATCHING_RULES;

/** The matching verdict of one parcel. */
export interface MatchResult {
  readonly parcelId: string;
  readonly ok: boolean;
  readonly mismatches: readonly Mismatch[];
}

/**
 * Three-document matching (三单对碰) before anything is sent: the order, the payment receipt and the
 * waybill against the export list, on the spec's keys and Landbridge's value rules. Every mismatch
 * names the parcel, the field and both values. Pure.
 */
export function matchDeclaration(d: ParcelDeclaration): MatchResult {
  const out: Mismatch[] = [];
  const { order, payment, waybill, list } = d;
  const add = (
    rule: MatchingRule,
    document: MatchedDocument,
    field: string,
    expected: string,
    actual: string,
  ) => {
    out.push({ parcelId: d.parcelId, rule, document, field, expected, actual, why: MATCHING_RULES[rule] });
  };
  const same = (
    rule: MatchingRule,
    document: MatchedDocument,
    field: string,
    expected: string,
    actual: string,
  ) => {
    if (expected !== actual) add(rule, document, field, expected, actual);
  };

  for (const p of d.problems) add('list-data', 'list', `list.${p.field}`, 'a value customs accept', p.why);

  same('order-no', 'order', 'order.orderNo', list.orderNo, order.orderNo);
  same('order-platform', 'order', 'order.ebpCode', list.ebpCode, order.ebpCode);
  same('order-enterprise', 'order', 'order.ebcCode', list.ebcCode, order.ebcCode);
  same('order-currency', 'order', 'order.currency', list.currency, order.currency);
  const orderLines = new Map(order.lines.map((l) => [l.gnum, l]));
  let listTotal = 0;
  for (const l of list.lines) {
    listTotal += l.totalMinor;
    const o = orderLines.get(l.gnum);
    const at = `order.lines[${l.gnum}]`;
    if (!o) {
      add('order-lines', 'order', `${at}.gnum`, String(l.gnum), '(no such line)');
      continue;
    }
    same('order-lines', 'order', `${at}.itemNo`, l.itemNo, o.itemNo);
    same('order-lines', 'order', `${at}.qty`, String(l.qty), String(o.qty));
    same(
      'order-lines',
      'order',
      `${at}.totalPrice`,
      decimal(l.totalMinor, l.currency),
      decimal(o.totalMinor, o.currency),
    );
  }
  for (const o of order.lines)
    if (!list.lines.some((l) => l.gnum === o.gnum))
      add('order-lines', 'order', `order.lines[${o.gnum}].gnum`, '(no such list line)', String(o.gnum));
  same(
    'order-value',
    'order',
    'order.goodsValue',
    decimal(listTotal, list.currency),
    decimal(order.goodsValueMinor, order.currency),
  );

  same('payment-order', 'payment', 'payment.orderNo', list.orderNo, payment.orderNo);
  same('payment-order', 'payment', 'payment.ebcCode', list.ebcCode, payment.ebcCode);
  same('payment-order', 'payment', 'payment.ebpCode', list.ebpCode, payment.ebpCode);
  same('payment-value', 'payment', 'payment.currency', order.currency, payment.currency);
  same(
    'payment-value',
    'payment',
    'payment.charge',
    decimal(order.goodsValueMinor + order.freightMinor, order.currency),
    decimal(payment.chargeMinor, payment.currency),
  );

  same('waybill-no', 'waybill', 'waybill.logisticsCode', list.logisticsCode, waybill.logisticsCode);
  same('waybill-no', 'waybill', 'waybill.logisticsNo', list.logisticsNo, waybill.logisticsNo);
  if (waybill.ebcCode)
    same('waybill-enterprise', 'waybill', 'waybill.ebcCode', list.ebcCode, waybill.ebcCode);
  same(
    'waybill-weight',
    'waybill',
    'waybill.grossWeight',
    String(list.grossWeightG / 1000),
    String(waybill.grossWeightG / 1000),
  );

  return { parcelId: d.parcelId, ok: out.length === 0, mismatches: out };
}

/** Matching over many parcels: the verdicts, and counts for a report. */
export function matchDeclarations(decls: readonly ParcelDeclaration[]): {
  readonly results: readonly MatchResult[];
  readonly matched: number;
  readonly mismatched: number;
} {
  const results = decls.map(matchDeclaration);
  const mismatched = results.filter((r) => !r.ok).length;
  return { results, matched: results.length - mismatched, mismatched };
}

/** One line for a person: `P000012 order.orderNo: list "AE…" ≠ order "AE…" (order ↔ list: …)`. */
export function describeMismatch(m: Mismatch): string {
  return `${m.parcelId} ${m.field}: list "${m.expected}" ≠ ${m.document} "${m.actual}"`;
}
