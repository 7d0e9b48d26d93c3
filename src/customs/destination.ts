import type { CurrencyConverter } from '../domain/fx.ts';
import type { Currency } from '../domain/money.ts';
import type { NetworkNode } from '../domain/network.ts';
import { containerNumberOf } from './conveyance.ts';
import type { CustomsParcel, ExportConveyance } from './documents.ts';
import { decimal } from './messages.ts';
import type { SellerCustomsProfile } from './profiles.ts';
import { digitsOf } from './xml.ts';

/** A vague description and why: `gift`, `parts`, `clothes` name no kind of goods. */
export interface DescriptionFinding {
  readonly parcelId: string;
  readonly line: number;
  readonly description: string;
  readonly why: string;
}

/**
 * Description-quality check before the cut-off: a line whose description is a vague term (the EU ICS2
 * guidance on acceptable goods descriptions), is a vague term with at most one other word, or is too
 * short or only digits, is flagged. `vagueTerms` comes from `data/customs/vague-descriptions.yaml`.
 */
export function checkDescriptions(
  parcel: Pick<CustomsParcel, 'id' | 'items'>,
  vagueTerms: readonly string[],
): DescriptionFinding[] {
  const terms = new Set(vagueTerms.map((t) => t.toLowerCase()));
  const out: DescriptionFinding[] = [];
  parcel.items.forEach((item, i) => {
    const d = item.description.trim();
    const norm = d
      .toLowerCase()
      .replace(/[^\p{L}\p{N}/ ]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const words = norm.split(' ').filter(Boolean);
    let why: string | undefined;
    if (norm.length < 3 || /^[\d ]+$/.test(norm)) why = 'too short to say what the goods are';
    else if (terms.has(norm)) why = `"${d}" names no kind of goods (EU ICS2 acceptable-description guidance)`;
    else if (words.length <= 2 && words.some((w) => terms.has(w)))
      why = `"${d}" is a vague term with too little else to say what the goods are`;
    if (why) out.push({ parcelId: parcel.id, line: i + 1, description: d, why });
  });
  return out;
}

/** The data of one parcel that destination customs files are made from. */
export interface DestinationParcel {
  readonly parcel: CustomsParcel;
  readonly seller: SellerCustomsProfile;
  /** The house transport document: the hub's waybill number. */
  readonly waybillNo: string;
  readonly conveyance: ExportConveyance;
  readonly containerId?: string;
  /** The gateway node where the parcel enters its destination. */
  readonly gateway?: NetworkNode;
  /** The date of import (arrival at the gateway, or the planned delivery date), YYYY-MM-DD. */
  readonly importDate: string;
}

/** Conversion of minor units into a destination's currency on a date. */
function convertMinor(
  fx: CurrencyConverter,
  minor: number,
  from: string,
  to: Currency,
  date: string,
): number | undefined {
  return fx.convert(minor, from as Currency, to, date);
}

function intrinsicValue(
  p: CustomsParcel,
  to: Currency,
  date: string,
  fx: CurrencyConverter,
): number | undefined {
  let total = 0;
  for (const item of p.items) {
    const v = convertMinor(fx, item.unitValueMinor * item.quantity, item.currency, to, date);
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
}

/** Gross mass shared over the lines by value, in grams; the last line takes the rest. */
function lineMasses(p: CustomsParcel): number[] {
  const values = p.items.map((i) => i.unitValueMinor * i.quantity);
  const total = values.reduce((a, b) => a + b, 0);
  let given = 0;
  return values.map((v, i) => {
    if (i === values.length - 1) return p.grossWeightG - given;
    const g = Math.floor(p.grossWeightG * (total > 0 ? v / total : 1 / values.length));
    given += g;
    return g;
  });
}

/** EU ICS2 house-level entry summary data of a parcel (house consignment) [customs-destination.md §1.3]. */
export interface Ics2HouseConsignment {
  readonly houseTransportDocument: string;
  readonly masterTransportDocument: string;
  readonly modeOfTransportAtBorder: string;
  readonly containerNumber?: string;
  readonly placeOfLoading: string;
  readonly placeOfUnloading: string;
  readonly consignor: { readonly name: string; readonly address: string; readonly country: string };
  readonly seller: { readonly name: string; readonly country: string; readonly eori?: string };
  readonly consignee: {
    readonly name: string;
    readonly address: string;
    readonly country: string;
    readonly phone: string;
  };
  readonly buyer: { readonly name: string; readonly country: string };
  readonly grossMassKg: string;
  readonly packages: number;
  readonly goodsItems: readonly {
    readonly itemNumber: number;
    readonly description: string;
    /** HS subheading, 6 digits. */
    readonly hsSubheading: string;
    /** Combined Nomenclature digits 7–8, when the declared code has them. */
    readonly cn?: string;
    readonly grossMassKg: string;
    readonly unNumbers: readonly string[];
  }[];
}

/** EU H7 low-value import data set of a parcel, with the EUR 3 duty from 2026-07-01. */
export interface H7Declaration {
  readonly eligible: boolean;
  /** Why the parcel cannot go on H7 (over EUR 150, no conversion), when not eligible. */
  readonly reason?: string;
  readonly importDate: string;
  readonly memberState: string;
  readonly iossNumber?: string;
  readonly seller: { readonly name: string; readonly country: string };
  readonly buyer: {
    readonly name: string;
    readonly address: string;
    readonly city: string;
    readonly postcode: string;
    readonly country: string;
  };
  /** Σ intrinsic values, EUR minor units (DE 14 14 000 000 per item). */
  readonly intrinsicValueEurMinor?: number;
  readonly items: readonly {
    readonly itemNumber: number;
    readonly hsSubheading: string;
    readonly description: string;
    readonly quantity: number;
    readonly intrinsicValue: string;
    readonly currency: string;
    readonly originCountry: string;
  }[];
  /** Distinct 6-digit subheadings: the items of the EUR 3 duty. */
  readonly distinctSubheadings: number;
  /** EUR 3 × distinct subheadings from 2026-07-01 until 2028-07-01; 0 before. EUR minor units. */
  readonly flatDutyEurMinor: number;
}

/** EUR 3 per distinct subheading applies on import dates in [2026-07-01, 2028-07-01) [trade-rules.md]. */
export const EU_FLAT_DUTY = {
  from: '2026-07-01',
  until: '2028-07-01',
  perSubheadingEurMinor: 300,
  maxValueEurMinor: 15_000,
} as const;

/** US informal entry (type 11) line data, or a formal entry (type 01) above USD 2,500 [customs-destination.md §4]. */
export interface UsEntry {
  readonly entryType: '11' | '01';
  readonly valueUsdMinor?: number;
  readonly ultimateConsignee: {
    readonly name: string;
    readonly address: string;
    readonly city: string;
    readonly postcode: string;
  };
  readonly lines: readonly {
    readonly line: number;
    /** HTSUS number, 10 digits: the declared code padded with zeros where shorter (`htsPadded`). */
    readonly hts: string;
    readonly htsPadded: boolean;
    readonly description: string;
    readonly countryOfOrigin: string;
    readonly manufacturerId: string;
    readonly quantity: number;
    readonly value: string;
    readonly currency: string;
  }[];
}

/** UK data of a parcel: the GBP 135 consignment rule [customs-destination.md §5]. */
export interface UkConsignment {
  readonly intrinsicValueGbpMinor?: number;
  /** `point-of-sale-vat` up to GBP 135 (seller or marketplace charge UK VAT); `import-vat` above. */
  readonly regime: 'point-of-sale-vat' | 'import-vat' | 'unknown';
  readonly sellerVatNumber?: string;
  readonly lines: readonly {
    readonly line: number;
    readonly commodityCode: string;
    readonly description: string;
    readonly quantity: number;
    readonly value: string;
    readonly currency: string;
    readonly originCountry: string;
  }[];
  readonly problems: readonly string[];
}

/** The destination data sets of one parcel, those that apply to its destination. */
export interface DestinationData {
  readonly parcelId: string;
  readonly destination: string;
  readonly ics2?: Ics2HouseConsignment;
  readonly h7?: H7Declaration;
  readonly us?: UsEntry;
  readonly uk?: UkConsignment;
  readonly descriptionFindings: readonly DescriptionFinding[];
}

/**
 * The US manufacturer identification code (MID) built by CBP's rules: country, the first three letters
 * of the first two words of the name (articles and one-letter words skipped), up to four digits of the
 * largest number in the street address, and the first three letters of the city.
 */
export function manufacturerIdOf(name: string, street: string, city: string, country: string): string {
  const skip = new Set(['A', 'AN', 'AND', 'OF', 'THE']);
  const words = name
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1 && !skip.has(w));
  const nameParts = words
    .slice(0, 2)
    .map((w) => w.slice(0, 3))
    .join('');
  const numbers = (street.match(/\d+/g) ?? []).sort((a, b) => Number(b) - Number(a));
  const num = (numbers[0] ?? '').slice(0, 4);
  const c = city
    .toUpperCase()
    .replace(/[^A-Z]+/g, '')
    .slice(0, 3);
  return `${country}${nameParts}${num}${c}`;
}

/**
 * The destination data of one parcel: EU ICS2 house consignment and H7 for the EU, US entry lines,
 * UK consignment data, and the description check for all. `euMembers` from the duty rules.
 */
export function destinationData(
  input: DestinationParcel,
  options: {
    readonly euMembers: ReadonlySet<string>;
    readonly fx: CurrencyConverter;
    readonly vagueTerms: readonly string[];
  },
): DestinationData {
  const { parcel, seller, conveyance } = input;
  const country = parcel.consignee.country;
  const masses = lineMasses(parcel);
  const out: {
    -readonly [K in keyof DestinationData]: DestinationData[K];
  } = {
    parcelId: parcel.id,
    destination: country,
    descriptionFindings: checkDescriptions(parcel, options.vagueTerms),
  };
  const sellerAddress = `${seller.address.street}, ${seller.address.postcode} ${seller.address.city}`;

  if (options.euMembers.has(country)) {
    out.ics2 = {
      houseTransportDocument: input.waybillNo,
      masterTransportDocument: conveyance.billNo,
      modeOfTransportAtBorder: conveyance.trafMode,
      ...(input.containerId ? { containerNumber: containerNumberOf(input.containerId) } : {}),
      placeOfLoading: 'CNCKG',
      placeOfUnloading: input.gateway?.locode ?? input.gateway?.iata ?? input.gateway?.id ?? '',
      consignor: { name: seller.ebcName, address: sellerAddress, country: seller.address.country },
      seller: {
        name: seller.ebcName,
        country: seller.address.country,
        ...(seller.eori ? { eori: seller.eori } : {}),
      },
      consignee: {
        name: parcel.consignee.name,
        address: `${parcel.consignee.address}, ${parcel.consignee.postcode} ${parcel.consignee.city}`,
        country,
        phone: parcel.consignee.phone,
      },
      buyer: { name: parcel.consignee.name, country },
      grossMassKg: (parcel.grossWeightG / 1000).toFixed(3),
      packages: 1,
      goodsItems: parcel.items.map((item, i) => ({
        itemNumber: i + 1,
        description: item.description,
        hsSubheading: item.hsCode.slice(0, 6),
        ...(item.hsCode.length >= 8 ? { cn: item.hsCode.slice(6, 8) } : {}),
        grossMassKg: (masses[i]! / 1000).toFixed(3),
        unNumbers: i === 0 ? (parcel.dangerousGoods ?? []).map((u) => u.replace(/^UN/, '')) : [],
      })),
    };
    const eur = intrinsicValue(parcel, 'EUR', input.importDate, options.fx);
    const subheadings = new Set(parcel.items.map((i) => i.hsCode.slice(0, 6))).size;
    const flatDutyApplies = input.importDate >= EU_FLAT_DUTY.from && input.importDate < EU_FLAT_DUTY.until;
    const eligible = eur !== undefined && eur <= EU_FLAT_DUTY.maxValueEurMinor;
    out.h7 = {
      eligible,
      ...(eur === undefined
        ? { reason: 'no exchange rate to EUR on the import date' }
        : eligible
          ? {}
          : {
              reason: `intrinsic value EUR ${decimal(eur, 'EUR')} is over EUR 150: an H1 declaration is needed`,
            }),
      importDate: input.importDate,
      memberState: country,
      ...(seller.iossNumber ? { iossNumber: seller.iossNumber } : {}),
      seller: { name: seller.ebcName, country: seller.address.country },
      buyer: {
        name: parcel.consignee.name,
        address: parcel.consignee.address,
        city: parcel.consignee.city,
        postcode: parcel.consignee.postcode,
        country,
      },
      ...(eur === undefined ? {} : { intrinsicValueEurMinor: eur }),
      items: parcel.items.map((item, i) => ({
        itemNumber: i + 1,
        hsSubheading: item.hsCode.slice(0, 6),
        description: item.description,
        quantity: item.quantity,
        intrinsicValue: decimal(item.unitValueMinor * item.quantity, item.currency),
        currency: item.currency,
        originCountry: item.originCountry,
      })),
      distinctSubheadings: subheadings,
      flatDutyEurMinor: eligible && flatDutyApplies ? subheadings * EU_FLAT_DUTY.perSubheadingEurMinor : 0,
    };
  }

  if (country === 'US') {
    const usd = intrinsicValue(parcel, 'USD', input.importDate, options.fx);
    const mid = manufacturerIdOf(
      seller.ownerName,
      seller.address.street,
      seller.address.city,
      seller.address.country,
    );
    out.us = {
      entryType: usd !== undefined && usd > 250_000 ? '01' : '11',
      ...(usd === undefined ? {} : { valueUsdMinor: usd }),
      ultimateConsignee: {
        name: parcel.consignee.name,
        address: parcel.consignee.address,
        city: parcel.consignee.city,
        postcode: parcel.consignee.postcode,
      },
      lines: parcel.items.map((item, i) => ({
        line: i + 1,
        hts: item.hsCode.padEnd(10, '0'),
        htsPadded: item.hsCode.length < 10,
        description: item.description,
        countryOfOrigin: item.originCountry,
        manufacturerId: mid,
        quantity: item.quantity,
        value: decimal(item.unitValueMinor * item.quantity, item.currency),
        currency: item.currency,
      })),
    };
  }

  if (country === 'GB') {
    const gbp = intrinsicValue(parcel, 'GBP', input.importDate, options.fx);
    const problems: string[] = [];
    const regime = gbp === undefined ? 'unknown' : gbp <= 13_500 ? 'point-of-sale-vat' : 'import-vat';
    if (gbp === undefined) problems.push('no exchange rate to GBP on the import date');
    if (regime === 'point-of-sale-vat' && !seller.ukVatNumber)
      problems.push(
        'up to GBP 135 UK VAT is charged at the point of sale: the seller (or its marketplace) needs a UK VAT number',
      );
    out.uk = {
      ...(gbp === undefined ? {} : { intrinsicValueGbpMinor: gbp }),
      regime,
      ...(seller.ukVatNumber ? { sellerVatNumber: seller.ukVatNumber } : {}),
      lines: parcel.items.map((item, i) => ({
        line: i + 1,
        commodityCode: item.hsCode,
        description: item.description,
        quantity: item.quantity,
        value: decimal(item.unitValueMinor * item.quantity, item.currency),
        currency: item.currency,
        originCountry: item.originCountry,
      })),
      problems,
    };
  }
  return out;
}

/** The rail consignment note data (CIM/SMGS) of one container [customs-destination.md §3]. */
export interface RailConsignmentNote {
  readonly noteNumber: string;
  readonly containerNumber: string;
  readonly containerType: string;
  readonly sealNumber: string;
  readonly consignor: { readonly name: string; readonly address: string };
  readonly consignee: { readonly name: string; readonly address: string };
  readonly stationOfDeparture: { readonly name: string; readonly code: string; readonly country: string };
  readonly stationOfDestination: { readonly name: string; readonly code: string; readonly country: string };
  readonly borderStations: readonly { readonly name: string; readonly country: string }[];
  readonly goods: readonly {
    /** HS heading (4 digits): the goods code of the note. */
    readonly hsHeading: string;
    readonly description: string;
    readonly packages: number;
    readonly grossMassKg: string;
  }[];
  readonly packages: number;
  readonly grossMassKg: string;
  /** The export lists (CEB603 copNo) of the parcels inside: customs documents attached. */
  readonly customsDocuments: readonly string[];
}

/**
 * CIM/SMGS note data of a rail container: consignor (the hub), consignee (the destination terminal's
 * agent, named by the operator; a placeholder until then), stations, border stations on the route,
 * goods by HS heading (each parcel counted under its most valuable line), packages and mass.
 */
export function railConsignmentNote(input: {
  readonly containerId: string;
  readonly containerType: string;
  readonly conveyance: ExportConveyance;
  readonly hubName: string;
  readonly hubAddress: string;
  readonly route: readonly NetworkNode[];
  readonly parcels: readonly { readonly parcel: CustomsParcel; readonly listCopNo: string }[];
  readonly consignee?: { readonly name: string; readonly address: string };
}): RailConsignmentNote {
  const first = input.route[0];
  const last = input.route[input.route.length - 1];
  const goods = new Map<string, { description: string; packages: number; grams: number }>();
  let grams = 0;
  for (const { parcel } of input.parcels) {
    const main = [...parcel.items].sort(
      (a, b) => b.unitValueMinor * b.quantity - a.unitValueMinor * a.quantity,
    )[0];
    const heading = main?.hsCode.slice(0, 4) ?? '0000';
    const g = goods.get(heading) ?? { description: main?.description ?? '', packages: 0, grams: 0 };
    g.packages++;
    g.grams += parcel.grossWeightG;
    goods.set(heading, g);
    grams += parcel.grossWeightG;
  }
  const station = (n: NetworkNode | undefined) => ({
    name: n?.name ?? '',
    code: n?.locode ?? n?.id ?? '',
    country: n?.country ?? '',
  });
  return {
    noteNumber: `${input.conveyance.billNo}-${input.containerId.split('#')[1] ?? '1'}`,
    containerNumber: containerNumberOf(input.containerId),
    containerType: input.containerType,
    sealNumber: `LBS${digitsOf(`seal:${input.containerId}`, 7)}`,
    consignor: { name: input.hubName, address: input.hubAddress },
    consignee: input.consignee ?? {
      name: `Consignee at ${last?.name ?? 'destination'} (to be named by the operator)`,
      address: last?.name ?? '',
    },
    stationOfDeparture: station(first),
    stationOfDestination: station(last),
    borderStations: input.route
      .filter((n) => n.kind === 'border-crossing')
      .map((n) => ({ name: n.name, country: n.country })),
    goods: [...goods.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([hsHeading, g]) => ({
        hsHeading,
        description: g.description,
        packages: g.packages,
        grossMassKg: (g.grams / 1000).toFixed(3),
      })),
    packages: input.parcels.length,
    grossMassKg: (grams / 1000).toFixed(3),
    customsDocuments: input.parcels.map((p) => p.listCopNo),
  };
}

/** Quotes a CSV field where needed (RFC 4180). */
function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n')}\n`;
}

/** The destination data sets that can be exported as CSV: a row a goods line (or a note's goods line). */
export const DESTINATION_DATASETS = ['ics2', 'h7', 'us', 'uk', 'descriptions'] as const;
export type DestinationDataset = (typeof DESTINATION_DATASETS)[number];

/** One destination data set of many parcels as CSV, a row per goods line. */
export function destinationCsv(data: readonly DestinationData[], dataset: DestinationDataset): string {
  switch (dataset) {
    case 'ics2':
      return csv(
        [
          'parcel_id',
          'house_document',
          'master_document',
          'container',
          'consignee_country',
          'item',
          'hs6',
          'cn',
          'description',
          'gross_kg',
          'un_numbers',
        ],
        data.flatMap((d) =>
          (d.ics2?.goodsItems ?? []).map((g) => [
            d.parcelId,
            d.ics2!.houseTransportDocument,
            d.ics2!.masterTransportDocument,
            d.ics2!.containerNumber,
            d.ics2!.consignee.country,
            g.itemNumber,
            g.hsSubheading,
            g.cn,
            g.description,
            g.grossMassKg,
            g.unNumbers.join(' '),
          ]),
        ),
      );
    case 'h7':
      return csv(
        [
          'parcel_id',
          'member_state',
          'import_date',
          'eligible',
          'ioss',
          'intrinsic_value_eur',
          'distinct_subheadings',
          'flat_duty_eur',
          'item',
          'hs6',
          'description',
          'quantity',
          'value',
          'currency',
          'origin',
        ],
        data.flatMap((d) =>
          (d.h7?.items ?? []).map((it) => [
            d.parcelId,
            d.h7!.memberState,
            d.h7!.importDate,
            d.h7!.eligible,
            d.h7!.iossNumber,
            d.h7!.intrinsicValueEurMinor === undefined ? '' : decimal(d.h7!.intrinsicValueEurMinor, 'EUR'),
            d.h7!.distinctSubheadings,
            decimal(d.h7!.flatDutyEurMinor, 'EUR'),
            it.itemNumber,
            it.hsSubheading,
            it.description,
            it.quantity,
            it.intrinsicValue,
            it.currency,
            it.originCountry,
          ]),
        ),
      );
    case 'us':
      return csv(
        [
          'parcel_id',
          'entry_type',
          'line',
          'hts',
          'hts_padded',
          'description',
          'origin',
          'manufacturer_id',
          'quantity',
          'value',
          'currency',
          'consignee',
        ],
        data.flatMap((d) =>
          (d.us?.lines ?? []).map((l) => [
            d.parcelId,
            d.us!.entryType,
            l.line,
            l.hts,
            l.htsPadded,
            l.description,
            l.countryOfOrigin,
            l.manufacturerId,
            l.quantity,
            l.value,
            l.currency,
            d.us!.ultimateConsignee.name,
          ]),
        ),
      );
    case 'uk':
      return csv(
        [
          'parcel_id',
          'regime',
          'intrinsic_value_gbp',
          'seller_vat',
          'line',
          'commodity_code',
          'description',
          'quantity',
          'value',
          'currency',
          'origin',
          'problems',
        ],
        data.flatMap((d) =>
          (d.uk?.lines ?? []).map((l) => [
            d.parcelId,
            d.uk!.regime,
            d.uk!.intrinsicValueGbpMinor === undefined ? '' : decimal(d.uk!.intrinsicValueGbpMinor, 'GBP'),
            d.uk!.sellerVatNumber,
            l.line,
            l.commodityCode,
            l.description,
            l.quantity,
            l.value,
            l.currency,
            l.originCountry,
            d.uk!.problems.join('; '),
          ]),
        ),
      );
    case 'descriptions':
      return csv(
        ['parcel_id', 'line', 'description', 'why'],
        data.flatMap((d) => d.descriptionFindings.map((f) => [f.parcelId, f.line, f.description, f.why])),
      );
  }
}

/** CIM/SMGS notes as CSV, a row per goods line of each note. */
export function railNotesCsv(notes: readonly RailConsignmentNote[]): string {
  return csv(
    [
      'note_number',
      'container',
      'container_type',
      'seal',
      'from_station',
      'to_station',
      'border_stations',
      'hs_heading',
      'description',
      'packages',
      'gross_kg',
    ],
    notes.flatMap((n) =>
      n.goods.map((g) => [
        n.noteNumber,
        n.containerNumber,
        n.containerType,
        n.sealNumber,
        n.stationOfDeparture.code,
        n.stationOfDestination.code,
        n.borderStations.map((b) => b.name).join(' / '),
        g.hsHeading,
        g.description,
        g.packages,
        g.grossMassKg,
      ]),
    ),
  );
}
