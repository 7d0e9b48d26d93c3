import type { Consignee, ParcelItem } from '../domain/parcel.ts';
import { type HubCustomsProfile, ORDER_TYPE, type SellerCustomsProfile, type TradeMode } from './profiles.ts';
import { digitsOf, kilograms } from './xml.ts';

/** A parcel as customs documents need it (a subset of the hub's `Parcel`). */
export interface CustomsParcel {
  readonly id: string;
  readonly sellerId: string;
  readonly externalOrderId: string;
  readonly items: readonly ParcelItem[];
  readonly grossWeightG: number;
  readonly consignee: Consignee;
  readonly readyAtMs: number;
  /** UN numbers of dangerous goods inside. */
  readonly dangerousGoods?: readonly string[];
}

/**
 * What others report about a parcel — the platform's order, the payment company's receipt, the
 * logistics company's waybill — where it differs from what the hub derives from the parcel. Every field
 * is optional: a missing one takes the hub's own value (which is how generated and sample parcels get
 * theirs); an imported one is what the other party declared, and matching compares it with the list.
 */
export interface ParcelReferences {
  readonly orderNo?: string;
  readonly orderEbcCode?: string;
  readonly orderEbpCode?: string;
  /** The order's goods value (FOB, without freight), minor units of `orderCurrency`. */
  readonly orderGoodsValueMinor?: number;
  readonly orderFreightMinor?: number;
  readonly orderCurrency?: string;
  readonly payNo?: string;
  readonly payEbcCode?: string;
  readonly payChargeMinor?: number;
  readonly payCurrency?: string;
  readonly paidAtMs?: number;
  readonly waybillNo?: string;
  readonly waybillLogisticsCode?: string;
  readonly waybillGrossWeightG?: number;
}

/** The conveyance a departure's parcels leave China on, as the list and the transport messages name it. */
export interface ExportConveyance {
  readonly departureId: string;
  readonly serviceId: string;
  /** JGS-20 transport mode code (3 rail, 2 waterway, 5 air, 4 road). */
  readonly trafMode: string;
  /** Train, flight or vessel name. */
  readonly trafName: string;
  /** Train number, flight number or voyage. */
  readonly voyageNo: string;
  /** Master transport document: rail consignment note (CIM/SMGS), master air waybill or bill of lading. */
  readonly billNo: string;
  /** When the conveyance leaves, UTC epoch ms. */
  readonly departAtMs: number;
  /** Country where the conveyance's carriage ends (运抵国), ISO 3166-1 alpha-2. */
  readonly arrivalCountry: string;
  /** 指运港: destination port code, 3 or 4 characters. */
  readonly pod: string;
  /** Customs office of exit (4 digits). */
  readonly portCode: string;
}

/** Customs code lists the documents are written with (JGS-20): country code of an ISO alpha-2. */
export interface CustomsCodeLists {
  /** The 3-character customs country code of an ISO 3166-1 alpha-2 code, or undefined when unknown. */
  readonly country: (alpha2: string) => string | undefined;
}

/** One goods line: gnum ties an order line to a list line [customs-china.md §6]. */
export interface GoodsLine {
  readonly gnum: number;
  readonly itemNo: string;
  readonly itemName: string;
  readonly unit: string;
  readonly currency: string;
  readonly qty: number;
  readonly priceMinor: number;
  readonly totalMinor: number;
}

/** CEB303: the platform's order. */
export interface OrderDocument {
  readonly orderType: 'E' | 'B' | 'W';
  readonly orderNo: string;
  readonly ebpCode: string;
  readonly ebpName: string;
  readonly ebcCode: string;
  readonly ebcName: string;
  readonly goodsValueMinor: number;
  readonly freightMinor: number;
  readonly currency: string;
  readonly lines: readonly GoodsLine[];
}

/** CEB403: the payment company's receipt of the buyer's payment. */
export interface PaymentDocument {
  readonly ebpCode: string;
  readonly ebpName: string;
  readonly ebcCode: string;
  readonly ebcName: string;
  readonly orderNo: string;
  readonly payCode: string;
  readonly payName: string;
  readonly payNo: string;
  readonly chargeMinor: number;
  readonly currency: string;
  readonly accountingAtMs: number;
}

/** CEB505: the logistics company's waybill for the parcel. */
export interface WaybillDocument {
  readonly logisticsCode: string;
  readonly logisticsName: string;
  readonly logisticsNo: string;
  readonly freightMinor: number;
  readonly insuredFeeMinor: number;
  readonly currency: string;
  readonly grossWeightG: number;
  readonly packNo: number;
  readonly goodsInfo: string;
  readonly ebcCode: string;
  readonly ebcName: string;
}

/** A list line: the order line's goods with their customs classification and legal quantity. */
export interface ListLine extends GoodsLine {
  readonly gcode: string;
  readonly gname: string;
  readonly gmodel: string;
  readonly barCode: string;
  /** Final destination country, customs code. */
  readonly country: string;
  readonly qty1: string;
  readonly unit1: string;
  /** ISO 3166-1 alpha-2 of the destination, for statistics and summary grouping. */
  readonly destinationAlpha2: string;
}

/** CEB603: the export list (申报清单) the hub declares for the parcel. */
export interface ListDocument {
  readonly copNo: string;
  readonly customsCode: string;
  readonly ebpCode: string;
  readonly ebpName: string;
  readonly orderNo: string;
  readonly logisticsCode: string;
  readonly logisticsName: string;
  readonly logisticsNo: string;
  readonly portCode: string;
  readonly ieDateMs: number;
  readonly statisticsFlag: 'A' | 'B';
  readonly agentCode: string;
  readonly agentName: string;
  readonly ebcCode: string;
  readonly ebcName: string;
  readonly ownerCode: string;
  readonly ownerName: string;
  readonly tradeMode: TradeMode;
  readonly trafMode: string;
  readonly trafName: string;
  readonly voyageNo: string;
  readonly billNo: string;
  readonly totalPackageNo?: string;
  readonly loctNo?: string;
  /** 运抵国, customs code. */
  readonly country: string;
  readonly pod: string;
  readonly freightMinor: number;
  readonly insuredFeeMinor: number;
  readonly currency: string;
  readonly wrapType: string;
  readonly packNo: number;
  readonly grossWeightG: number;
  readonly netWeightG: number;
  readonly lines: readonly ListLine[];
}

/** The four documents of one parcel, and what could not be written as the hub would want. */
export interface ParcelDeclaration {
  readonly parcelId: string;
  readonly sellerId: string;
  readonly order: OrderDocument;
  readonly payment: PaymentDocument;
  readonly waybill: WaybillDocument;
  readonly list: ListDocument;
  /** Things that need a person before the list can go (unknown country code, mixed currencies, …). */
  readonly problems: readonly { readonly field: string; readonly why: string }[];
}

/** The hub's waybill number of a parcel: the profile's prefix and 12 digits derived from the parcel id. */
export function hubWaybillNo(profile: HubCustomsProfile, parcelId: string): string {
  return `${profile.waybillPrefix}${digitsOf(`waybill:${parcelId}`, 12)}`;
}

/** The hub's own number of a parcel's list (copNo, 企业唯一编号): `LB` + the parcel id's digits. */
export function listCopNo(parcelId: string): string {
  return `LB${digitsOf(`list:${parcelId}`, 16)}`;
}

/** An item's SKU (企业商品货号): derived from its HS code and description, ≤ 20 characters. */
export function itemNoOf(item: ParcelItem): string {
  return `${item.hsCode.slice(0, 6)}-${digitsOf(`sku:${item.hsCode}:${item.description}`, 8)}`;
}

/** The 10-digit commodity code of a list line: the declared code padded with zeros where shorter. */
export function gcodeOf(hsCode: string): string {
  return hsCode.padEnd(10, '0');
}

export interface BuildDeclarationInput {
  readonly parcel: CustomsParcel;
  readonly seller: SellerCustomsProfile;
  readonly hub: HubCustomsProfile;
  readonly references?: ParcelReferences;
  readonly conveyance: ExportConveyance;
  /** The container (or bag) the parcel travels in: the list's totalPackageNo. */
  readonly containerId?: string;
  readonly codes: CustomsCodeLists;
}

/**
 * Builds a parcel's order, payment receipt, waybill and export list from the hub's data. The list is
 * always the hub's own view of the parcel; the order, payment and waybill take what others reported
 * (`references`) where given, so that matching can compare them. Pure and deterministic.
 */
export function buildDeclaration(input: BuildDeclarationInput): ParcelDeclaration {
  const { parcel, seller, hub, conveyance, codes } = input;
  const refs = input.references ?? {};
  const problems: { field: string; why: string }[] = [];
  const currencies = [...new Set(parcel.items.map((i) => i.currency))];
  if (currencies.length > 1)
    problems.push({
      field: 'items.currency',
      why: `items mix currencies (${currencies.join(', ')}): declare them in one`,
    });
  const currency = currencies[0] ?? 'CNY';
  const destination = codes.country(parcel.consignee.country);
  if (!destination)
    problems.push({
      field: 'consignee.country',
      why: `no customs country code for ${parcel.consignee.country}`,
    });
  const arrival = codes.country(conveyance.arrivalCountry);
  if (!arrival)
    problems.push({
      field: 'conveyance.arrivalCountry',
      why: `no customs country code for ${conveyance.arrivalCountry}`,
    });

  const netWeightG = Math.max(1, Math.floor((parcel.grossWeightG * hub.netWeightPerMille) / 1000));
  const lineValues = parcel.items.map((i) => i.unitValueMinor * i.quantity);
  const totalValue = lineValues.reduce((a, b) => a + b, 0);
  // Net weight shared over the lines by value (by count when all are free), the last line takes the rest.
  let givenG = 0;
  const goods: GoodsLine[] = [];
  const lines: ListLine[] = [];
  parcel.items.forEach((item, i) => {
    const gnum = i + 1;
    const share = totalValue > 0 ? lineValues[i]! / totalValue : 1 / parcel.items.length;
    const netG = i === parcel.items.length - 1 ? netWeightG - givenG : Math.floor(netWeightG * share);
    givenG += netG;
    const line: GoodsLine = {
      gnum,
      itemNo: itemNoOf(item),
      itemName: item.description,
      unit: hub.unit,
      currency: item.currency,
      qty: item.quantity,
      priceMinor: item.unitValueMinor,
      totalMinor: lineValues[i]!,
    };
    goods.push(line);
    lines.push({
      ...line,
      gcode: gcodeOf(item.hsCode),
      gname: item.description,
      gmodel: item.description,
      barCode: '无',
      country: destination ?? '',
      qty1: kilograms(Math.max(0, netG)),
      unit1: hub.legalUnit,
      destinationAlpha2: parcel.consignee.country,
    });
  });

  const ebcCode = seller.ebcCode;
  const orderNo = refs.orderNo ?? parcel.externalOrderId;
  const order: OrderDocument = {
    orderType: ORDER_TYPE[seller.tradeMode],
    orderNo,
    ebpCode: refs.orderEbpCode ?? seller.ebpCode,
    ebpName: seller.ebpName,
    ebcCode: refs.orderEbcCode ?? ebcCode,
    ebcName: seller.ebcName,
    goodsValueMinor: refs.orderGoodsValueMinor ?? totalValue,
    freightMinor: refs.orderFreightMinor ?? 0,
    currency: refs.orderCurrency ?? currency,
    lines: goods,
  };
  const payment: PaymentDocument = {
    ebpCode: seller.ebpCode,
    ebpName: seller.ebpName,
    ebcCode: refs.payEbcCode ?? ebcCode,
    ebcName: seller.ebcName,
    orderNo,
    payCode: seller.payCode,
    payName: seller.payName,
    payNo: refs.payNo ?? `PAY${digitsOf(`pay:${parcel.id}`, 17)}`,
    chargeMinor: refs.payChargeMinor ?? order.goodsValueMinor + order.freightMinor,
    currency: refs.payCurrency ?? order.currency,
    accountingAtMs: refs.paidAtMs ?? parcel.readyAtMs,
  };
  const hubWaybill = hubWaybillNo(hub, parcel.id);
  const waybill: WaybillDocument = {
    logisticsCode: refs.waybillLogisticsCode ?? hub.logisticsCode,
    logisticsName: hub.logisticsName,
    logisticsNo: refs.waybillNo ?? hubWaybill,
    freightMinor: 0,
    insuredFeeMinor: 0,
    currency,
    grossWeightG: refs.waybillGrossWeightG ?? parcel.grossWeightG,
    packNo: 1,
    goodsInfo: parcel.items.map((i) => i.description).join('; '),
    ebcCode,
    ebcName: seller.ebcName,
  };
  const list: ListDocument = {
    copNo: listCopNo(parcel.id),
    customsCode: hub.customsCode,
    ebpCode: seller.ebpCode,
    ebpName: seller.ebpName,
    orderNo: parcel.externalOrderId,
    logisticsCode: hub.logisticsCode,
    logisticsName: hub.logisticsName,
    logisticsNo: hubWaybill,
    portCode: conveyance.portCode,
    ieDateMs: conveyance.departAtMs,
    statisticsFlag: seller.statisticsFlag,
    agentCode: hub.agentCode,
    agentName: hub.agentName,
    ebcCode,
    ebcName: seller.ebcName,
    ownerCode: seller.ownerCode,
    ownerName: seller.ownerName,
    tradeMode: seller.tradeMode,
    trafMode: conveyance.trafMode,
    trafName: conveyance.trafName,
    voyageNo: conveyance.voyageNo,
    billNo: conveyance.billNo,
    ...(input.containerId ? { totalPackageNo: input.containerId } : {}),
    ...(hub.loctNo ? { loctNo: hub.loctNo } : {}),
    country: arrival ?? '',
    pod: conveyance.pod,
    freightMinor: 0,
    insuredFeeMinor: 0,
    currency,
    wrapType: hub.wrapType,
    packNo: 1,
    grossWeightG: parcel.grossWeightG,
    netWeightG,
    lines,
  };
  return { parcelId: parcel.id, sellerId: parcel.sellerId, order, payment, waybill, list, problems };
}
