import { DAY_MS } from '../domain/days.ts';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import { LandbridgeError } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import { prepareQuoteIndex, type QuoteIndex } from '../quote/index.ts';
import { currentHubId, DEFAULT_HUB_ID } from '../store/index.ts';

/** Days of ready times a quote index covers; rebuilt when the clock leaves its first day. */
export const QUOTE_HORIZON_DAYS = 90;

interface HubEntry {
  network: Network;
  index: QuoteIndex | undefined;
}

/**
 * What the server knows of its hubs beyond the store: each hub's network in force (swapped whole when a
 * new version is activated), the currency converter, and each network's quote index over the next 90
 * days. The hub is the request's (see hub-scope.ts): the network given first serves the default hub
 * and, on a single-hub server, every key; networks of more hubs are added with `setNetwork(n, hubId)`.
 */
export class Hub {
  readonly #home: HubEntry;
  readonly #hubs = new Map<string, HubEntry>();
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
    this.#home = { network, index: undefined };
    this.fx = fx;
    this.#nowMs = nowMs;
    this.landed = landed;
  }

  /** The entry of the current hub: its own, else (default hub, single-hub server) the first network's. */
  #entry(): HubEntry {
    const hubId = currentHubId();
    const own = this.#hubs.get(hubId);
    if (own) return own;
    if (this.#hubs.size === 0 || hubId === DEFAULT_HUB_ID) return this.#home;
    throw new LandbridgeError('unavailable', `hub ${hubId} has no network loaded on this server`);
  }

  get network(): Network {
    return this.#entry().network;
  }

  /** Puts a new network in force (at `hubId`, else the current hub); the quote index is rebuilt on next use. */
  setNetwork(network: Network, hubId?: string): void {
    const id = hubId ?? currentHubId();
    if (hubId === undefined && !this.#hubs.has(id) && (this.#hubs.size === 0 || id === DEFAULT_HUB_ID)) {
      this.#home.network = network;
      this.#home.index = undefined;
      return;
    }
    this.#hubs.set(id, { network, index: undefined });
  }

  /** The quote index: from the start of the current UTC day, for 90 days of ready times. */
  quoteIndex(): QuoteIndex {
    const entry = this.#entry();
    const dayStart = Math.floor(this.#nowMs() / DAY_MS) * DAY_MS;
    if (!entry.index || entry.index.fromMs !== dayStart) {
      entry.index = prepareQuoteIndex(entry.network, { fromMs: dayStart, horizonDays: QUOTE_HORIZON_DAYS });
    }
    return entry.index;
  }
}
