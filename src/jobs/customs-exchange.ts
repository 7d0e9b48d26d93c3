import { releaseStaged } from '../eport/filing.ts';
import type { ExchangeFolders } from '../eport/folders.ts';
import { type CustomsEventSink, type IntakeResult, takeInReceipts } from '../eport/intake.ts';
import type { TestCustomsResponder } from '../eport/test-responder.ts';
import type { Store } from '../store/index.ts';

/** What the exchange job works on. */
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
  await releaseStaged(o);
  if (o.testResponder) await o.testResponder.respond();
  return takeInReceipts(o.store, o.hubId, o.folders, o.nowMs, o.sink);
}

/** Runs {@link runCustomsExchange} every `intervalMs`, one pass at a time, until stopped. */
export class CustomsExchangeJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  /** The last pass's result or error message, for health and tests. */
  last: IntakeResult | { readonly error: string } | undefined;

  constructor(
    private readonly options: CustomsExchangeOptions,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.#schedule(0);
  }

  /** Runs one pass now (waiting for a pass in progress first). */
  async runOnce(): Promise<IntakeResult> {
    while (this.#running) await this.#running.catch(() => {});
    const p = runCustomsExchange(this.options);
    this.#running = p;
    try {
      const r = await p;
      this.last = r;
      return r;
    } finally {
      this.#running = undefined;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    while (this.#running) await this.#running.catch(() => {});
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      try {
        await this.runOnce();
      } catch (e) {
        this.last = { error: (e as Error).message };
      }
      this.#schedule(this.intervalMs);
    }, delay);
  }
}
