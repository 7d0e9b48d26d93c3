/**
 * The steps of a landed-cost assessment (`landed-cost.ts`): values converted at the rule set's rates,
 * the tier a consignment falls in, and the drafts of its duties, taxes and fees before they are rounded
 * and allocated to lines.
 */
import { type Currency, formatMinor, type Money } from '../domain/money.ts';
import type { ParcelItem } from '../domain/parcel.ts';
import { convert, type FxRateSource, type FxSource, type FxTables } from './fx.ts';
import type { DutyLineKind, FxUsed, LandedCostFailure, SourceRef } from './landed-cost-result.ts';
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
  type DutyComponent,
  type DutyRuleBook,
  inForce,
  type Payer,
  type RuleSet,
  type Threshold,
  type Tier,
  type ValuePart,
} from './schema.ts';
import { findAdditionalRate, findTariffRate, passesHsFilter } from './tariff.ts';

/** An FX table older than this many days before the date gets a note in the answer. */
export const STALE_FX_DAYS = 31;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Carries an expected failure out of deep helpers; caught in {@link landedCost} and returned. */
export class Stop extends Error {
  constructor(readonly failure: LandedCostFailure) {
    super(failure.message);
  }
}

export interface Context {
  readonly request: LandedCostRequest;
  readonly book: DutyRuleBook;
  readonly ruleSet: RuleSet;
  readonly fx: FxTables;
  readonly date: string;
  readonly currency: Currency;
  readonly fxUsed: Map<string, FxUsed>;
}

export function sourceRef(book: DutyRuleBook, id: string): SourceRef {
  const s = book.sources.get(id);
  if (!s) throw new Error(`source ${id} missing from ${book.file}: parseDutyRules should have caught it`);
  return { id: s.id, title: s.title, ...(s.url ? { url: s.url } : {}), date: s.date, kind: s.kind };
}

/**
 * Converts for the customs assessment (values, thresholds, fees) with the rule set's rate source, or, with
 * `display`, for the answer's second currency with the reference rates.
 */
export function toCurrency(
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

export function moneyIn(ctx: Context, money: Money, to: Currency = ctx.currency): number {
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

export function tierApplies(ctx: Context, tier: Tier): boolean {
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

export function lineValues(ctx: Context): Lines {
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

export function partOfLine(part: ValuePart, lines: Lines, i: number): bigint {
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

export function resolvePayer(payer: Payer, ctx: Context): 'buyer' | 'seller' {
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

export function roundAmounts(ctx: Context, exacts: readonly Fraction[]): bigint[] {
  const { mode, stepMinor, scope } = ctx.ruleSet.rounding;
  if (scope === 'line') return exacts.map((e) => roundFraction(e, mode, stepMinor));
  const total = roundFraction(sum(exacts), mode, stepMinor);
  // Spread the rounded total over the lines in proportion to their exact amounts (micro-unit weights).
  const weights = exacts.map((e) => roundFraction(mul(e, fraction(1_000_000)), 'down'));
  return allocate(total, weights);
}

export function tariffDrafts(
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

export function consignmentDraft(
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

export function additionalDrafts(
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
export function dutyPerLine(
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

export function feeDrafts(ctx: Context, tier: Tier, conditional: boolean): FeeDraft[] {
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

export function emptyTotals(): { duty: bigint; vat: bigint; fees: bigint } {
  return { duty: 0n, vat: 0n, fees: 0n };
}
