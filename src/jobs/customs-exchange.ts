import { join } from 'node:path';
import { releaseStaged } from '../eport/filing.ts';
import type { ExchangeFolders } from '../eport/folders.ts';
import { type CustomsEventSink, type IntakeResult, takeInReceipts } from '../eport/intake.ts';
import type { TestCustomsResponder } from '../eport/test-responder.ts';
import { DEFAULT_HUB_ID, type Store, withHub } from '../store/index.ts';
import { InProcessQueue } from './in-process-queue.ts';
import { JOB_NAMES } from './names.ts';

/** What the exchange job works on: one hub's store rows and exchange folders. */
export interface CustomsExchangeOptions {
  readonly store: Store;
  readonly hubId: string;
  readonly folders: ExchangeFolders;
  readonly nowMs: () => number;
  readonly sink?: CustomsEventSink;
  /**
   * The TEST CUSTOMS RESPONDER, for tests and the sample hub only: answers the out folder before the
   * receipts are taken in. Never set in production, where the E-port transfer client does the sending.
   */
  readonly testResponder?: TestCustomsResponder;
}

/**
 * One pass of the customs exchange (the job's body, separate from its scheduling): staged messages of
 * committed filings go to the out folder, the test responder (when configured) answers, and the
 * receipts waiting in the in folder are taken in.
 */
export async function runCustomsExchange(o: CustomsExchangeOptions): Promise<IntakeResult> {
  return withHub(o.hubId, async () => {
    await releaseStaged(o);
    if (o.testResponder) await o.testResponder.respond();
    return takeInReceipts(o.store, o.hubId, o.folders, o.nowMs, o.sink);
  });
}

/**
 * The exchange folder of a hub under the exchange root (`LANDBRIDGE_CUSTOMS_EXCHANGE_DIR`): the default
 * hub's is the root itself (as before hubs), every other hub's `ROOT/hubs/HUB_ID`, so that each hub's
 * transfer client (and the customs code it files under) has folders of its own.
 */
export function hubExchangeDir(root: string, hubId: string): string {
  return hubId === DEFAULT_HUB_ID ? root : join(root, 'hubs', hubId);
}

/**
 * The customs exchange of every hub, one pass at a time per hub: the periodic `customs-exchange` job
 * runs {@link runOnce} for each hub, and so do the API's "run the exchange now" and the sample.
 */
export class CustomsExchangeJob {
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #options = new Map<string, Promise<CustomsExchangeOptions | undefined>>();
  #queue: InProcessQueue | undefined;
  /** The last pass's result or error message (any hub), for health and tests. */
  last: IntakeResult | { readonly error: string } | undefined;

  constructor(
    /** The default hub's exchange (the one the API's customs routes file for). */
    readonly options: CustomsExchangeOptions,
    /** Another hub's exchange, or undefined when that hub has none. */
    private readonly forHub?: (hubId: string) => Promise<CustomsExchangeOptions | undefined>,
  ) {}

  /** The exchange of `hubId`, or undefined when it has none. */
  async optionsOf(hubId: string): Promise<CustomsExchangeOptions | undefined> {
    if (hubId === this.options.hubId) return this.options;
    let o = this.#options.get(hubId);
    if (!o) {
      o = this.forHub ? this.forHub(hubId) : Promise.resolve(undefined);
      this.#options.set(hubId, o);
      o.catch(() => this.#options.delete(hubId));
    }
    return o;
  }

  /**
   * Runs one pass of `hubId`'s exchange now (the default hub's when absent), after the one in progress
   * for that hub; a hub without an exchange passes with nothing done.
   */
  async runOnce(hubId: string = this.options.hubId): Promise<IntakeResult> {
    for (let r = this.#running.get(hubId); r; r = this.#running.get(hubId)) await r.catch(() => {});
    const p = (async () => {
      const o = await this.optionsOf(hubId);
      return o
        ? runCustomsExchange(o)
        : { processed: 0, duplicates: 0, errors: [], changes: [], eventsRefused: [] };
    })();
    this.#running.set(hubId, p);
    try {
      const r = await p;
      this.last = r;
      return r;
    } catch (e) {
      this.last = { error: (e as Error).message };
      throw e;
    } finally {
      this.#running.delete(hubId);
    }
  }

  /**
   * Runs the default hub's exchange every `intervalMs` in this process until {@link stop} (tests and a
   * bare API server), as the periodic job of an in-process queue: no timer loop of its own.
   */
  start(intervalMs = 2000): void {
    if (this.#queue) return;
    const queue = new InProcessQueue();
    queue.define(customsExchangeJob(this, () => [this.options.hubId], intervalMs));
    this.#queue = queue;
    void queue.start({ work: true });
  }

  async stop(): Promise<void> {
    await this.#queue?.stop();
    for (const r of this.#running.values()) await r.catch(() => {});
  }
}

/**
 * The customs exchange as a periodic job: every `everyMs`, one pass per hub of `hubs`, never two at
 * once for a hub (the job's key is the hub).
 */
export function customsExchangeJob(
  exchange: CustomsExchangeJob,
  hubs: () => readonly string[] | Promise<readonly string[]>,
  everyMs = 2_000,
) {
  return {
    name: JOB_NAMES.customsExchange,
    everyMs,
    every: async () => (await hubs()).map((hubId) => ({ key: hubId, data: { hubId } })),
    retryLimit: 0,
    async run({ hubId }: { readonly hubId: string }) {
      await exchange.runOnce(hubId);
    },
  };
}
