import { type Currency, formatMinor, type Money } from '../domain/money.ts';
import type { ParcelItem } from '../domain/parcel.ts';
import { checkDeclaredHsCode } from '../hs/index.ts';
import { convert, type FxRateSource, type FxSource, type FxTables } from './fx.ts';
import { formatRateBp } from './notation.ts';
import type { LandedCostRequest } from './request.ts';
import {
  allocate,
  applyRate,
  compare,
  type Fraction,
  floorToStep,
  fraction,
  max,
  mul,
  roundFraction,
  sum,
  toSafeNumber,
} from './rounding.ts';
import {
  type Channel,
  type Collector,
  type DutyComponent,
  type DutyRuleBook,
  type DutyRules,
  inForce,
  type Payer,
  type RuleSet,
  type Source,
  type Threshold,
  type Tier,
  type ValuePart,
} from './schema.ts';
import { findAdditionalRate, findTariffRate, findVatRate, passesHsFilter } from './tariff.ts';

/** An amount in the rule set's currency (`minor`) and in the requested answer currency (`answerMinor`). */
export interface LandedAmount {
  readonly minor: number;
  readonly answerMinor: number;
}

/** A source as cited in an answer. */
export interface SourceRef {
  readonly id: string;
  readonly title: string;
  readonly url?: string;
  readonly date: string;
  readonly kind: Source['kind'];
}

export type DutyLineKind =
  | 'tariff'
  | 'additional'
  | 'ad-valorem'
  | 'excess'
  | 'flat-per-subheading'
  | 'flat-per-consignment';

/** One duty amount: a line's tariff duty, an additional duty, or a consignment-level duty. */
export interface DutyLine {
  readonly kind: DutyLineKind;
  /** The tariff table, additional duty, or `<rule set>/<tier>/<kind>` the amount comes from. */
  readonly ruleId: string;
  readonly name: string;
  /** The item's HS code, for per-line duties. */
  readonly hsCode?: string;
  /** The HS prefix of the rate entry that matched (heading, subheading or national line). */
  readonly hsMatched?: string;
  readonly origin?: string;
  readonly rateBp?: number;
  readonly rate?: string;
  readonly base?: LandedAmount;
  /** Number of subheadings charged, for a flat duty per subheading. */
  readonly count?: number;
  readonly amount: LandedAmount;
  readonly collector: Collector;
  readonly payer: 'buyer' | 'seller';
  readonly source: SourceRef;
  readonly note?: string;
}

/** VAT/GST at one rate. */
export interface VatLine {
  readonly rateBp: number;
  readonly rate: string;
  readonly category: 'standard' | 'reduced' | 'zero';
  readonly country: string;
  readonly subdivision?: string;
  readonly base: LandedAmount;
  readonly amount: LandedAmount;
  readonly hsCodes: readonly string[];
  readonly grossUp: boolean;
  readonly collector: Collector;
  readonly payer: 'buyer' | 'seller';
  readonly source: SourceRef;
  readonly note?: string;
}

/** A clearance, handling or national fee. */
export interface FeeLine {
  readonly id: string;
  readonly name: string;
  readonly count: number;
  /** The fee per unit counted, in the currency the rule states it in. */
  readonly each: Money;
  readonly amount: LandedAmount;
  readonly collector: Collector;
  readonly payer: 'buyer' | 'seller';
  readonly source: SourceRef;
  readonly note?: string;
}

export interface ItemLine {
  readonly hsCode: string;
  readonly description: string;
  readonly quantity: number;
  readonly origin: string;
  readonly goods: LandedAmount;
  readonly customsValue: LandedAmount;
}

export interface LandedCostTotals {
  readonly duty: LandedAmount;
  readonly vat: LandedAmount;
  readonly fees: LandedAmount;
  /** Duty + VAT/GST + fees: the import charges on top of the goods and shipping. */
  readonly total: LandedAmount;
  /** Charges the buyer pays at checkout (taxes collected by the seller at sale). */
  readonly buyerAtCheckout: LandedAmount;
  /** Charges the buyer pays at the door (collected at import, DAP). */
  readonly buyerAtDoor: LandedAmount;
  /** Charges the seller bears (DDP import charges, fees the seller may not pass on). */
  readonly seller: LandedAmount;
}

/** A rate used to convert money, with its table's date and source. */
export interface FxUsed {
  readonly from: Currency;
  readonly to: Currency;
  readonly rate: string;
  readonly tableDate?: string;
  /** Whose rates: the reference rates, or the customs administration's the rule set names. */
  readonly rateSource: FxRateSource;
  /** The rule set's own rate source, when it had no table in force and the reference rates were used. */
  readonly asked?: FxRateSource;
  /** `customs`: for the assessment; `display`: for the answer's second currency. */
  readonly purpose: 'customs' | 'display';
  readonly sources: readonly string[];
}

/** The full landed cost of a consignment: each amount with the rule and source behind it. */
export interface LandedCostResult {
  readonly ok: true;
  readonly destination: string;
  readonly subdivision?: string;
  readonly date: string;
  /** Currency duties and taxes are assessed in (the rule set's). */
  readonly currency: Currency;
  /** Currency of every `answerMinor`. */
  readonly answerCurrency: Currency;
  readonly ruleSet: {
    readonly id: string;
    readonly name: string;
    readonly validFrom: string;
    readonly validTo?: string;
    readonly valueBasis: RuleSet['valueBasis'];
    readonly sources: readonly SourceRef[];
  };
  readonly tier: { readonly id: string; readonly name: string; readonly description: string };
  readonly goodsValue: LandedAmount;
  readonly shipping: LandedAmount;
  readonly insurance: LandedAmount;
  readonly customsValue: LandedAmount;
  readonly items: readonly ItemLine[];
  readonly duties: readonly DutyLine[];
  readonly vat: readonly VatLine[];
  readonly fees: readonly FeeLine[];
  readonly totals: LandedCostTotals;
  readonly fx: readonly FxUsed[];
  readonly notes: readonly string[];
}

/** An expected failure, naming what is missing so a person can act on it. */
export type LandedCostFailure =
  | {
      readonly ok: false;
      readonly kind: 'unknown-destination';
      readonly destination: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'no-rule-in-force';
      readonly destination: string;
      readonly date: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'unknown-hs-code';
      readonly destination: string;
      readonly ruleSetId: string;
      readonly hsCode: string;
      readonly table: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'not-an-hs-code';
      /** Where in the request: `items.0.hsCode`. */
      readonly field: string;
      readonly hsCode: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'no-vat-rate';
      readonly destination: string;
      readonly ruleSetId: string;
      readonly hsCode: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'outside-regime';
      readonly destination: string;
      readonly ruleSetId: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'missing-input';
      readonly field: string;
      readonly ruleSetId: string;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly kind: 'missing-fx-rate';
      readonly from: Currency;
      readonly to: Currency;
      readonly date: string;
      readonly message: string;
    };

/** An FX table older than this many days before the date gets a note in the answer. */
const STALE_FX_DAYS = 31;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Carries an expected failure out of deep helpers; caught in {@link landedCost} and returned. */
class Stop extends Error {
  constructor(readonly failure: LandedCostFailure) {
    super(failure.message);
  }
}

interface Context {
  readonly request: LandedCostRequest;
  readonly book: DutyRuleBook;
  readonly ruleSet: RuleSet;
  readonly fx: FxTables;
  readonly date: string;
  readonly currency: Currency;
  readonly fxUsed: Map<string, FxUsed>;
}

function sourceRef(book: DutyRuleBook, id: string): SourceRef {
  const s = book.sources.get(id);
  if (!s) throw new Error(`source ${id} missing from ${book.file}: parseDutyRules should have caught it`);
  return { id: s.id, title: s.title, ...(s.url ? { url: s.url } : {}), date: s.date, kind: s.kind };
}

/**
 * Converts for the customs assessment (values, thresholds, fees) with the rule set's rate source, or, with
 * `display`, for the answer's second currency with the reference rates.
 */
function toCurrency(
  ctx: Context,
  amountMinor: number,
  from: Currency,
  to: Currency,
  purpose: 'customs' | 'display' = 'customs',
): number {
  if (from === to) return amountMinor;
  const asked: FxRateSource = purpose === 'customs' ? (ctx.ruleSet.fxSource ?? 'reference') : 'reference';
  const c = convert(amountMinor, from, to, ctx.date, ctx.fx, asked);
  if (!c.ok) throw new Stop(c);
  const key = `${from}->${to}|${purpose}`;
  if (!ctx.fxUsed.has(key)) {
    ctx.fxUsed.set(key, {
      from,
      to,
      rate: c.rate,
      ...(c.tableDate ? { tableDate: c.tableDate } : {}),
      rateSource: c.rateSource,
      ...(c.fellBack ? { asked } : {}),
      purpose,
      sources: c.sources.map((s: FxSource) => s.title),
    });
  }
  return c.minor;
}

function moneyIn(ctx: Context, money: Money, to: Currency = ctx.currency): number {
  return toCurrency(ctx, money.amountMinor, money.currency, to);
}

/** Consignment values in a given currency, each converted from the currency it was declared in. */
interface ValuesIn {
  readonly goods: number;
  readonly maxUnit: number;
  readonly shipping: number;
  readonly insurance: number;
}

function costsCurrency(request: LandedCostRequest): Currency {
  return request.costsCurrency ?? (request.items[0] as ParcelItem).currency;
}

function applyFactor(amount: number, factorBp: number | undefined): number {
  if (factorBp === undefined) return amount;
  return toSafeNumber(roundFraction(applyRate(amount, factorBp), 'half-up'));
}

function valuesIn(ctx: Context, currency: Currency): ValuesIn {
  const byCurrency = new Map<Currency, number>();
  let maxUnit = 0;
  for (const item of ctx.request.items) {
    byCurrency.set(item.currency, (byCurrency.get(item.currency) ?? 0) + item.unitValueMinor * item.quantity);
    const unit = applyFactor(
      toCurrency(ctx, item.unitValueMinor, item.currency, currency),
      ctx.ruleSet.goodsValueFactor,
    );
    if (unit > maxUnit) maxUnit = unit;
  }
  let goods = 0;
  for (const [c, total] of byCurrency) goods += toCurrency(ctx, total, c, currency);
  const cc = costsCurrency(ctx.request);
  return {
    goods: applyFactor(goods, ctx.ruleSet.goodsValueFactor),
    maxUnit,
    shipping: toCurrency(ctx, ctx.request.shippingMinor ?? 0, cc, currency),
    insurance: toCurrency(ctx, ctx.request.insuranceMinor ?? 0, cc, currency),
  };
}

function partsTotal(
  parts: readonly ValuePart[],
  v: ValuesIn,
  basis: RuleSet['valueBasis'],
  perUnit: boolean,
): number {
  let total = 0;
  const goods = perUnit ? v.maxUnit : v.goods;
  for (const part of parts) {
    if (part === 'goods') total += goods;
    else if (part === 'shipping') total += perUnit ? 0 : v.shipping;
    else if (part === 'insurance') total += perUnit ? 0 : v.insurance;
    else total += goods + (basis === 'CIF' && !perUnit ? v.shipping + v.insurance : 0);
  }
  return total;
}

/** Whether the consignment is within a threshold, compared in the threshold's own currency. */
function withinThreshold(ctx: Context, threshold: Threshold): boolean {
  const v = valuesIn(ctx, threshold.amount.currency);
  const value = partsTotal(threshold.of, v, ctx.ruleSet.valueBasis, threshold.per === 'unit');
  return threshold.inclusive ? value <= threshold.amount.amountMinor : value < threshold.amount.amountMinor;
}

function tierApplies(ctx: Context, tier: Tier): boolean {
  const w = tier.when;
  const r = ctx.request;
  if (w.channels && !w.channels.includes(r.channel ?? 'express')) return false;
  if (w.sellerRegistered !== undefined && w.sellerRegistered !== (r.sellerRegisteredForScheme ?? true))
    return false;
  if (w.saleTypes && !w.saleTypes.includes(r.saleType ?? 'b2c')) return false;
  if (w.exceptOrigins && r.items.some((i) => w.exceptOrigins?.includes(i.originCountry))) return false;
  if (w.anyOrigin && !r.items.some((i) => w.anyOrigin?.includes(i.originCountry))) return false;
  if (w.maxGrossWeightG !== undefined) {
    if (r.grossWeightG === undefined) {
      throw new Stop({
        ok: false,
        kind: 'missing-input',
        field: 'grossWeightG',
        ruleSetId: ctx.ruleSet.id,
        message: `${ctx.ruleSet.id} needs the parcel's gross weight (grossWeightG) to apply its weight limit`,
      });
    }
    if (r.grossWeightG > w.maxGrossWeightG) return false;
  }
  if (w.maxValue && !withinThreshold(ctx, w.maxValue)) return false;
  return true;
}

/** Per-line values in the rule set's currency. */
interface Lines {
  readonly goods: readonly bigint[];
  readonly shipping: readonly bigint[];
  readonly insurance: readonly bigint[];
  readonly customsValue: readonly bigint[];
  readonly totalGoods: bigint;
  readonly totalShipping: bigint;
  readonly totalInsurance: bigint;
}

function lineValues(ctx: Context): Lines {
  const items = ctx.request.items;
  const raw = items.map((i) => BigInt(i.unitValueMinor) * BigInt(i.quantity));
  const goods: bigint[] = items.map(() => 0n);
  // Convert each currency's total once and spread it over that currency's lines, so the lines add up.
  const currencies = [...new Set(items.map((i) => i.currency))];
  for (const c of currencies) {
    const idx = items.flatMap((item, i) => (item.currency === c ? [i] : []));
    const total = idx.reduce((s, i) => s + (raw[i] as bigint), 0n);
    const converted = BigInt(toCurrency(ctx, toSafeNumber(total), c, ctx.currency));
    allocate(
      converted,
      idx.map((i) => raw[i] as bigint),
    ).forEach((part, k) => {
      goods[idx[k] as number] = part;
    });
  }
  const unfactored = goods.reduce((a, b) => a + b, 0n);
  const totalGoods = BigInt(applyFactor(toSafeNumber(unfactored), ctx.ruleSet.goodsValueFactor));
  const factored = ctx.ruleSet.goodsValueFactor === undefined ? goods : allocate(totalGoods, goods);
  const cc = costsCurrency(ctx.request);
  const totalShipping = BigInt(toCurrency(ctx, ctx.request.shippingMinor ?? 0, cc, ctx.currency));
  const totalInsurance = BigInt(toCurrency(ctx, ctx.request.insuranceMinor ?? 0, cc, ctx.currency));
  const shipping = allocate(totalShipping, factored);
  const insurance = allocate(totalInsurance, factored);
  const cif = ctx.ruleSet.valueBasis === 'CIF';
  const customsValue = factored.map(
    (g, i) => g + (cif ? (shipping[i] as bigint) + (insurance[i] as bigint) : 0n),
  );
  return { goods: factored, shipping, insurance, customsValue, totalGoods, totalShipping, totalInsurance };
}

function partOfLine(part: ValuePart, lines: Lines, i: number): bigint {
  switch (part) {
    case 'goods':
      return lines.goods[i] as bigint;
    case 'shipping':
      return lines.shipping[i] as bigint;
    case 'insurance':
      return lines.insurance[i] as bigint;
    case 'customs-value':
      return lines.customsValue[i] as bigint;
  }
}

function resolvePayer(payer: Payer, ctx: Context): 'buyer' | 'seller' {
  if (payer === 'incoterm') return (ctx.request.incoterm ?? 'DAP') === 'DDP' ? 'seller' : 'buyer';
  return payer;
}

/** A duty before rounding. `line` is the item index for per-line duties. */
interface DutyDraft {
  readonly kind: DutyLineKind;
  readonly ruleId: string;
  readonly name: string;
  readonly line?: number;
  /** Items the amount belongs to, for spreading a consignment-level duty into VAT bases. */
  readonly lines: readonly number[];
  readonly hsMatched?: string;
  readonly rateBp?: number;
  readonly base?: bigint;
  readonly count?: number;
  readonly exact: Fraction;
  readonly sourceId: string;
  readonly note?: string;
}

function roundAmounts(ctx: Context, exacts: readonly Fraction[]): bigint[] {
  const { mode, stepMinor, scope } = ctx.ruleSet.rounding;
  if (scope === 'line') return exacts.map((e) => roundFraction(e, mode, stepMinor));
  const total = roundFraction(sum(exacts), mode, stepMinor);
  // Spread the rounded total over the lines in proportion to their exact amounts (micro-unit weights).
  const weights = exacts.map((e) => roundFraction(mul(e, fraction(1_000_000)), 'down'));
  return allocate(total, weights);
}

function tariffDrafts(
  ctx: Context,
  tier: Tier,
  component: Extract<DutyComponent, { kind: 'tariff' }>,
  lines: Lines,
): DutyDraft[] {
  const table = ctx.book.data.tariffs[component.table];
  if (!table) throw new Error(`tariff ${component.table} missing: parseDutyRules should have caught it`);
  const drafts: DutyDraft[] = [];
  ctx.request.items.forEach((item, i) => {
    if (!passesHsFilter(item.hsCode, component)) return;
    const match = findTariffRate(table, item.hsCode, ctx.date);
    if (!match) {
      throw new Stop({
        ok: false,
        kind: 'unknown-hs-code',
        destination: ctx.request.destination,
        ruleSetId: ctx.ruleSet.id,
        hsCode: item.hsCode,
        table: component.table,
        message:
          `no duty rate for HS ${item.hsCode} (heading ${item.hsCode.slice(0, 4)}) in tariff "${component.table}" ` +
          `(${table.name}) of rule set ${ctx.ruleSet.id}, tier ${tier.id}, on ${ctx.date}: ` +
          `add the rate with its source to ${ctx.book.file}`,
      });
    }
    const base = floorToStep(lines.customsValue[i] as bigint, ctx.ruleSet.rounding.baseStepMinor);
    drafts.push({
      kind: 'tariff',
      ruleId: component.table,
      name: table.name,
      line: i,
      lines: [i],
      hsMatched: match.hsMatched,
      rateBp: match.rateBp,
      base,
      exact: applyRate(base, match.rateBp),
      sourceId: match.sourceId,
      ...(match.note ? { note: match.note } : {}),
    });
  });
  return drafts;
}

function requireWeight(ctx: Context): number {
  const g = ctx.request.grossWeightG;
  if (g === undefined) {
    throw new Stop({
      ok: false,
      kind: 'missing-input',
      field: 'grossWeightG',
      ruleSetId: ctx.ruleSet.id,
      message: `${ctx.ruleSet.id} charges duty by weight: the request needs grossWeightG`,
    });
  }
  return g;
}

function consignmentDraft(
  ctx: Context,
  tier: Tier,
  component: Exclude<DutyComponent, { kind: 'tariff' }>,
  lines: Lines,
): DutyDraft | undefined {
  const items = ctx.request.items;
  const eligible = items.flatMap((item, i) =>
    component.kind === 'excess' ||
    component.kind === 'flat-per-consignment' ||
    passesHsFilter(item.hsCode, component)
      ? [i]
      : [],
  );
  if (eligible.length === 0) return undefined;
  const ruleId = `${ctx.ruleSet.id}/${tier.id}/${component.kind}`;
  const common = { ruleId, name: component.name, lines: eligible, sourceId: component.source };
  const baseOf = (parts: readonly ValuePart[]) =>
    eligible.reduce((s, i) => s + parts.reduce((t, p) => t + partOfLine(p, lines, i), 0n), 0n);
  switch (component.kind) {
    case 'ad-valorem': {
      const base = floorToStep(baseOf(component.of), ctx.ruleSet.rounding.baseStepMinor);
      let note: string | undefined;
      let exact = applyRate(base, component.rate);
      const deducted = component.deductedFromDuty;
      if (deducted) {
        // The deduction comes off the duty, in the rule set's currency at the day's rate.
        const d = fraction(moneyIn(ctx, deducted));
        exact =
          compare(exact, d) > 0
            ? { num: exact.num * d.den - d.num * exact.den, den: exact.den * d.den }
            : fraction(0);
        note = `${formatRateBp(component.rate)} of the base less ${deducted.currency} ${formatMinor(deducted.amountMinor, deducted.currency)} deducted from the duty`;
      }
      if (component.minimumPerKg) {
        const perKg = moneyIn(ctx, component.minimumPerKg);
        const floor = mul(fraction(perKg), fraction(requireWeight(ctx), 1000));
        if (max(floor, exact) !== exact)
          note = `minimum of ${component.minimumPerKg.currency} per kg applies`;
        exact = max(exact, floor);
      }
      return {
        ...common,
        kind: 'ad-valorem',
        rateBp: component.rate,
        base,
        exact,
        ...(note ? { note } : {}),
      };
    }
    case 'excess': {
      const value = baseOf(component.of);
      const over = BigInt(moneyIn(ctx, component.over));
      const excessValue = value > over ? value - over : 0n;
      const grams = requireWeight(ctx);
      const excessG = Math.max(0, grams - component.overWeightG);
      const byValue = applyRate(excessValue, component.rate);
      const byWeight = mul(fraction(moneyIn(ctx, component.minimumPerKgOver)), fraction(excessG, 1000));
      const exact = max(byValue, byWeight);
      const note =
        `value over the limit: ${ctx.currency} ${formatMinor(toSafeNumber(excessValue), ctx.currency)}; ` +
        `weight over the limit: ${excessG} g; ` +
        (exact === byValue
          ? 'the rate on the excess value applies'
          : 'the minimum per kg of excess weight applies');
      return { ...common, kind: 'excess', rateBp: component.rate, base: excessValue, exact, note };
    }
    case 'flat-per-subheading': {
      const subheadings = new Set(
        eligible.map((i) => (items[i] as ParcelItem).hsCode.slice(0, component.digits)),
      );
      const each = moneyIn(ctx, component.amount);
      return {
        ...common,
        kind: 'flat-per-subheading',
        count: subheadings.size,
        exact: fraction(each * subheadings.size),
        note: `${subheadings.size} distinct ${component.digits}-digit subheading(s): ${[...subheadings].join(', ')}`,
      };
    }
    case 'flat-per-consignment':
      return {
        ...common,
        kind: 'flat-per-consignment',
        count: 1,
        exact: fraction(moneyIn(ctx, component.amount)),
      };
  }
}

function additionalDrafts(
  ctx: Context,
  tier: Tier,
  lines: Lines,
  tariffs: readonly DutyDraft[],
): DutyDraft[] {
  const drafts: DutyDraft[] = [];
  for (const id of tier.additionalDuties) {
    const duty = ctx.book.additionalDuties.get(id);
    if (!duty) throw new Error(`additional duty ${id} missing: parseDutyRules should have caught it`);
    ctx.request.items.forEach((item, i) => {
      if (
        duty.excludedBy.some((ex) => drafts.some((d) => d.ruleId === ex && d.line === i && d.exact.num > 0n))
      )
        return;
      const match = findAdditionalRate(duty, item.hsCode, item.originCountry, ctx.date);
      if (!match) return;
      let rateBp = match.rateBp;
      let note = match.note;
      if (match.mode === 'top-up-to') {
        const tariffBp = Math.max(0, ...tariffs.filter((t) => t.line === i).map((t) => t.rateBp ?? 0));
        rateBp = Math.max(0, match.rateBp - tariffBp);
        note = `${formatRateBp(match.rateBp)} all-in less the tariff rate ${formatRateBp(tariffBp)}`;
      }
      const base = floorToStep(lines.customsValue[i] as bigint, ctx.ruleSet.rounding.baseStepMinor);
      drafts.push({
        kind: 'additional',
        ruleId: duty.id,
        name: duty.name,
        line: i,
        lines: [i],
        hsMatched: match.hsMatched,
        rateBp,
        base,
        exact: applyRate(base, rateBp),
        sourceId: match.sourceId,
        ...(note ? { note } : {}),
      });
    });
  }
  return drafts;
}

/** Spreads each rounded duty over its items, so VAT can be charged on each item's duty. */
function dutyPerLine(
  ctx: Context,
  drafts: readonly DutyDraft[],
  amounts: readonly bigint[],
  lines: Lines,
): bigint[] {
  const perLine = ctx.request.items.map(() => 0n);
  drafts.forEach((d, k) => {
    const amount = amounts[k] as bigint;
    const parts = allocate(
      amount,
      d.lines.map((i) => lines.customsValue[i] as bigint),
    );
    d.lines.forEach((i, j) => {
      perLine[i] = (perLine[i] as bigint) + (parts[j] as bigint);
    });
  });
  return perLine;
}

interface FeeDraft {
  readonly fee: DutyRuleBook['data']['fees'][number];
  readonly count: number;
  readonly amount: bigint;
}

function feeDrafts(ctx: Context, tier: Tier, conditional: boolean): FeeDraft[] {
  const items = ctx.request.items;
  const out: FeeDraft[] = [];
  for (const fee of ctx.book.data.fees) {
    if (fee.onlyIfCollectedAtImport !== conditional || !inForce(fee, ctx.date)) continue;
    if (fee.countries && !fee.countries.includes(ctx.request.destination)) continue;
    if (fee.channels && !fee.channels.includes((ctx.request.channel ?? 'express') as Channel)) continue;
    if (fee.tiers && !fee.tiers.includes(tier.id)) continue;
    if (fee.maxValue && !withinThreshold(ctx, fee.maxValue)) continue;
    // Below the minimum: within the same amount with the bound's inclusiveness flipped.
    if (fee.minValue && withinThreshold(ctx, { ...fee.minValue, inclusive: !fee.minValue.inclusive }))
      continue;
    const count =
      fee.per === 'consignment'
        ? 1
        : fee.per === 'line'
          ? items.length
          : fee.per === 'unit'
            ? items.reduce((s, i) => s + i.quantity, 0)
            : new Set(items.map((i) => i.hsCode.slice(0, 6))).size;
    out.push({ fee, count, amount: BigInt(moneyIn(ctx, fee.amount) * count) });
  }
  return out;
}

function emptyTotals(): { duty: bigint; vat: bigint; fees: bigint } {
  return { duty: 0n, vat: 0n, fees: 0n };
}

/**
 * The landed cost of a consignment for its destination on its date: the rule set in force, the tier its
 * value and channel fall in, customs value, each duty (tariff by HS heading, additional duties by origin,
 * flat duties), VAT/GST by rate, fees, and who collects and who pays each amount — in the rule set's
 * currency and in the requested one. Pure: the rules and FX tables come in, nothing is read or logged.
 *
 * Expected failures (an HS code that is not in the nomenclature, an unknown destination, no tariff rate
 * for a code, no rule in force, no FX rate, a consignment
 * outside every modelled regime, a weight needed but missing) come back as a {@link LandedCostFailure}
 * naming what is missing; nothing is guessed.
 *
 * @example
 * const r = landedCost({ destination: 'DE', date: '2026-11-24', items, shippingMinor: 500 }, rules, fx);
 * if (r.ok) console.log(r.totals.total.minor, r.ruleSet.id);
 */
export function landedCost(
  request: LandedCostRequest,
  rules: DutyRules,
  fx: FxTables,
): LandedCostResult | LandedCostFailure {
  return assess(request, rules, fx, false) as LandedCostResult | LandedCostFailure;
}

/**
 * What the seller bears of a consignment's landed cost (`totals.seller.answerMinor` of
 * {@link landedCost}): the same amounts, rules and failures, without the answer's lines, sources and
 * notes. For plans, which ask it of every DDP parcel on several trips.
 */
export function sellerLandedCharges(
  request: LandedCostRequest,
  rules: DutyRules,
  fx: FxTables,
): { readonly ok: true; readonly answerMinor: number } | LandedCostFailure {
  const r = assess(request, rules, fx, true);
  return typeof r === 'number' ? { ok: true, answerMinor: r } : (r as LandedCostFailure);
}

function assess(
  request: LandedCostRequest,
  rules: DutyRules,
  fx: FxTables,
  sellerOnly: boolean,
): LandedCostResult | LandedCostFailure | number {
  if (rules.hs) {
    for (let i = 0; i < request.items.length; i++) {
      const hsCode = (request.items[i] as ParcelItem).hsCode;
      const why = checkDeclaredHsCode(rules.hs, hsCode);
      if (why !== undefined)
        return { ok: false, kind: 'not-an-hs-code', field: `items.${i}.hsCode`, hsCode, message: why };
    }
  }
  const book = rules.byDestination.get(request.destination);
  if (!book) {
    const known = [...rules.byDestination.keys()].sort().join(', ');
    return {
      ok: false,
      kind: 'unknown-destination',
      destination: request.destination,
      message: `no duty rules for destination ${request.destination}; destinations with rules: ${known}`,
    };
  }
  const ruleSet = book.data.ruleSets.find((rs) => inForce(rs, request.date));
  if (!ruleSet) {
    const spans = book.data.ruleSets.map((rs) => `${rs.id} ${rs.validFrom}..${rs.validTo ?? ''}`).join('; ');
    return {
      ok: false,
      kind: 'no-rule-in-force',
      destination: request.destination,
      date: request.date,
      message: `no rule set for ${request.destination} is in force on ${request.date} (${book.file}: ${spans})`,
    };
  }
  if (request.items.length === 0) throw new RangeError('a landed-cost request needs at least one item');
  const ctx: Context = {
    request,
    book,
    ruleSet,
    fx,
    date: request.date,
    currency: ruleSet.currency,
    fxUsed: new Map(),
  };
  try {
    return compute(ctx, sellerOnly);
  } catch (e) {
    if (e instanceof Stop) return e.failure;
    throw e;
  }
}

function compute(ctx: Context, sellerOnly = false): LandedCostResult | number {
  const { request, book, ruleSet } = ctx;
  const tier = ruleSet.tiers.find((t) => tierApplies(ctx, t));
  if (!tier) {
    throw new Stop({
      ok: false,
      kind: 'outside-regime',
      destination: request.destination,
      ruleSetId: ruleSet.id,
      message:
        `the consignment fits none of the regimes modelled in ${ruleSet.id} ` +
        `(${ruleSet.tiers.map((t) => t.name).join('; ')}): a formal import entry is needed and is not modelled`,
    });
  }
  const notes: string[] = [...ruleSet.notes];
  const zeroValued = request.items.flatMap((item, i) => (item.unitValueMinor === 0 ? [i] : []));
  if (zeroValued.length > 0) {
    const which = zeroValued
      .map((i) => `items.${i} (HS ${(request.items[i] as ParcelItem).hsCode})`)
      .join(', ');
    notes.push(
      `${which} declared at zero value: charges on value are nil for ${zeroValued.length === 1 ? 'it' : 'them'}, ` +
        'but flat charges per item, subheading or consignment still apply, and for goods a business sells or sends ' +
        'free customs may determine a value of its own; a gift relief, where one exists, is for consignments ' +
        'between private persons',
    );
    if (ruleSet.zeroValueNote) notes.push(ruleSet.zeroValueNote);
  }
  const lines = lineValues(ctx);

  // Duties: tariff lines first (top-up additional duties need their rates), then additional, then flat.
  const tariffs = tier.duties.flatMap((c) => (c.kind === 'tariff' ? tariffDrafts(ctx, tier, c, lines) : []));
  const additional = additionalDrafts(ctx, tier, lines, tariffs);
  const consignment = tier.duties.flatMap((c) => {
    if (c.kind === 'tariff') return [];
    const d = consignmentDraft(ctx, tier, c, lines);
    return d ? [d] : [];
  });
  const dutyDraftsAll = [...tariffs, ...additional, ...consignment];
  let dutyAmounts = roundAmounts(
    ctx,
    dutyDraftsAll.map((d) => d.exact),
  );
  const dutyPayer = resolvePayer(tier.dutyPayer, ctx);

  // Fees that sit in the VAT base, or apply regardless of the taxes.
  const feesFirst = feeDrafts(ctx, tier, false);
  const feeInBase = ctx.request.items.map(() => 0n);
  for (const f of feesFirst) {
    if (!f.fee.inVatBase) continue;
    allocate(f.amount, lines.customsValue).forEach((p, i) => {
      feeInBase[i] = (feeInBase[i] as bigint) + p;
    });
  }

  // VAT/GST, per item line, grouped by rate.
  const vatDrafts: {
    rateBp: number;
    category: 'standard' | 'reduced' | 'zero';
    sourceId: string;
    note?: string;
    lines: number[];
    bases: bigint[];
  }[] = [];
  const vat = tier.vat;
  let dutyLine = dutyPerLine(ctx, dutyDraftsAll, dutyAmounts, lines);
  const buildVat = () => {
    vatDrafts.length = 0;
    if (vat.kind !== 'rate') return;
    request.items.forEach((item, i) => {
      if (!passesHsFilter(item.hsCode, vat)) return;
      const rate = findVatRate(book, request.destination, request.subdivision, item.hsCode, ctx.date);
      if (!rate) {
        throw new Stop({
          ok: false,
          kind: 'no-vat-rate',
          destination: request.destination,
          ruleSetId: ruleSet.id,
          hsCode: item.hsCode,
          message: `no VAT/GST rate for ${request.destination}${request.subdivision ? ` (${request.subdivision})` : ''} and HS ${item.hsCode} on ${ctx.date} in ${book.file}`,
        });
      }
      let base = 0n;
      for (const part of vat.base) {
        if (part === 'duty') base += dutyLine[i] as bigint;
        else if (part === 'fees') base += feeInBase[i] as bigint;
        else base += partOfLine(part, lines, i);
      }
      let group = vatDrafts.find(
        (g) => g.rateBp === rate.rate && g.sourceId === rate.source && g.category === rate.category,
      );
      if (!group) {
        group = {
          rateBp: rate.rate,
          category: rate.category,
          sourceId: rate.source,
          ...(rate.note ? { note: rate.note } : {}),
          lines: [],
          bases: [],
        };
        vatDrafts.push(group);
      }
      group.lines.push(i);
      group.bases.push(base);
    });
  };
  buildVat();
  const vatExact = (base: bigint, rateBp: number): Fraction => {
    if (vat.kind === 'rate' && vat.grossUp)
      return { num: base * BigInt(rateBp), den: BigInt(10_000 - rateBp) };
    return applyRate(base, rateBp);
  };
  const computeVatAmounts = (): { base: bigint; amount: bigint }[] => {
    const { mode, stepMinor, baseStepMinor, scope } = ruleSet.rounding;
    if (scope === 'line') {
      return vatDrafts.map((g) => {
        const base = g.bases.reduce((a, b) => a + b, 0n);
        const amount = g.bases.reduce(
          (s, b) => s + roundFraction(vatExact(floorToStep(b, baseStepMinor), g.rateBp), mode, stepMinor),
          0n,
        );
        return { base, amount };
      });
    }
    const groups = vatDrafts.map((g) =>
      floorToStep(
        g.bases.reduce((a, b) => a + b, 0n),
        baseStepMinor,
      ),
    );
    const amounts = roundAmounts(
      ctx,
      groups.map((b, k) => vatExact(b, (vatDrafts[k] as { rateBp: number }).rateBp)),
    );
    return groups.map((base, k) => ({ base, amount: amounts[k] as bigint }));
  };
  let vatAmounts = computeVatAmounts();

  const vatCollector: Collector = vat.kind === 'rate' ? vat.collector : 'carrier-at-import';
  const vatPayer = resolvePayer(
    vat.kind === 'rate'
      ? (vat.payer ?? (vat.collector === 'seller-at-sale' ? 'buyer' : 'incoterm'))
      : 'incoterm',
    ctx,
  );

  if (vat.kind === 'rate' && vat.waivedAtMost) {
    const vatTotal = vatAmounts.reduce((s, v) => s + v.amount, 0n);
    const limit = BigInt(moneyIn(ctx, vat.waivedAtMost));
    if (vatTotal > 0n && vatTotal <= limit) {
      notes.push(
        `VAT of ${ruleSet.currency} ${formatMinor(toSafeNumber(vatTotal), ruleSet.currency)} is at most ` +
          `${vat.waivedAtMost.currency} ${formatMinor(vat.waivedAtMost.amountMinor, vat.waivedAtMost.currency)}: not collected`,
      );
      vatAmounts = vatAmounts.map((v) => ({ base: v.base, amount: 0n }));
    }
  }

  // New Zealand-style waiver: duty and tax collected at import under a floor are not collected at all.
  let importChargesWaived = false;
  if (tier.chargesWaivedBelow) {
    const atImport =
      (tier.dutyCollector !== 'seller-at-sale' ? dutyAmounts.reduce((s, a) => s + a, 0n) : 0n) +
      (vatCollector !== 'seller-at-sale' ? vatAmounts.reduce((s, v) => s + v.amount, 0n) : 0n);
    const limit = BigInt(moneyIn(ctx, tier.chargesWaivedBelow));
    if (atImport > 0n && atImport < limit) {
      importChargesWaived = true;
      notes.push(
        `duty and tax at import come to less than ${tier.chargesWaivedBelow.currency} ` +
          `${formatMinor(tier.chargesWaivedBelow.amountMinor, tier.chargesWaivedBelow.currency)}: waived`,
      );
      if (tier.dutyCollector !== 'seller-at-sale') dutyAmounts = dutyAmounts.map(() => 0n);
      if (vatCollector !== 'seller-at-sale')
        vatAmounts = vatAmounts.map((v) => ({ base: v.base, amount: 0n }));
      dutyLine = dutyPerLine(ctx, dutyDraftsAll, dutyAmounts, lines);
    }
  }

  const collectedAtImport =
    (tier.dutyCollector !== 'seller-at-sale' && dutyAmounts.some((a) => a > 0n)) ||
    (vatCollector !== 'seller-at-sale' && vatAmounts.some((v) => v.amount > 0n));
  const feesAll = [
    ...feesFirst,
    ...(collectedAtImport && !importChargesWaived ? feeDrafts(ctx, tier, true) : []),
  ];

  // Answer currency and presentation.
  const answerCurrency = request.currency ?? ruleSet.currency;
  const amount = (minor: bigint): LandedAmount => {
    const m = toSafeNumber(minor);
    return { minor: m, answerMinor: toCurrency(ctx, m, ruleSet.currency, answerCurrency, 'display') };
  };
  const totals = { all: emptyTotals(), checkout: 0n, door: 0n, seller: 0n };
  const record = (collector: Collector, payer: 'buyer' | 'seller', value: bigint) => {
    if (payer === 'seller') totals.seller += value;
    else if (collector === 'seller-at-sale') totals.checkout += value;
    else totals.door += value;
  };

  if (sellerOnly) {
    // The seller's share as the full answer sums it: each amount converted on its own. Every value
    // the full answer converts is converted here too, so that the same failures stop it.
    let seller = 0;
    dutyDraftsAll.forEach((d, k) => {
      if (d.base !== undefined) amount(d.base);
      const a = amount(dutyAmounts[k] as bigint).answerMinor;
      if (dutyPayer === 'seller') seller += a;
    });
    vatAmounts.forEach((v) => {
      amount(v.base);
      const a = amount(v.amount).answerMinor;
      if (vatPayer === 'seller') seller += a;
    });
    for (const f of feesAll) {
      const a = amount(f.amount).answerMinor;
      if (resolvePayer(f.fee.payer, ctx) === 'seller') seller += a;
    }
    for (const i of lines.goods) amount(i);
    for (const i of lines.customsValue) amount(i);
    amount(lines.totalGoods);
    amount(lines.totalShipping);
    amount(lines.totalInsurance);
    amount(lines.customsValue.reduce((a, b) => a + b, 0n));
    return seller;
  }

  const duties: DutyLine[] = dutyDraftsAll.map((d, k) => {
    const value = dutyAmounts[k] as bigint;
    totals.all.duty += value;
    record(tier.dutyCollector, dutyPayer, value);
    const item = d.line !== undefined ? request.items[d.line] : undefined;
    return {
      kind: d.kind,
      ruleId: d.ruleId,
      name: d.name,
      ...(item ? { hsCode: item.hsCode, origin: item.originCountry } : {}),
      ...(d.hsMatched !== undefined ? { hsMatched: d.hsMatched } : {}),
      ...(d.rateBp !== undefined ? { rateBp: d.rateBp, rate: formatRateBp(d.rateBp) } : {}),
      ...(d.base !== undefined ? { base: amount(d.base) } : {}),
      ...(d.count !== undefined ? { count: d.count } : {}),
      amount: amount(value),
      collector: tier.dutyCollector,
      payer: dutyPayer,
      source: sourceRef(book, d.sourceId),
      ...(d.note ? { note: d.note } : {}),
    };
  });

  const vatLines: VatLine[] = vatDrafts.map((g, k) => {
    const v = vatAmounts[k] as { base: bigint; amount: bigint };
    totals.all.vat += v.amount;
    record(vatCollector, vatPayer, v.amount);
    return {
      rateBp: g.rateBp,
      rate: formatRateBp(g.rateBp),
      category: g.category,
      country: request.destination,
      ...(request.subdivision ? { subdivision: request.subdivision } : {}),
      base: amount(v.base),
      amount: amount(v.amount),
      hsCodes: g.lines.map((i) => (request.items[i] as ParcelItem).hsCode),
      grossUp: vat.kind === 'rate' && vat.grossUp,
      collector: vatCollector,
      payer: vatPayer,
      source: sourceRef(book, g.sourceId),
      ...(g.note ? { note: g.note } : {}),
    };
  });

  const fees: FeeLine[] = feesAll.map((f) => {
    const payer = resolvePayer(f.fee.payer, ctx);
    totals.all.fees += f.amount;
    record(f.fee.collector, payer, f.amount);
    return {
      id: f.fee.id,
      name: f.fee.name,
      count: f.count,
      each: f.fee.amount,
      amount: amount(f.amount),
      collector: f.fee.collector,
      payer,
      source: sourceRef(book, f.fee.source),
      ...(f.fee.note ? { note: f.fee.note } : {}),
    };
  });

  // Totals in the answer currency are sums of the converted lines, so the breakdown adds up.
  const sumAnswer = (xs: readonly LandedAmount[]) => xs.reduce((s, x) => s + x.answerMinor, 0);
  const pair = (minor: bigint, answerMinor: number): LandedAmount => ({
    minor: toSafeNumber(minor),
    answerMinor,
  });
  const allAmounts = [
    ...duties.map((d) => ({ a: d.amount, c: d.collector, p: d.payer })),
    ...vatLines.map((v) => ({ a: v.amount, c: v.collector, p: v.payer })),
    ...fees.map((f) => ({ a: f.amount, c: f.collector, p: f.payer })),
  ];
  const answerOf = (pred: (x: { c: Collector; p: 'buyer' | 'seller' }) => boolean) =>
    allAmounts.filter(pred).reduce((s, x) => s + x.a.answerMinor, 0);
  const dutyA = sumAnswer(duties.map((d) => d.amount));
  const vatA = sumAnswer(vatLines.map((v) => v.amount));
  const feesA = sumAnswer(fees.map((f) => f.amount));

  const items: ItemLine[] = request.items.map((item, i) => ({
    hsCode: item.hsCode,
    description: item.description,
    quantity: item.quantity,
    origin: item.originCountry,
    goods: amount(lines.goods[i] as bigint),
    customsValue: amount(lines.customsValue[i] as bigint),
  }));
  const customsValueTotal = lines.customsValue.reduce((a, b) => a + b, 0n);

  for (const used of ctx.fxUsed.values()) {
    if (used.asked && used.purpose === 'customs') {
      notes.push(
        `${used.from}/${used.to}: ${ruleSet.id} assesses at the ${used.asked} rates, and none were in force on ${ctx.date}: ` +
          `converted at the reference rate of ${used.tableDate ?? ctx.date} instead (` +
          (used.asked === 'eu-customs'
            ? 'the EU customs rate of a month is the ECB rate of the penultimate Wednesday of the month before: landbridge fx import or fx update brings it'
            : `import the ${used.asked} table with landbridge fx import --source ${used.asked}`) +
          ')',
      );
    }
    if (used.tableDate && daysBetween(used.tableDate, ctx.date) > STALE_FX_DAYS) {
      notes.push(
        `${used.from}/${used.to} converted at the rate of ${used.tableDate}, the latest in the FX table, ` +
          `${daysBetween(used.tableDate, ctx.date)} days before ${ctx.date}`,
      );
    }
  }

  return {
    ok: true,
    destination: request.destination,
    ...(request.subdivision ? { subdivision: request.subdivision } : {}),
    date: ctx.date,
    currency: ruleSet.currency,
    answerCurrency,
    ruleSet: {
      id: ruleSet.id,
      name: ruleSet.name,
      validFrom: ruleSet.validFrom,
      ...(ruleSet.validTo ? { validTo: ruleSet.validTo } : {}),
      valueBasis: ruleSet.valueBasis,
      sources: ruleSet.sources.map((id) => sourceRef(book, id)),
    },
    tier: { id: tier.id, name: tier.name, description: tier.description },
    goodsValue: amount(lines.totalGoods),
    shipping: amount(lines.totalShipping),
    insurance: amount(lines.totalInsurance),
    customsValue: amount(customsValueTotal),
    items,
    duties,
    vat: vatLines,
    fees,
    totals: {
      duty: pair(totals.all.duty, dutyA),
      vat: pair(totals.all.vat, vatA),
      fees: pair(totals.all.fees, feesA),
      total: pair(totals.all.duty + totals.all.vat + totals.all.fees, dutyA + vatA + feesA),
      buyerAtCheckout: pair(
        totals.checkout,
        answerOf((x) => x.p === 'buyer' && x.c === 'seller-at-sale'),
      ),
      buyerAtDoor: pair(
        totals.door,
        answerOf((x) => x.p === 'buyer' && x.c !== 'seller-at-sale'),
      ),
      seller: pair(
        totals.seller,
        answerOf((x) => x.p === 'seller'),
      ),
    },
    fx: [...ctx.fxUsed.values()],
    notes,
  };
}
