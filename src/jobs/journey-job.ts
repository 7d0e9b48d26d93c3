import type { Network } from '../domain/index.ts';
import {
  adoptPendingReplans,
  type DeliveryRun,
  deliverDueWebhooks,
  fetchSender,
  type WebhookSender,
  type WebhookUrlPolicy,
} from '../journey/index.ts';
import { type Store, withHub } from '../store/index.ts';
import type { DurationDefaults } from '../tracking/index.ts';
import { JOB_NAMES } from './names.ts';

export interface JourneyJobOptions {
  readonly store: Store;
  /** The default hub's network in force. */
  readonly network: () => Network;
  /** Another hub's network in force, or undefined when the hub has none (its pass does nothing). */
  readonly networkOf?: (hubId: string) => Network | undefined;
  readonly defaults: () => DurationDefaults;
  readonly policy: WebhookUrlPolicy;
  readonly send?: WebhookSender;
  readonly nowMs?: () => number;
}

/**
 * The journey's background work of a hub, one pass at a time per hub: webhook deliveries that are due
 * ({@link deliverDueWebhooks}) and re-plans of the disruption loop adopted once their plan job is done.
 * Scheduling is the queue's: {@link journeyJob} runs a pass per hub every second.
 */
export class JourneyJob {
  readonly #running = new Map<string, Promise<unknown>>();
  /** The last pass's deliveries (any hub), or its error message. */
  last: DeliveryRun | { readonly error: string } | undefined;

  constructor(private readonly options: JourneyJobOptions) {}

  /** One pass of `hubId` (the default network's hub when absent) now, after the one in progress. */
  async runOnce(hubId?: string): Promise<DeliveryRun | undefined> {
    const o = this.options;
    const network = hubId === undefined ? o.network() : this.#network(hubId);
    if (!network) return undefined;
    const hub = network.hub;
    for (let r = this.#running.get(hub); r; r = this.#running.get(hub)) await r.catch(() => {});
    const nowMs = (o.nowMs ?? Date.now)();
    const p = withHub(hub, async () => {
      await adoptPendingReplans(o.store, { hubId: hub, network, defaults: o.defaults(), nowMs });
      return deliverDueWebhooks(o.store, {
        hubId: hub,
        nowMs,
        send: o.send ?? fetchSender,
        policy: o.policy,
      });
    });
    this.#running.set(hub, p);
    try {
      const r = await p;
      this.last = r;
      return r;
    } catch (e) {
      this.last = { error: (e as Error).message };
      throw e;
    } finally {
      this.#running.delete(hub);
    }
  }

  #network(hubId: string): Network | undefined {
    const main = this.options.network();
    return hubId === main.hub ? main : this.options.networkOf?.(hubId);
  }
}

/** The journey's pass as a periodic job: every `everyMs`, one pass per hub, never two at once for a hub. */
export function journeyJob(
  journey: JourneyJob,
  hubs: () => readonly string[] | Promise<readonly string[]>,
  everyMs = 1_000,
) {
  return {
    name: JOB_NAMES.journey,
    everyMs,
    every: async () => (await hubs()).map((hubId) => ({ key: hubId, data: { hubId } })),
    retryLimit: 0,
    async run({ hubId }: { readonly hubId: string }) {
      await journey.runOnce(hubId);
    },
  };
}
