import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import { prepareQuoteIndex, type QuoteIndex } from '../quote/index.ts';

const DAY_MS = 86_400_000;

/** Days of ready times a quote index covers; rebuilt when the clock leaves its first day. */
export const QUOTE_HORIZON_DAYS = 90;

/**
 * What the server knows of its hub beyond the store: the network in force (swapped whole when a new
 * version is activated), the currency converter, and the quote index over the next 90 days.
 */
export class Hub {
  #network: Network;
  #index: QuoteIndex | undefined;
  readonly fx: CurrencyConverter;
  /** Landed-cost rules and the FX tables they convert with; absent when the server runs without them. */
  readonly landed: { readonly rules: DutyRules; readonly fx: FxTables } | undefined;
  readonly #nowMs: () => number;

  constructor(
    network: Network,
    fx: CurrencyConverter,
    nowMs: () => number,
    landed?: { readonly rules: DutyRules; readonly fx: FxTables },
  ) {
    this.#network = network;
    this.fx = fx;
    this.#nowMs = nowMs;
    this.landed = landed;
  }

  get network(): Network {
    return this.#network;
  }

  /** Puts a new network in force; the quote index is rebuilt on next use. */
  setNetwork(network: Network): void {
    this.#network = network;
    this.#index = undefined;
  }

  /** The quote index: from the start of the current UTC day, for 90 days of ready times. */
  quoteIndex(): QuoteIndex {
    const dayStart = Math.floor(this.#nowMs() / DAY_MS) * DAY_MS;
    if (!this.#index || this.#index.fromMs !== dayStart) {
      this.#index = prepareQuoteIndex(this.#network, { fromMs: dayStart, horizonDays: QUOTE_HORIZON_DAYS });
    }
    return this.#index;
  }
}
