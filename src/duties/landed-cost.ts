import { formatMinor } from '../domain/money.ts';
import type { ParcelItem } from '../domain/parcel.ts';
import { checkDeclaredHsCode } from '../hs/index.ts';
import type { FxTables } from './fx.ts';
import {
  additionalDrafts,
  type Context,
  consignmentDraft,
  daysBetween,
  dutyPerLine,
  emptyTotals,
  feeDrafts,
  lineValues,
  moneyIn,
  partOfLine,
  resolvePayer,
  roundAmounts,
  STALE_FX_DAYS,
  Stop,
  sourceRef,
  tariffDrafts,
  tierApplies,
  toCurrency,
} from './landed-cost-drafts.ts';
import type {
  DutyLine,
  FeeLine,
  ItemLine,
  LandedAmount,
  LandedCostFailure,
  LandedCostResult,
  VatLine,
} from './landed-cost-result.ts';
import { formatRateBp } from './notation.ts';
import type { LandedCostRequest } from './request.ts';
import { allocate, applyRate, type Fraction, floorToStep, roundFraction, toSafeNumber } from './rounding.ts';
import { type Collector, type DutyRules, inForce } from './schema.ts';
import { findVatRate, passesHsFilter } from './tariff.ts';

export type {
  DutyLine,
  DutyLineKind,
  FeeLine,
  FxUsed,
  ItemLine,
  LandedAmount,
  LandedCostFailure,
  LandedCostResult,
  LandedCostTotals,
  SourceRef,
  VatLine,
} from './landed-cost-result.ts';

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
