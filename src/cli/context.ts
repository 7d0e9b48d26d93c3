import { fileURLToPath } from 'node:url';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import {
  fxConverter,
  fxTablesWithImports,
  readDutyRules,
  readFxFile,
  readNetworkFile,
} from '../files/index.ts';
import { openStore, type Store } from '../store/index.ts';

/** The sample network shipped with Landbridge. */
export const SAMPLE_NETWORK_FILE = fileURLToPath(
  new URL('../../data/network/chongqing.yaml', import.meta.url),
);

/** The dated reference-rate table shipped with Landbridge. */
export const FX_FILE = fileURLToPath(new URL('../../data/fx/rates.yaml', import.meta.url));

/** The landed-cost rules shipped with Landbridge. */
export const DUTIES_DIR = fileURLToPath(new URL('../../data/duties/', import.meta.url));

/** Landed-cost rules and FX tables from the shipped files. */
export function landedFromFiles(): { rules: DutyRules; fx: FxTables } {
  return { rules: readDutyRules(DUTIES_DIR), fx: readFxFile(FX_FILE) };
}

/**
 * The rate tables in force: the shipped ones with every table the store imported (`landbridge fx import`
 * or `fx update`), and the instant of the newest import.
 */
export async function fxFromStore(
  store: Store,
): Promise<{ tables: FxTables; importedAtMs: number | undefined }> {
  const imported = await store.fx.list();
  const importedAtMs = imported.reduce<number | undefined>(
    (m, t) => (m === undefined || t.importedAtMs > m ? t.importedAtMs : m),
    undefined,
  );
  const importedOn = new Date(importedAtMs ?? 0).toISOString().slice(0, 10);
  return { tables: fxTablesWithImports(FX_FILE, imported, importedOn), importedAtMs };
}

/** Landed-cost rules from the shipped files and the rate tables in force (shipped and imported). */
export async function landedFromStore(store: Store): Promise<{ rules: DutyRules; fx: FxTables }> {
  return { rules: readDutyRules(DUTIES_DIR), fx: (await fxFromStore(store)).tables };
}

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
