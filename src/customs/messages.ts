import { CURRENCY_EXPONENTS } from '../domain/money.ts';
import type {
  ListDocument,
  ListLine,
  OrderDocument,
  ParcelDeclaration,
  PaymentDocument,
  WaybillDocument,
} from './documents.ts';
import type { HubCustomsProfile } from './profiles.ts';
import { CEB_NS, cebFields, clean, cstDate, cstTimestamp, guidOf, kilograms } from './xml.ts';

/** The export messages Landbridge writes [customs-china.md §3]. */
export const OUTGOING_TYPES = [
  'CEB303Message',
  'CEB403Message',
  'CEB505Message',
  'CEB507Message',
  'CEB509Message',
  'CEB603Message',
  'CEB605Message',
  'CEB607Message',
  'CEB701Message',
] as const;
export type OutgoingType = (typeof OUTGOING_TYPES)[number];

/** At most this many business nodes (Order, Inventory, …) in one message: the schema's maxOccurs. */
export const MAX_NODES_PER_MESSAGE = 100;
/** At most this many goods lines in one order or list: the schema's maxOccurs. */
export const MAX_LINES_PER_DOCUMENT = 100;
/**
 * Parcels per arrival, departure or master-list node before it is split into several with
 * msgCount / msgSeqNo. The schema leaves the list unbounded; this keeps one message a few hundred kB
 * (a Landbridge choice, not a customs rule).
 */
export const MAX_PARCELS_PER_TRANSPORT_NODE = 1000;

/** A message body ready to sign and wrap: the CEB XML in canonical form, without the XML declaration. */
export interface CebMessage {
  readonly type: OutgoingType;
  /** The message's guid attribute. */
  readonly guid: string;
  readonly xml: string;
  /** Parcel ids the message declares, in order (empty for summary requests). */
  readonly parcelIds: readonly string[];
}

/** What every message of a batch shares: who sends, when, and whether it is new (1) or a change (2). */
export interface MessageContext {
  readonly hub: HubCustomsProfile;
  /** Time of sending, UTC epoch ms (appTime). */
  readonly nowMs: number;
  /** 1 new, 2 change, 3 delete. Default 1. */
  readonly appType?: '1' | '2' | '3';
  /** Distinguishes resends of the same documents (part of every derived guid). Default 0. */
  readonly revision?: number;
}

/** Minor units as the schema's decimal (N19,5): 1250 USD is "12.5", 0 is "0". */
export function decimal(minor: number, currency: string): string {
  const exp = (CURRENCY_EXPONENTS as Record<string, number>)[currency] ?? 2;
  if (exp === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** exp;
  const frac = String(abs % unit)
    .padStart(exp, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.trunc(abs / unit)}${frac ? `.${frac}` : ''}`;
}

function head(ctx: MessageContext, key: string): (readonly [string, string])[] {
  return [
    ['guid', guidOf(`${key}:${ctx.nowMs}:${ctx.revision ?? 0}`)],
    ['appType', ctx.appType ?? '1'],
    ['appTime', cstTimestamp(ctx.nowMs)],
    ['appStatus', '2'],
  ];
}

function baseTransfer(hub: HubCustomsProfile): string {
  return `<ceb:BaseTransfer>${cebFields([
    ['copCode', hub.agentCode],
    ['copName', clean(hub.agentName, 100)],
    ['dxpMode', 'DXP'],
    ['dxpId', hub.dxpId],
  ])}</ceb:BaseTransfer>`;
}

function envelope(
  type: OutgoingType,
  ctx: MessageContext,
  key: string,
  nodes: string,
  parcelIds: string[],
): CebMessage {
  const guid = guidOf(`${type}:${key}:${ctx.nowMs}:${ctx.revision ?? 0}`);
  const xml = `<ceb:${type} xmlns:ceb="${CEB_NS}" guid="${guid}" version="1.0">${nodes}${baseTransfer(ctx.hub)}</ceb:${type}>`;
  return { type, guid, xml, parcelIds };
}

/** Splits into consecutive chunks of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function batched<T extends { readonly parcelId: string }>(
  type: OutgoingType,
  items: readonly T[],
  ctx: MessageContext,
  node: (item: T) => string,
): CebMessage[] {
  return chunks(items, MAX_NODES_PER_MESSAGE).map((batch) => {
    const ids = batch.map((b) => b.parcelId);
    return envelope(
      type,
      ctx,
      `${ids[0]}..${ids[ids.length - 1]}:${ids.length}`,
      batch.map(node).join(''),
      ids,
    );
  });
}

/** CEB303 order node. */
export function orderNode(parcelId: string, o: OrderDocument, ctx: MessageContext): string {
  const h = cebFields([
    ...head(ctx, `order:${parcelId}`),
    ['orderType', o.orderType],
    ['orderNo', clean(o.orderNo, 60)],
    ['ebpCode', o.ebpCode],
    ['ebpName', clean(o.ebpName, 100)],
    ['ebcCode', o.ebcCode],
    ['ebcName', clean(o.ebcName, 100)],
    ['goodsValue', decimal(o.goodsValueMinor, o.currency)],
    ['freight', decimal(o.freightMinor, o.currency)],
    ['currency', o.currency],
  ]);
  let lines = '';
  for (const l of o.lines.slice(0, MAX_LINES_PER_DOCUMENT)) {
    lines += `<ceb:OrderList>${cebFields([
      ['gnum', l.gnum],
      ['itemNo', clean(l.itemNo, 30)],
      ['itemName', clean(l.itemName, 250)],
      ['unit', l.unit],
      ['currency', l.currency],
      ['qty', l.qty],
      ['price', decimal(l.priceMinor, l.currency)],
      ['totalPrice', decimal(l.totalMinor, l.currency)],
    ])}</ceb:OrderList>`;
  }
  return `<ceb:Order><ceb:OrderHead>${h}</ceb:OrderHead>${lines}</ceb:Order>`;
}

/** CEB403 payment receipt node. */
export function paymentNode(parcelId: string, p: PaymentDocument, ctx: MessageContext): string {
  return `<ceb:Receipts>${cebFields([
    ...head(ctx, `payment:${parcelId}`),
    ['ebpCode', p.ebpCode],
    ['ebpName', clean(p.ebpName, 100)],
    ['ebcCode', p.ebcCode],
    ['ebcName', clean(p.ebcName, 100)],
    ['orderNo', clean(p.orderNo, 60)],
    ['payCode', p.payCode],
    ['payName', clean(p.payName, 100)],
    ['payNo', clean(p.payNo, 60)],
    ['charge', decimal(p.chargeMinor, p.currency)],
    ['currency', p.currency],
    ['accountingDate', cstTimestamp(p.accountingAtMs)],
  ])}</ceb:Receipts>`;
}

/** CEB505 waybill node. */
export function waybillNode(parcelId: string, w: WaybillDocument, ctx: MessageContext): string {
  return `<ceb:Logistics>${cebFields([
    ...head(ctx, `waybill:${parcelId}`),
    ['logisticsCode', w.logisticsCode],
    ['logisticsName', clean(w.logisticsName, 100)],
    ['logisticsNo', clean(w.logisticsNo, 32)],
    ['freight', decimal(w.freightMinor, w.currency)],
    ['insuredFee', decimal(w.insuredFeeMinor, w.currency)],
    ['currency', w.currency],
    ['grossWeight', kilograms(w.grossWeightG)],
    ['packNo', w.packNo],
    ['goodsInfo', clean(w.goodsInfo.replace(/\s+/g, ' ').trim() || 'goods', 200)],
    ['ebcCode', w.ebcCode],
    ['ebcName', clean(w.ebcName, 100)],
  ])}</ceb:Logistics>`;
}

function listLine(l: ListLine): string {
  return `<ceb:InventoryList>${cebFields([
    ['gnum', l.gnum],
    ['itemNo', clean(l.itemNo, 20)],
    ['itemName', clean(l.itemName, 250)],
    ['gcode', l.gcode],
    ['gname', clean(l.gname, 250)],
    ['gmodel', clean(l.gmodel.replace(/\s+/g, ' ').trim(), 250)],
    ['barCode', l.barCode],
    ['country', l.country],
    ['currency', l.currency],
    ['qty', l.qty],
    ['qty1', l.qty1],
    ['unit', l.unit],
    ['unit1', l.unit1],
    ['price', decimal(l.priceMinor, l.currency)],
    ['totalPrice', decimal(l.totalMinor, l.currency)],
  ])}</ceb:InventoryList>`;
}

/** CEB603 list (Inventory) node. */
export function listNode(parcelId: string, d: ListDocument, ctx: MessageContext): string {
  const h = cebFields([
    ...head(ctx, `list:${parcelId}`),
    ['customsCode', d.customsCode],
    ['ebpCode', d.ebpCode],
    ['ebpName', clean(d.ebpName, 100)],
    ['orderNo', clean(d.orderNo, 60)],
    ['logisticsCode', d.logisticsCode],
    ['logisticsName', clean(d.logisticsName, 100)],
    ['logisticsNo', clean(d.logisticsNo, 32)],
    ['copNo', d.copNo],
    ['ieFlag', 'E'],
    ['portCode', d.portCode],
    ['ieDate', cstDate(d.ieDateMs)],
    ['statisticsFlag', d.statisticsFlag],
    ['agentCode', d.agentCode],
    ['agentName', clean(d.agentName, 100)],
    ['ebcCode', d.ebcCode],
    ['ebcName', clean(d.ebcName, 100)],
    ['ownerCode', d.ownerCode],
    ['ownerName', clean(d.ownerName, 100)],
    ['tradeMode', d.tradeMode],
    ['trafMode', d.trafMode],
    ['trafName', clean(d.trafName, 100)],
    ['voyageNo', clean(d.voyageNo, 32)],
    ['billNo', clean(d.billNo, 37)],
    ['totalPackageNo', d.totalPackageNo === undefined ? undefined : clean(d.totalPackageNo, 37)],
    ['loctNo', d.loctNo],
    ['country', d.country],
    ['POD', d.pod],
    ['freight', decimal(d.freightMinor, d.currency)],
    ['fCurrency', d.currency],
    ['fFlag', '3'],
    ['insuredFee', decimal(d.insuredFeeMinor, d.currency)],
    ['iCurrency', d.currency],
    ['iFlag', '3'],
    ['wrapType', d.wrapType],
    ['packNo', d.packNo],
    ['grossWeight', kilograms(d.grossWeightG)],
    ['netWeight', kilograms(d.netWeightG)],
  ]);
  let lines = '';
  for (const l of d.lines.slice(0, MAX_LINES_PER_DOCUMENT)) lines += listLine(l);
  return `<ceb:Inventory><ceb:InventoryHead>${h}</ceb:InventoryHead>${lines}</ceb:Inventory>`;
}

/** CEB303 orders of the declarations, at most 100 a message. */
export function orderMessages(decls: readonly ParcelDeclaration[], ctx: MessageContext): CebMessage[] {
  return batched('CEB303Message', decls, ctx, (d) => orderNode(d.parcelId, d.order, ctx));
}

/** CEB403 payment receipts, at most 100 a message. */
export function paymentMessages(decls: readonly ParcelDeclaration[], ctx: MessageContext): CebMessage[] {
  return batched('CEB403Message', decls, ctx, (d) => paymentNode(d.parcelId, d.payment, ctx));
}

/** CEB505 waybills, at most 100 a message. */
export function waybillMessages(decls: readonly ParcelDeclaration[], ctx: MessageContext): CebMessage[] {
  return batched('CEB505Message', decls, ctx, (d) => waybillNode(d.parcelId, d.waybill, ctx));
}

/** CEB603 lists, at most 100 a message. */
export function listMessages(decls: readonly ParcelDeclaration[], ctx: MessageContext): CebMessage[] {
  return batched('CEB603Message', decls, ctx, (d) => listNode(d.parcelId, d.list, ctx));
}

/** A list to cancel (CEB605): the customs list number and the reason. */
export interface ListCancellation {
  readonly parcelId: string;
  readonly copNo: string;
  readonly invtNo: string;
  readonly reason: string;
  readonly ebcCode: string;
  readonly ebcName: string;
}

/** CEB605 cancellation requests, at most 100 a message. */
export function cancelMessages(items: readonly ListCancellation[], ctx: MessageContext): CebMessage[] {
  return batched(
    'CEB605Message',
    items,
    ctx,
    (c) =>
      `<ceb:InvtCancel>${cebFields([
        ...head(ctx, `cancel:${c.parcelId}`),
        ['customsCode', ctx.hub.customsCode],
        ['copNo', c.copNo],
        ['invtNo', c.invtNo],
        ['reason', clean(c.reason.replace(/\s+/g, ' ').trim(), 1000)],
        ['agentCode', ctx.hub.agentCode],
        ['agentName', clean(ctx.hub.agentName, 100)],
        ['ebcCode', c.ebcCode],
        ['ebcName', clean(c.ebcName, 100)],
      ])}</ceb:InvtCancel>`,
  );
}

/** One parcel on a conveyance: its waybill number, container, and list number when customs gave one. */
export interface ConveyedParcel {
  readonly parcelId: string;
  readonly logisticsNo: string;
  readonly containerNo?: string;
  readonly invtNo?: string;
}

/** A departure as the transport messages (CEB507, CEB509, CEB607) describe it. */
export interface DepartureManifest {
  readonly departureId: string;
  /** The hub's number for the departure's messages (copNo), ≤ 30 characters. */
  readonly copNo: string;
  readonly trafMode: string;
  readonly trafName: string;
  readonly voyageNo: string;
  readonly billNo: string;
  /** Truck plate (or shuttle) bringing the parcels from the hub to the terminal. */
  readonly domesticTrafNo: string;
  readonly departAtMs: number;
  readonly grossWeightG: number;
  readonly parcels: readonly ConveyedParcel[];
}

function transportParts(m: DepartureManifest): { parcels: ConveyedParcel[]; seq: number; count: number }[] {
  const parts = chunks(m.parcels, MAX_PARCELS_PER_TRANSPORT_NODE);
  return parts.map((parcels, i) => ({ parcels, seq: i + 1, count: parts.length }));
}

/** CEB607 master list (清单总分单): the departure's parcels linked to its conveyance and containers. */
export function masterListMessages(m: DepartureManifest, ctx: MessageContext): CebMessage[] {
  const nodes = transportParts(m).map(({ parcels, seq, count }) => {
    const h = cebFields([
      ...head(ctx, `master:${m.departureId}:${seq}`),
      ['customsCode', ctx.hub.customsCode],
      ['copNo', m.copNo],
      ['agentCode', ctx.hub.agentCode],
      ['agentName', clean(ctx.hub.agentName, 100)],
      ['loctNo', ctx.hub.loctNo],
      ['trafMode', m.trafMode],
      ['trafName', clean(m.trafName, 100)],
      ['voyageNo', clean(m.voyageNo, 32)],
      ['billNo', clean(m.billNo, 37)],
      ['domesticTrafNo', clean(m.domesticTrafNo, 100)],
      ['grossWeight', kilograms(m.grossWeightG)],
      ['logisticsCode', ctx.hub.logisticsCode],
      ['logisticsName', clean(ctx.hub.logisticsName, 100)],
      ['msgCount', count],
      ['msgSeqNo', seq],
    ]);
    const list = parcels
      .map(
        (p, i) =>
          `<ceb:WayBillList>${cebFields([
            ['gnum', i + 1],
            ['totalPackageNo', p.containerNo],
            ['logisticsNo', p.logisticsNo],
            ['invtNo', p.invtNo],
          ])}</ceb:WayBillList>`,
      )
      .join('');
    return { xml: `<ceb:WayBill><ceb:WayBillHead>${h}</ceb:WayBillHead>${list}</ceb:WayBill>`, parcels };
  });
  return nodeMessages('CEB607Message', m.departureId, nodes, ctx);
}

/** CEB507 arrival report: the departure's parcels arrived at the customs-supervised site (the hub). */
export function arrivalMessages(m: DepartureManifest, ctx: MessageContext): CebMessage[] {
  const nodes = transportParts(m).map(({ parcels, seq, count }) => {
    const h = cebFields([
      ...head(ctx, `arrival:${m.departureId}:${seq}`),
      ['customsCode', ctx.hub.customsCode],
      ['copNo', m.copNo],
      ['operatorCode', ctx.hub.operatorCode],
      ['operatorName', clean(ctx.hub.operatorName, 100)],
      ['loctNo', ctx.hub.loctNo],
      ['ieFlag', 'E'],
      ['trafMode', m.trafMode],
      ['billNo', clean(m.billNo, 37)],
      ['domesticTrafNo', clean(m.domesticTrafNo, 100)],
      ['logisticsCode', ctx.hub.logisticsCode],
      ['logisticsName', clean(ctx.hub.logisticsName, 100)],
      ['msgCount', count],
      ['msgSeqNo', seq],
    ]);
    const list = parcels
      .map(
        (p, i) =>
          `<ceb:ArrivalList>${cebFields([
            ['gnum', i + 1],
            ['logisticsNo', p.logisticsNo],
            ['totalPackageNo', p.containerNo === undefined ? undefined : clean(p.containerNo, 37)],
          ])}</ceb:ArrivalList>`,
      )
      .join('');
    return { xml: `<ceb:Arrival><ceb:ArrivalHead>${h}</ceb:ArrivalHead>${list}</ceb:Arrival>`, parcels };
  });
  return nodeMessages('CEB507Message', m.departureId, nodes, ctx);
}

/** CEB509 departure report: the conveyance left (leaveTime) with these parcels. */
export function departureMessages(m: DepartureManifest, ctx: MessageContext): CebMessage[] {
  const nodes = transportParts(m).map(({ parcels, seq, count }) => {
    const h = cebFields([
      ...head(ctx, `departure:${m.departureId}:${seq}`),
      ['customsCode', ctx.hub.customsCode],
      ['copNo', m.copNo],
      ['logisticsCode', ctx.hub.logisticsCode],
      ['logisticsName', clean(ctx.hub.logisticsName, 100)],
      ['trafMode', m.trafMode],
      ['trafName', clean(m.trafName, 100)],
      ['voyageNo', clean(m.voyageNo, 32)],
      ['billNo', clean(m.billNo, 37)],
      ['leaveTime', cstTimestamp(m.departAtMs)],
      ['msgCount', count],
      ['msgSeqNo', seq],
    ]);
    const list = parcels
      .map(
        (p, i) =>
          `<ceb:DepartureList>${cebFields([
            ['gnum', i + 1],
            ['totalPackageNo', p.containerNo === undefined ? undefined : clean(p.containerNo, 37)],
            ['logisticsNo', p.logisticsNo],
          ])}</ceb:DepartureList>`,
      )
      .join('');
    return {
      xml: `<ceb:Departure><ceb:DepartureHead>${h}</ceb:DepartureHead>${list}</ceb:Departure>`,
      parcels,
    };
  });
  return nodeMessages('CEB509Message', m.departureId, nodes, ctx);
}

function nodeMessages(
  type: OutgoingType,
  key: string,
  nodes: readonly { xml: string; parcels: readonly ConveyedParcel[] }[],
  ctx: MessageContext,
): CebMessage[] {
  return chunks(nodes, MAX_NODES_PER_MESSAGE).map((batch, i) =>
    envelope(
      type,
      ctx,
      `${key}:${i}`,
      batch.map((n) => n.xml).join(''),
      batch.flatMap((n) => n.parcels.map((p) => p.parcelId)),
    ),
  );
}

/** A CEB701 summary request: one exporter's released lists over a period. */
export interface SummaryRequest {
  readonly copNo: string;
  readonly ebcCode: string;
  readonly ebcName: string;
  /** The list numbers summarised; empty with a window, where customs summarise all lists in it. */
  readonly invtNos: readonly string[];
  readonly window?: { readonly startMs: number; readonly endMs: number };
  /** 1: per exporter; 2: per exporter and producer. */
  readonly summaryFlag: '1' | '2';
  /** 1: group by the enterprise's item name; 0: by customs' classification name (the spec says empty, the schema needs one character). */
  readonly itemNameFlag: '1' | '0';
}

/** CEB701 summary requests (汇总申请单), one node each, at most 100 a message. */
export function summaryMessages(requests: readonly SummaryRequest[], ctx: MessageContext): CebMessage[] {
  const nodes = requests.map((r) => {
    const h = cebFields([
      ...head(ctx, `summary:${r.copNo}`),
      ['customsCode', ctx.hub.customsCode],
      ['copNo', r.copNo],
      ['agentCode', ctx.hub.agentCode],
      ['agentName', clean(ctx.hub.agentName, 100)],
      ['ebcCode', r.ebcCode],
      ['ebcName', clean(r.ebcName, 100)],
      ['declAgentCode', ctx.hub.declAgentCode],
      ['declAgentName', clean(ctx.hub.declAgentName, 100)],
      ['startTime', r.window ? cstTimestamp(r.window.startMs) : undefined],
      ['endTime', r.window ? cstTimestamp(r.window.endMs) : undefined],
      ['loctNo', ctx.hub.loctNo],
      ['summaryFlag', r.summaryFlag],
      ['itemNameFlag', r.itemNameFlag],
      ['msgCount', 1],
      ['msgSeqNo', 1],
    ]);
    const list = r.invtNos
      .map((n) => `<ceb:SummaryApplyList>${cebFields([['invtNo', n]])}</ceb:SummaryApplyList>`)
      .join('');
    return {
      xml: `<ceb:SummaryApply><ceb:SummaryApplyHead>${h}</ceb:SummaryApplyHead>${list}</ceb:SummaryApply>`,
      parcels: [],
    };
  });
  return nodeMessages('CEB701Message', requests.map((r) => r.copNo).join(','), nodes, ctx);
}
