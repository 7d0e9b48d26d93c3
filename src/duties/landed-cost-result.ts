/**
 * What a landed-cost assessment answers: each duty, tax and fee line with its source, the totals split
 * by who collects and who pays, the rates used, and the failures that name what is missing.
 */
import type { Currency, Money } from '../domain/money.ts';
import type { FxRateSource } from './fx.ts';
import type { Collector, RuleSet, Source } from './schema.ts';

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
