import type { Network } from '../domain/index.ts';

/** What the server knows of its hub beyond the store: the network in force, swapped whole when a new version is activated. */
export interface Hub {
  network: Network;
}
