import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoreContext } from './context.ts';

/** The hub of everything written before hubs existed, and of a process that names none: Xiyong. */
export const DEFAULT_HUB_ID = 'xiyong-hub';

const current = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with `hubId` as the hub the store reads and writes (parcels, plans, network versions,
 * keys): the API enters the hub of each request's key, a worker the hub of each job.
 */
export function withHub<T>(hubId: string, fn: () => T): T {
  return current.run(hubId, fn);
}

/** The hub of the work in progress: the one entered with {@link withHub}, else {@link DEFAULT_HUB_ID}. */
export function currentHubId(): string {
  return current.getStore() ?? DEFAULT_HUB_ID;
}

/** The hub a repository call acts on: the store's own (`store.forHub`), else the current one. */
export function hubOf(ctx: StoreContext): string {
  return ctx.hubId ?? currentHubId();
}
