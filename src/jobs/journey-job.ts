import type { Network } from '../domain/index.ts';
import {
  adoptPendingReplans,
  type DeliveryRun,
  deliverDueWebhooks,
  fetchSender,
  type WebhookSender,
  type WebhookUrlPolicy,
} from '../journey/index.ts';
import type { Store } from '../store/index.ts';
import type { DurationDefaults } from '../tracking/index.ts';

export interface JourneyJobOptions {
  readonly store: Store;
  readonly network: () => Network;
  readonly defaults: () => DurationDefaults;
  readonly policy: WebhookUrlPolicy;
  readonly send?: WebhookSender;
  readonly nowMs?: () => number;
}

/**
 * The journey's background work, one pass at a time every `intervalMs`: webhook deliveries that are
 * due ({@link deliverDueWebhooks}, a plain function another scheduler such as pg-boss can run
 * instead), and re-plans of the disruption loop adopted once their plan job is done.
 */
export class JourneyJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  /** The last pass's deliveries, or its error message. */
  last: DeliveryRun | { readonly error: string } | undefined;

  constructor(
    private readonly options: JourneyJobOptions,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.#schedule(0);
  }

  /** One pass now (after the one in progress). */
  async runOnce(): Promise<DeliveryRun> {
    while (this.#running) await this.#running.catch(() => {});
    const o = this.options;
    const nowMs = (o.nowMs ?? Date.now)();
    const network = o.network();
    const p = (async () => {
      await adoptPendingReplans(o.store, { hubId: network.hub, network, defaults: o.defaults(), nowMs });
      return deliverDueWebhooks(o.store, {
        hubId: network.hub,
        nowMs,
        send: o.send ?? fetchSender,
        policy: o.policy,
      });
    })();
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
    this.#timer.unref();
  }
}
