import { fileURLToPath } from 'node:url';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import { fxConverter, readFxFile, readNetworkFile } from '../files/index.ts';
import { openStore, type Store } from '../store/index.ts';

/** The sample network shipped with Landbridge. */
export const SAMPLE_NETWORK_FILE = fileURLToPath(
  new URL('../../data/network/chongqing.yaml', import.meta.url),
);

/** The dated reference-rate table shipped with Landbridge. */
export const FX_FILE = fileURLToPath(new URL('../../data/fx/rates.yaml', import.meta.url));

/** The currency converter over the shipped rate table. */
export function converterFromFiles(): CurrencyConverter {
  return fxConverter(readFxFile(FX_FILE));
}

/** Opens the store named by `DATABASE_URL` (SQLite file `landbridge.db` when unset), migrated. */
export function storeFromEnv(): Promise<Store> {
  return openStore(process.env.DATABASE_URL);
}

/** Runs `fn` with an open store, closing it afterwards. */
export async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await storeFromEnv();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The network in force: the store's active version, else the sample file. */
export async function activeNetwork(store: Store): Promise<Network> {
  const active = await store.networkVersions.getActive();
  return active?.network ?? readNetworkFile(SAMPLE_NETWORK_FILE);
}
