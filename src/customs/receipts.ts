import { XMLParser } from 'fast-xml-parser';
import { parseCstTimestamp } from './xml.ts';

/** Receipts customs send back for export messages [customs-china.md §3, §4.10]. */
export const RECEIPT_TYPES = {
  CEB304Message: { node: 'OrderReturn', kind: 'order' },
  CEB404Message: { node: 'ReceiptsReturn', kind: 'payment' },
  CEB506Message: { node: 'LogisticsReturn', kind: 'waybill' },
  CEB508Message: { node: 'ArrivalReturn', kind: 'arrival' },
  CEB510Message: { node: 'DepartureReturn', kind: 'departure' },
  CEB604Message: { node: 'InventoryReturn', kind: 'list' },
  CEB606Message: { node: 'InvtCancelReturn', kind: 'cancel' },
  CEB608Message: { node: 'WayBillReturn', kind: 'master-list' },
  CEB702Message: { node: 'SummaryReturn', kind: 'summary' },
} as const;
export type ReceiptType = keyof typeof RECEIPT_TYPES | 'CEB792Message';
export type ReceiptKind = (typeof RECEIPT_TYPES)[keyof typeof RECEIPT_TYPES]['kind'];

/**
 * What a receipt status means for Landbridge [customs-china.md §5, CEB604 table 2-42]: 1 stored at
 * the E-port, 2 being declared, 3 sent to customs, 4 sending failed, 100 rejected, 120 accepted into
 * the customs system, 300 manual review, 500 inspection, 399 concluded, 800 released, 899 cleared;
 * negative numbers are processing errors.
 */
export const RECEIPT_OUTCOMES = [
  'stored',
  'declaring',
  'sent',
  'send-failed',
  'rejected',
  'accepted',
  'manual-review',
  'inspection',
  'concluded',
  'released',
  'cleared',
  'error',
  'unknown',
] as const;
export type ReceiptOutcome = (typeof RECEIPT_OUTCOMES)[number];

const STATUS: Record<string, ReceiptOutcome> = {
  '1': 'stored',
  '2': 'declaring',
  '3': 'sent',
  '4': 'send-failed',
  '100': 'rejected',
  '120': 'accepted',
  '300': 'manual-review',
  '500': 'inspection',
  '399': 'concluded',
  '800': 'released',
  '899': 'cleared',
};

/** The outcome of a receipt status code. */
export function outcomeOfStatus(returnStatus: string): ReceiptOutcome {
  const s = returnStatus.trim();
  if (/^-\d+$/.test(s)) return 'error';
  return STATUS[s] ?? 'unknown';
}

/** Whether an outcome stops the parcel: customs rejected it, or the E-port could not process it. */
export function isRejection(outcome: ReceiptOutcome): boolean {
  return outcome === 'rejected' || outcome === 'error' || outcome === 'send-failed';
}

/** One receipt node: which document, its keys, the status and what it means. */
export interface ReceiptEntry {
  readonly kind: ReceiptKind;
  readonly returnStatus: string;
  readonly outcome: ReceiptOutcome;
  /** returnTime as UTC epoch ms. */
  readonly atMs: number;
  readonly info: string;
  /** The keys the receipt names (orderNo, logisticsNo, copNo, invtNo, …), as written. */
  readonly keys: Readonly<Record<string, string>>;
}

/** One line of a summary result (CEB792): which list line went into which declaration item. */
export interface SummaryResultLine {
  readonly invtNo: string;
  readonly logisticsNo: string;
  /** Item number in the resulting declaration; absent where the receipt leaves it out. */
  readonly gseqno?: number;
  readonly gnum: number;
  readonly gcode: string;
}

/** A summary result (CEB792): one resulting customs declaration and the list lines it holds. */
export interface SummaryResult {
  readonly customsCode: string;
  readonly sumNo: string;
  readonly declSeqNo: string;
  /** The declaration number (报关单号), once customs have given it. */
  readonly entryId?: string;
  readonly decState: string;
  readonly opDateMs: number;
  readonly ebcCode: string;
  readonly agentCode: string;
  readonly lines: readonly SummaryResultLine[];
}

export type ParsedReceipt =
  | {
      readonly ok: true;
      readonly type: keyof typeof RECEIPT_TYPES;
      readonly guid: string;
      readonly entries: readonly ReceiptEntry[];
    }
  | {
      readonly ok: true;
      readonly type: 'CEB792Message';
      readonly guid: string;
      readonly results: readonly SummaryResult[];
    }
  | { readonly ok: false; readonly why: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) =>
    name === 'SummaryResult' ||
    name === 'SummaryResultList' ||
    name === 'ReceiverId' ||
    Object.values(RECEIPT_TYPES).some((t) => t.node === name),
});

type Node = Record<string, unknown>;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v === '' ? '' : undefined;

/** Keys a receipt of each kind must carry to be matched to what was sent. */
const REQUIRED_KEYS: Record<ReceiptKind, readonly string[]> = {
  order: ['ebpCode', 'ebcCode', 'orderNo'],
  payment: ['ebcCode', 'orderNo'],
  waybill: ['logisticsCode', 'logisticsNo'],
  arrival: ['copNo', 'logisticsCode'],
  departure: ['copNo', 'logisticsCode'],
  list: ['copNo', 'orderNo', 'ebcCode'],
  cancel: ['copNo', 'invtNo'],
  'master-list': ['copNo', 'logisticsCode'],
  summary: ['copNo', 'ebcCode'],
};

/**
 * Parses a receipt file: a `DxpMsg` envelope whose `Data` holds the receipt (Base64), or the receipt
 * itself. Tolerates a byte-order mark, namespace prefixes and element order; requires each node's
 * status, time and the keys that tie it to what was sent, and says which is missing.
 */
export function parseReceipt(content: string): ParsedReceipt {
  let doc: Node;
  try {
    doc = parser.parse(content.replace(/^\uFEFF/, '')) as Node;
  } catch (e) {
    return { ok: false, why: `not well-formed XML: ${(e as Error).message.split('\n')[0]}` };
  }
  const root = Object.keys(doc).find((k) => k !== '?xml');
  if (root === 'DxpMsg') {
    const data = text((doc.DxpMsg as Node | undefined)?.Data);
    if (!data) return { ok: false, why: 'DxpMsg without Data' };
    const inner = Buffer.from(data.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (!inner.includes('<')) return { ok: false, why: 'DxpMsg Data is not Base64 of an XML message' };
    return parseReceipt(inner);
  }
  if (!root) return { ok: false, why: 'empty document' };
  const body = doc[root] as Node;
  const guid = text(body?.['@guid']) ?? '';
  if (root === 'CEB792Message') return parseSummaryResult(body, guid);
  const spec = RECEIPT_TYPES[root as keyof typeof RECEIPT_TYPES];
  if (!spec) return { ok: false, why: `${root} is not a receipt Landbridge reads` };
  const nodes = body[spec.node];
  if (!Array.isArray(nodes) || nodes.length === 0) return { ok: false, why: `${root} has no ${spec.node}` };
  const entries: ReceiptEntry[] = [];
  for (const [i, raw] of (nodes as Node[]).entries()) {
    const where = `${root} ${spec.node} ${i + 1}`;
    const returnStatus = text(raw.returnStatus);
    if (!returnStatus) return { ok: false, why: `${where}: returnStatus missing` };
    const time = text(raw.returnTime) ?? '';
    const atMs = parseCstTimestamp(time);
    if (atMs === undefined)
      return { ok: false, why: `${where}: returnTime "${time}" is not yyyyMMddHHmmssfff` };
    const keys: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'returnStatus' || k === 'returnTime' || k === 'returnInfo') continue;
      const t = text(v);
      if (t !== undefined) keys[k] = t;
    }
    const missing = REQUIRED_KEYS[spec.kind].filter((k) => !keys[k]);
    if (missing.length > 0) return { ok: false, why: `${where}: ${missing.join(', ')} missing` };
    entries.push({
      kind: spec.kind,
      returnStatus,
      outcome: outcomeOfStatus(returnStatus),
      atMs,
      info: text(raw.returnInfo) ?? '',
      keys,
    });
  }
  return { ok: true, type: root as keyof typeof RECEIPT_TYPES, guid, entries };
}

function parseSummaryResult(body: Node, guid: string): ParsedReceipt {
  const results: SummaryResult[] = [];
  const nodes = body.SummaryResult;
  if (!Array.isArray(nodes) || nodes.length === 0)
    return { ok: false, why: 'CEB792Message has no SummaryResult' };
  for (const [i, node] of (nodes as Node[]).entries()) {
    const h = (node.SummaryResultHead ?? {}) as Node;
    const where = `CEB792Message SummaryResult ${i + 1}`;
    const need = ['sumNo', 'declSeqNo', 'opDate', 'ebcCode'].filter((k) => !text(h[k]));
    if (need.length > 0) return { ok: false, why: `${where}: ${need.join(', ')} missing` };
    const opDateMs = parseCstTimestamp(text(h.opDate)!);
    if (opDateMs === undefined) return { ok: false, why: `${where}: opDate is not yyyyMMddHHmmssfff` };
    const lines: SummaryResultLine[] = [];
    for (const [j, l] of ((node.SummaryResultList ?? []) as Node[]).entries()) {
      const invtNo = text(l.invtNo);
      const gnum = Number(text(l.gnum));
      if (!invtNo || !Number.isInteger(gnum))
        return { ok: false, why: `${where} line ${j + 1}: invtNo and gnum are needed` };
      const gseq = text(l.gseqno);
      lines.push({
        invtNo,
        logisticsNo: text(l.logisticsNo) ?? '',
        ...(gseq && /^\d+$/.test(gseq) ? { gseqno: Number(gseq) } : {}),
        gnum,
        gcode: text(l.gcode) ?? '',
      });
    }
    const entryId = text(h.entryId);
    results.push({
      customsCode: text(h.customsCode) ?? '',
      sumNo: text(h.sumNo)!,
      declSeqNo: text(h.declSeqNo)!,
      ...(entryId ? { entryId } : {}),
      decState: text(h.decState) ?? '',
      opDateMs,
      ebcCode: text(h.ebcCode)!,
      agentCode: text(h.agentCode) ?? '',
      lines,
    });
  }
  return { ok: true, type: 'CEB792Message', guid, results };
}
