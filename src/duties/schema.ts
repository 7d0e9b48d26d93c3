import { z } from 'zod';
import { CountryCodeShapeSchema as CountrySchema, DateSchema, IdSchema } from '../domain/codes.ts';
import type { Problem } from '../domain/errors.ts';
import { CurrencySchema } from '../domain/money.ts';
import type { HsNomenclature } from '../hs/index.ts';
import { OFFICIAL_FX_SOURCES, SOURCE_KINDS } from './fx.ts';
import { MoneyTextSchema, RateTextSchema } from './notation.ts';
import { ROUNDING_MODES } from './rounding.ts';

/**
 * The schema of the duty rule files (data/duties/*.yaml) and {@link parseDutyRules}, which validates
 * them and checks every cross-reference. A file holds one destination or a customs union (the EU):
 * its sources, tariff tables, VAT/GST rates, additional duties, fees and dated rule sets. See
 * data/duties/README.md for the meaning of each field, with examples.
 */

/** Who takes the money: the seller at checkout (IOSS, UK, VOEC, AU, SG, CL…), the carrier or broker
 * at import, or the buyer directly with customs. */
export const COLLECTORS = ['seller-at-sale', 'carrier-at-import', 'buyer'] as const;
export type Collector = (typeof COLLECTORS)[number];

/** Who bears it: the buyer, the seller, or whoever the incoterm says (DDP: seller, DAP: buyer). */
export const PAYERS = ['buyer', 'seller', 'incoterm'] as const;
export type Payer = (typeof PAYERS)[number];

/** How the parcel travels, where a rule differs (US postal vs non-postal, NZ/AU fees). */
export const CHANNELS = ['postal', 'express', 'freight'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SALE_TYPES = ['b2c', 'b2b'] as const;
export type SaleType = (typeof SALE_TYPES)[number];

/** Customs value basis: CIF adds shipping and insurance to the goods; FOB and transaction value do not. */
export const VALUE_BASES = ['CIF', 'FOB', 'transaction-value'] as const;
export type ValueBasis = (typeof VALUE_BASES)[number];

/** Parts a threshold or a tax base can be made of. `customs-value` follows the rule set's basis. */
export const VALUE_PARTS = ['goods', 'shipping', 'insurance', 'customs-value'] as const;
export type ValuePart = (typeof VALUE_PARTS)[number];
export const VAT_BASE_PARTS = [...VALUE_PARTS, 'duty', 'fees'] as const;
export type VatBasePart = (typeof VAT_BASE_PARTS)[number];

/** An HS prefix: a chapter (2 digits), heading (4), subheading (6) or national line (8 or 10). */
export const HsPrefixSchema = z
  .string()
  .regex(/^\d{2}(\d{2}){0,4}$/, 'must be an HS chapter, heading or subheading of 2, 4, 6, 8 or 10 digits');

const Window = {
  /** First day in force (inclusive). */
  validFrom: DateSchema.optional(),
  /** Last day in force (inclusive); open-ended when absent. */
  validTo: DateSchema.optional(),
};

export const SourceSchema = z
  .object({
    id: IdSchema,
    title: z.string().min(1),
    url: z.string().url().optional(),
    /** Publication date, or the date the page was read. */
    date: DateSchema,
    kind: z.enum(SOURCE_KINDS),
    note: z.string().optional(),
  })
  .refine((s) => (s.kind === 'assumption') === s.title.startsWith('Landbridge assumption:'), {
    message: 'an assumption, and only an assumption, has a title starting "Landbridge assumption:"',
  });
export type Source = z.infer<typeof SourceSchema>;

/** A value limit: `amount` compared with the parts named in `of`, per consignment or per unit. */
export const ThresholdSchema = z.object({
  amount: MoneyTextSchema,
  of: z.array(z.enum(VALUE_PARTS)).min(1).default(['goods']),
  per: z.enum(['consignment', 'unit']).default('consignment'),
  /** true: at most `amount` passes (≤); false: only less than `amount` passes (<). */
  inclusive: z.boolean().default(true),
});
export type Threshold = z.infer<typeof ThresholdSchema>;

const HsFilter = {
  onlyHs: z.array(HsPrefixSchema).optional(),
  exceptHs: z.array(HsPrefixSchema).optional(),
};

export const TariffRateSchema = z.object({
  hs: HsPrefixSchema,
  rate: RateTextSchema,
  source: IdSchema.optional(),
  note: z.string().optional(),
  ...Window,
});

/** A duty-rate table by HS prefix; the longest prefix in force matches. No entry: an unknown HS code. */
export const TariffSchema = z.object({
  name: z.string().min(1),
  source: IdSchema,
  rates: z.array(TariffRateSchema).min(1),
});
export type Tariff = z.infer<typeof TariffSchema>;

export const VatRateSchema = z.object({
  /** Countries the rate is for (member states in the EU file); all the file's destinations when absent. */
  countries: z.array(CountrySchema).optional(),
  /** ISO 3166-2 subdivisions (CA-ON, BR-MG) where the rate differs from the country's. */
  subdivisions: z.array(z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/)).optional(),
  /** HS prefixes for a reduced or zero rate; the standard rate when absent. */
  hs: z.array(HsPrefixSchema).optional(),
  rate: RateTextSchema,
  category: z.enum(['standard', 'reduced', 'zero']).default('standard'),
  source: IdSchema,
  note: z.string().optional(),
  ...Window,
});
export type VatRate = z.infer<typeof VatRateSchema>;

export const AdditionalDutyRateSchema = z.object({
  /** HS prefixes the rate covers; every good when absent (an origin-wide measure). */
  hs: z.array(HsPrefixSchema).optional(),
  /** Origins this entry is for, within the measure's origins (country-specific reciprocal rates). */
  origins: z.array(CountrySchema).optional(),
  /** Overrides the measure's mode for this entry. */
  mode: z.enum(['add', 'top-up-to']).optional(),
  rate: RateTextSchema,
  source: IdSchema.optional(),
  note: z.string().optional(),
  ...Window,
});

/**
 * A duty on top of the tariff, by origin and HS prefix: US Section 301, IEEPA, Section 122 and 232,
 * Turkey's extra rate for excise goods. `top-up-to` charges the rate minus the tariff rate (US
 * reciprocal duties on EU and Japanese goods: 15 % all-in).
 */
export const AdditionalDutySchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  legalBasis: z.string().optional(),
  source: IdSchema,
  /** Origins it applies to; all when absent. */
  origins: z.array(CountrySchema).optional(),
  exceptOrigins: z.array(CountrySchema).optional(),
  mode: z.enum(['add', 'top-up-to']).default('add'),
  /** Ids of additional duties that, when charged on a line, exclude this one (non-stacking rules). */
  excludedBy: z.array(IdSchema).default([]),
  rates: z.array(AdditionalDutyRateSchema).min(1),
});
export type AdditionalDuty = z.infer<typeof AdditionalDutySchema>;

export const FeeSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    amount: MoneyTextSchema,
    /** Per consignment, per declaration line (item line), per distinct 6-digit subheading, or per unit. */
    per: z.enum(['consignment', 'line', 'subheading', 'unit']),
    collector: z.enum(COLLECTORS),
    payer: z.enum(PAYERS),
    /** Whether VAT is charged on the fee (it is part of the VAT base). */
    inVatBase: z.boolean().default(false),
    source: IdSchema,
    countries: z.array(CountrySchema).optional(),
    channels: z.array(z.enum(CHANNELS)).optional(),
    /** Tier ids the fee applies in; all tiers when absent. */
    tiers: z.array(IdSchema).optional(),
    maxValue: ThresholdSchema.optional(),
    /** Charged only from this value up (at least `amount`; more than it with `inclusive: false`). */
    minValue: ThresholdSchema.optional(),
    /** Charged only when some duty or tax is collected at import (a clearance fee on taxed parcels). */
    onlyIfCollectedAtImport: z.boolean().default(false),
    note: z.string().optional(),
    ...Window,
  })
  .refine((f) => !(f.inVatBase && f.onlyIfCollectedAtImport), {
    message: 'a fee cannot both be in the VAT base and depend on the taxes collected',
  });
export type Fee = z.infer<typeof FeeSchema>;

const ComponentSource = { source: IdSchema, name: z.string().min(1) };

export const DutyComponentSchema = z.discriminatedUnion('kind', [
  /** The tariff rate of each line's HS code, on the line's customs value. */
  z.object({ kind: z.literal('tariff'), table: IdSchema, ...HsFilter }),
  /** One rate on the consignment (Brazil's 20 %/60 %, Mexico's global rate, EAEU 2026's 5 %). */
  z.object({
    kind: z.literal('ad-valorem'),
    ...ComponentSource,
    rate: RateTextSchema,
    /**
     * Deducted from the duty the rate gives, never below zero (Brazil's "parcela a deduzir do imposto",
     * USD 20 above USD 50 from 2024-08-01: 60 % of the value less USD 20 of tax).
     */
    deductedFromDuty: MoneyTextSchema.optional(),
    /** Refused: a deduction from the base is not a rule we know; write `deductedFromDuty`. */
    deduction: z
      .never({ error: 'write deductedFromDuty: Brazil deducts USD 20 from the tax, not from its base' })
      .optional(),
    /** Floor per kilogram of gross weight (EAEU 2026: EUR 1/kg). */
    minimumPerKg: MoneyTextSchema.optional(),
    of: z.array(z.enum(VALUE_PARTS)).min(1).default(['customs-value']),
    ...HsFilter,
  }),
  /** EAEU personal imports: `rate` of the value over `over`, at least so much per kg over `overWeightG`. */
  z.object({
    kind: z.literal('excess'),
    ...ComponentSource,
    over: MoneyTextSchema,
    overWeightG: z.number().int().min(1),
    rate: RateTextSchema,
    minimumPerKgOver: MoneyTextSchema,
    of: z.array(z.enum(VALUE_PARTS)).min(1).default(['goods']),
  }),
  /** A flat amount per distinct subheading in the consignment (EU from 2026-07-01: EUR 3). */
  z.object({
    kind: z.literal('flat-per-subheading'),
    ...ComponentSource,
    amount: MoneyTextSchema,
    digits: z.union([z.literal(6), z.literal(8), z.literal(10)]).default(6),
    ...HsFilter,
  }),
  /** A flat amount per consignment (US postal specific duty per postal item). */
  z.object({ kind: z.literal('flat-per-consignment'), ...ComponentSource, amount: MoneyTextSchema }),
]);
export type DutyComponent = z.infer<typeof DutyComponentSchema>;

export const VatTreatmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none'), note: z.string().optional() }),
  z.object({
    kind: z.literal('rate'),
    /** What the rate is charged on; `duty` adds every duty on the line, `fees` fees marked inVatBase. */
    base: z.array(z.enum(VAT_BASE_PARTS)).min(1),
    collector: z.enum(COLLECTORS),
    payer: z.enum(PAYERS).optional(),
    /** Tax calculated "por dentro" (Brazil's ICMS): base / (1 − rate) × rate. */
    grossUp: z.boolean().default(false),
    /** Not collected when the consignment's tax comes to at most this (Switzerland: CHF 5). */
    waivedAtMost: MoneyTextSchema.optional(),
    note: z.string().optional(),
    ...HsFilter,
  }),
]);
export type VatTreatment = z.infer<typeof VatTreatmentSchema>;

export const TierSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  /** Why this treatment applies, in a sentence a seller can read. */
  description: z.string().min(1),
  /** All conditions must hold; the first tier whose conditions hold is the one used. */
  when: z
    .object({
      maxValue: ThresholdSchema.optional(),
      maxGrossWeightG: z.number().int().min(1).optional(),
      channels: z.array(z.enum(CHANNELS)).min(1).optional(),
      sellerRegistered: z.boolean().optional(),
      saleTypes: z.array(z.enum(SALE_TYPES)).min(1).optional(),
      /** Holds when no line's origin is one of these (US de minimis after China's was withdrawn). */
      exceptOrigins: z.array(CountrySchema).min(1).optional(),
      /** Holds when some line's origin is one of these (US postal duty on Chinese goods in 2025). */
      anyOrigin: z.array(CountrySchema).min(1).optional(),
    })
    .default({}),
  duties: z.array(DutyComponentSchema).default([]),
  additionalDuties: z.array(IdSchema).default([]),
  dutyCollector: z.enum(COLLECTORS).default('carrier-at-import'),
  dutyPayer: z.enum(PAYERS).default('incoterm'),
  vat: VatTreatmentSchema,
  /** Duty and tax collected at import below this amount are waived altogether (New Zealand: NZD 60). */
  chargesWaivedBelow: MoneyTextSchema.optional(),
});
export type Tier = z.infer<typeof TierSchema>;

export const RuleRoundingSchema = z.object({
  mode: z.enum(ROUNDING_MODES).default('half-up'),
  /** Amounts are rounded to a multiple of this many minor units (Japan: 100 yen). */
  stepMinor: z.number().int().min(1).default(1),
  /** Bases are first rounded down to a multiple of this (Japan: 1 000 yen). */
  baseStepMinor: z.number().int().min(1).default(1),
  /** Round each duty or tax line (`line`), or the consignment's total of each charge (`total`). */
  scope: z.enum(['line', 'total']).default('line'),
  note: z.string().optional(),
});
export type RuleRounding = z.infer<typeof RuleRoundingSchema>;

export const RuleSetSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  validFrom: DateSchema,
  validTo: DateSchema.optional(),
  sources: z.array(IdSchema).min(1),
  /** Currency duties and taxes are assessed in. */
  currency: CurrencySchema,
  valueBasis: z.enum(VALUE_BASES),
  /**
   * Whose exchange rates the assessment uses: the reference rates (default), or the customs
   * administration's (`eu-customs` monthly rates, `cbp-certified`), with the reference rates as the
   * fallback, said in a note, where none are in force.
   */
  fxSource: z.enum(OFFICIAL_FX_SOURCES).optional(),
  /** Share of the price that is the customs value (Japan, personal use: 60 %). */
  goodsValueFactor: RateTextSchema.optional(),
  rounding: RuleRoundingSchema.default({ mode: 'half-up', stepMinor: 1, baseStepMinor: 1, scope: 'line' }),
  notes: z.array(z.string()).default([]),
  /**
   * What this rule set does with an item declared at zero value (a "gift" or a free sample): shown in the
   * answer whenever an item has no value, beside the engine's general note.
   */
  zeroValueNote: z.string().min(1).optional(),
  tiers: z.array(TierSchema).min(1),
});
export type RuleSet = z.infer<typeof RuleSetSchema>;

/** The shape of one data/duties/*.yaml file. */
export const DutyRulesFileSchema = z.object({
  destinations: z.array(CountrySchema).min(1),
  name: z.string().min(1),
  notes: z.array(z.string()).default([]),
  sources: z.array(SourceSchema).min(1),
  tariffs: z.record(IdSchema, TariffSchema).default({}),
  vatRates: z.array(VatRateSchema).default([]),
  additionalDuties: z.array(AdditionalDutySchema).default([]),
  fees: z.array(FeeSchema).default([]),
  ruleSets: z.array(RuleSetSchema).min(1),
});
export type DutyRulesFile = z.infer<typeof DutyRulesFileSchema>;
export type DutyRulesFileInput = z.input<typeof DutyRulesFileSchema>;

/** One validated file with its indexes. */
export interface DutyRuleBook {
  readonly file: string;
  readonly data: DutyRulesFile;
  readonly sources: ReadonlyMap<string, Source>;
  readonly additionalDuties: ReadonlyMap<string, AdditionalDuty>;
}

/** All rule books, by destination country. Build with {@link parseDutyRules}. */
export interface DutyRules {
  readonly books: readonly DutyRuleBook[];
  readonly byDestination: ReadonlyMap<string, DutyRuleBook>;
  /**
   * The HS nomenclature every declared code is checked against: with it, {@link landedCost} refuses a
   * code that does not exist (`not-an-hs-code`). The shell always passes the shipped HS 2022 table.
   */
  readonly hs?: HsNomenclature;
}

/** Options of {@link parseDutyRules}. */
export interface ParseDutyRulesOptions {
  /** Check every HS prefix of the rules against this nomenclature, and keep it for landed cost. */
  readonly hs?: HsNomenclature;
}

/** Every HS prefix a rule book names, with its field path. */
function hsPrefixesOf(data: DutyRulesFile): { field: string; hs: string }[] {
  const out: { field: string; hs: string }[] = [];
  const add = (field: string, list: readonly string[] | undefined) => {
    for (const [i, hs] of (list ?? []).entries()) out.push({ field: `${field}.${i}`, hs });
  };
  const filter = (field: string, f: { onlyHs?: readonly string[]; exceptHs?: readonly string[] }) => {
    add(`${field}.onlyHs`, f.onlyHs);
    add(`${field}.exceptHs`, f.exceptHs);
  };
  for (const [id, t] of Object.entries(data.tariffs)) {
    for (const [i, r] of t.rates.entries()) out.push({ field: `tariffs.${id}.rates.${i}.hs`, hs: r.hs });
  }
  for (const [i, v] of data.vatRates.entries()) add(`vatRates.${i}.hs`, v.hs);
  for (const [i, a] of data.additionalDuties.entries()) {
    for (const [j, r] of a.rates.entries()) add(`additionalDuties.${i}.rates.${j}.hs`, r.hs);
  }
  for (const [i, rs] of data.ruleSets.entries()) {
    for (const [t, tier] of rs.tiers.entries()) {
      filter(`ruleSets.${i}.tiers.${t}.vat`, tier.vat as { onlyHs?: string[]; exceptHs?: string[] });
      for (const [k, d] of tier.duties.entries())
        filter(`ruleSets.${i}.tiers.${t}.duties.${k}`, d as { onlyHs?: string[]; exceptHs?: string[] });
    }
  }
  return out;
}

export type ParseDutyRulesResult =
  | { readonly ok: true; readonly rules: DutyRules }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** A document to parse: its file name (for messages) and its parsed YAML. */
export interface DutyRulesDocument {
  readonly file: string;
  readonly data: unknown;
}

function windowsOverlap(
  a: { readonly validFrom?: string; readonly validTo?: string },
  b: { readonly validFrom?: string; readonly validTo?: string },
): boolean {
  const aFrom = a.validFrom ?? '0000-01-01';
  const bFrom = b.validFrom ?? '0000-01-01';
  const aTo = a.validTo ?? '9999-12-31';
  const bTo = b.validTo ?? '9999-12-31';
  return aFrom <= bTo && bFrom <= aTo;
}

function checkBook(file: string, data: DutyRulesFile, problems: Problem[]): DutyRuleBook {
  const at = (field: string, why: string): void => {
    problems.push({ where: { file, field }, why });
  };
  const sources = new Map<string, Source>();
  data.sources.forEach((s, i) => {
    if (sources.has(s.id)) at(`sources.${i}.id`, `source id "${s.id}" is used twice`);
    sources.set(s.id, s);
  });
  const needSource = (field: string, id: string | undefined) => {
    if (id !== undefined && !sources.has(id)) at(field, `no source with id "${id}" in this file`);
  };
  for (const [id, t] of Object.entries(data.tariffs)) {
    needSource(`tariffs.${id}.source`, t.source);
    t.rates.forEach((r, i) => {
      t.rates.slice(0, i).forEach((o, j) => {
        if (o.hs === r.hs && windowsOverlap(o, r))
          at(`tariffs.${id}.rates.${i}`, `HS ${r.hs} is also at rates.${j} for overlapping dates`);
      });
      needSource(`tariffs.${id}.rates.${i}.source`, r.source);
      if (r.validFrom && r.validTo && r.validFrom > r.validTo)
        at(`tariffs.${id}.rates.${i}`, 'validFrom is after validTo');
    });
  }
  const key = (v: VatRate) => JSON.stringify([v.countries ?? [], v.subdivisions ?? [], v.hs ?? []]);
  data.vatRates.forEach((v, i) => {
    data.vatRates.slice(0, i).forEach((w, j) => {
      if (key(v) === key(w) && windowsOverlap(v, w))
        at(`vatRates.${i}`, `overlaps vatRates.${j} for the same countries and goods`);
    });
    needSource(`vatRates.${i}.source`, v.source);
    for (const c of v.countries ?? []) {
      if (!data.destinations.includes(c))
        at(`vatRates.${i}.countries`, `${c} is not a destination of this file`);
    }
  });
  const additional = new Map<string, AdditionalDuty>();
  data.additionalDuties.forEach((a, i) => {
    if (additional.has(a.id)) at(`additionalDuties.${i}.id`, `additional duty id "${a.id}" is used twice`);
    additional.set(a.id, a);
    needSource(`additionalDuties.${i}.source`, a.source);
    a.rates.forEach((r, j) => {
      needSource(`additionalDuties.${i}.rates.${j}.source`, r.source);
    });
  });
  const tierIds = new Set<string>();
  const ruleSets = [...data.ruleSets].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
  ruleSets.forEach((rs, i) => {
    const field = `ruleSets.${data.ruleSets.indexOf(rs)}`;
    if (rs.validTo && rs.validTo < rs.validFrom)
      at(`${field}.validTo`, `rule set ${rs.id} ends before it starts`);
    const next = ruleSets[i + 1];
    if (next && (rs.validTo === undefined || rs.validTo >= next.validFrom)) {
      at(`${field}.validTo`, `rule set ${rs.id} overlaps ${next.id}, which starts ${next.validFrom}`);
    }
    rs.sources.forEach((s, j) => {
      needSource(`${field}.sources.${j}`, s);
    });
    const seenTiers = new Set<string>();
    rs.tiers.forEach((tier, t) => {
      const tf = `${field}.tiers.${t}`;
      if (seenTiers.has(tier.id)) at(`${tf}.id`, `tier id "${tier.id}" is used twice in ${rs.id}`);
      seenTiers.add(tier.id);
      tierIds.add(tier.id);
      tier.duties.forEach((d, k) => {
        if (d.kind === 'tariff') {
          if (!(d.table in data.tariffs))
            at(`${tf}.duties.${k}.table`, `no tariff table "${d.table}" in this file`);
        } else {
          needSource(`${tf}.duties.${k}.source`, d.source);
        }
      });
      const listed: string[] = [];
      tier.additionalDuties.forEach((id, k) => {
        const a = additional.get(id);
        if (!a) at(`${tf}.additionalDuties.${k}`, `no additional duty "${id}" in this file`);
        for (const ex of a?.excludedBy ?? []) {
          if (tier.additionalDuties.includes(ex) && !listed.includes(ex)) {
            at(
              `${tf}.additionalDuties.${k}`,
              `"${id}" is excluded by "${ex}", which must be listed before it`,
            );
          }
        }
        listed.push(id);
      });
      if (tier.vat.kind === 'rate') {
        const base = tier.vat.base;
        if (
          base.includes('customs-value') &&
          rs.valueBasis === 'CIF' &&
          (base.includes('shipping') || base.includes('insurance'))
        ) {
          at(
            `${tf}.vat.base`,
            'customs value is CIF here: adding shipping or insurance would count them twice',
          );
        }
        if (base.includes('customs-value') && base.includes('goods')) {
          at(`${tf}.vat.base`, 'customs value already includes the goods');
        }
      }
    });
  });
  data.fees.forEach((f, i) => {
    needSource(`fees.${i}.source`, f.source);
    for (const t of f.tiers ?? [])
      if (!tierIds.has(t)) at(`fees.${i}.tiers`, `no tier "${t}" in any rule set of this file`);
    for (const c of f.countries ?? []) {
      if (!data.destinations.includes(c)) at(`fees.${i}.countries`, `${c} is not a destination of this file`);
    }
  });
  return { file, data: { ...data, ruleSets }, sources, additionalDuties: additional };
}

/**
 * Validates duty rule documents (each file's YAML already parsed) and indexes them by destination.
 * Checks, beyond the schema: every source, tariff and additional-duty reference resolves; rule sets of a
 * file do not overlap in time; a destination is in one file only; rule set ids are unique; VAT bases do
 * not count shipping twice. Problems name the file and the field path.
 */
export function parseDutyRules(
  documents: readonly DutyRulesDocument[],
  options: ParseDutyRulesOptions = {},
): ParseDutyRulesResult {
  const problems: Problem[] = [];
  const books: DutyRuleBook[] = [];
  const byDestination = new Map<string, DutyRuleBook>();
  const ruleSetIds = new Map<string, string>();
  for (const doc of documents) {
    const parsed = DutyRulesFileSchema.safeParse(doc.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({
          where: { file: doc.file, field: issue.path.map(String).join('.') },
          why: issue.message,
        });
      }
      continue;
    }
    const book = checkBook(doc.file, parsed.data, problems);
    books.push(book);
    const hs = options.hs;
    if (hs) {
      for (const p of hsPrefixesOf(parsed.data)) {
        const code = p.hs.length > 6 ? p.hs.slice(0, 6) : p.hs;
        if (!hs.entries.has(code))
          problems.push({
            where: { file: doc.file, field: p.field },
            why: `${p.hs} is not an ${hs.edition} code`,
          });
      }
    }
    for (const d of parsed.data.destinations) {
      const other = byDestination.get(d);
      if (other)
        problems.push({
          where: { file: doc.file, field: 'destinations' },
          why: `${d} is also in ${other.file}`,
        });
      byDestination.set(d, book);
    }
    for (const rs of parsed.data.ruleSets) {
      const other = ruleSetIds.get(rs.id);
      if (other)
        problems.push({
          where: { file: doc.file, field: 'ruleSets' },
          why: `rule set id ${rs.id} is also in ${other}`,
        });
      ruleSetIds.set(rs.id, doc.file);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, rules: { books, byDestination, ...(options.hs ? { hs: options.hs } : {}) } };
}

/** Whether a dated entry is in force on `date` (both ends inclusive). */
export function inForce(
  entry: { readonly validFrom?: string; readonly validTo?: string },
  date: string,
): boolean {
  return (
    (entry.validFrom === undefined || entry.validFrom <= date) &&
    (entry.validTo === undefined || date <= entry.validTo)
  );
}
