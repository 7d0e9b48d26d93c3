import { createHash, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Network } from '../domain/network.ts';
import { inTransaction, type StoreContext } from './context.ts';
import type { NetworkVersionsTable } from './database.ts';
import { hubOf } from './hub-context.ts';

/** A saved network version without its body. */
export interface NetworkVersionSummary {
  readonly id: string;
  readonly networkId: string;
  /** The network's own version label. */
  readonly version: string;
  /** SHA-256 hex of the canonical JSON of the network. */
  readonly checksum: string;
  /** UTC epoch ms. */
  readonly createdAtMs: number;
  readonly isActive: boolean;
}

/** A saved network version with the network. */
export interface NetworkVersion extends NetworkVersionSummary {
  readonly network: Network;
  /** The hub the version belongs to. */
  readonly hubId: string;
}

/** Saved versions of networks; one version of each network is the active one planners use. */
export interface NetworkVersionsRepository {
  /**
   * Saves `network` as a new version, or returns the version already holding the same body (same
   * checksum). With `activate`, that version becomes the network's active one, in one transaction.
   */
  save(network: Network, options?: { readonly activate?: boolean }): Promise<NetworkVersion>;
  /** Makes the version the active one of its network; false when there is no such version. */
  activate(id: string): Promise<boolean>;
  /** The active version of `networkId`; without it, the most recently saved active version of any network. */
  getActive(networkId?: string): Promise<NetworkVersion | undefined>;
  /** The version with this id, or undefined. */
  get(id: string): Promise<NetworkVersion | undefined>;
  /** All versions (of one network when given), newest first, without bodies. */
  list(options?: { readonly networkId?: string }): Promise<NetworkVersionSummary[]>;
  /** The active version of every hub's networks (a server or worker serving several hubs). */
  listActive(): Promise<NetworkVersion[]>;
}

/**
 * JSON with object keys sorted at every depth and no whitespace, so that equal networks give equal
 * text whatever the key order they were built or parsed in. `undefined` properties are dropped, as
 * `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** SHA-256 hex of the canonical JSON of `network`: the identity of a network version's content. */
export function networkChecksum(network: Network): string {
  return createHash('sha256').update(canonicalJson(network), 'utf8').digest('hex');
}

/** The network versions repository over `ctx`. */
export function networkVersionsRepository(ctx: StoreContext): NetworkVersionsRepository {
  const { db } = ctx;

  async function activateIn(tx: StoreContext, id: string): Promise<boolean> {
    const row = await tx.db
      .selectFrom('network_versions')
      .select(['network_id', 'is_active'])
      .where('id', '=', id)
      .where('hub_id', '=', hubOf(tx))
      .executeTakeFirst();
    if (row === undefined) return false;
    if (row.is_active === 1) return true;
    await tx.db
      .updateTable('network_versions')
      .set({ is_active: 0 })
      .where('network_id', '=', row.network_id)
      .where('is_active', '=', 1)
      .execute();
    await tx.db.updateTable('network_versions').set({ is_active: 1 }).where('id', '=', id).execute();
    return true;
  }

  return {
    async save(network, options = {}) {
      const body = canonicalJson(network);
      const checksum = createHash('sha256').update(body, 'utf8').digest('hex');
      return inTransaction(ctx, async (tx) => {
        // Concurrent saves of the same body: the second insert does nothing and both read the one row.
        await tx.db
          .insertInto('network_versions')
          .values({
            id: `netv-${randomUUID()}`,
            network_id: network.id,
            version: network.version,
            checksum,
            body,
            created_at_ms: ctx.nowMs(),
            is_active: 0,
            hub_id: hubOf(tx),
          })
          .onConflict((oc) => oc.column('checksum').doNothing())
          .execute();
        const row = await tx.db
          .selectFrom('network_versions')
          .selectAll()
          .where('checksum', '=', checksum)
          .executeTakeFirstOrThrow();
        if (options.activate === true && row.is_active === 0) {
          await activateIn(tx, row.id);
          return toVersion({ ...row, is_active: 1 });
        }
        return toVersion(row);
      });
    },

    activate: (id) => inTransaction(ctx, (tx) => activateIn(tx, id)),

    async getActive(networkId) {
      const row = await db
        .selectFrom('network_versions')
        .selectAll()
        .where('is_active', '=', 1)
        .$if(networkId !== undefined, (qb) => qb.where('network_id', '=', networkId!))
        .$if(networkId === undefined, (qb) => qb.where('hub_id', '=', hubOf(ctx)))
        .orderBy('created_at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : toVersion(row);
    },

    async get(id) {
      const row = await db
        .selectFrom('network_versions')
        .selectAll()
        .where('id', '=', id)
        .where('hub_id', '=', hubOf(ctx))
        .executeTakeFirst();
      return row === undefined ? undefined : toVersion(row);
    },

    async list(options = {}) {
      const rows = await db
        .selectFrom('network_versions')
        .select(['id', 'network_id', 'version', 'checksum', 'created_at_ms', 'is_active'])
        .where('hub_id', '=', hubOf(ctx))
        .$if(options.networkId !== undefined, (qb) => qb.where('network_id', '=', options.networkId!))
        .orderBy('created_at_ms', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toSummary);
    },

    async listActive() {
      const rows = await db
        .selectFrom('network_versions')
        .selectAll()
        .where('is_active', '=', 1)
        .orderBy('hub_id')
        .orderBy('created_at_ms', 'desc')
        .execute();
      return rows.map(toVersion);
    },
  };
}

function toSummary(row: Omit<Selectable<NetworkVersionsTable>, 'body' | 'hub_id'>): NetworkVersionSummary {
  return {
    id: row.id,
    networkId: row.network_id,
    version: row.version,
    checksum: row.checksum,
    createdAtMs: row.created_at_ms,
    isActive: row.is_active === 1,
  };
}

function toVersion(row: Selectable<NetworkVersionsTable>): NetworkVersion {
  return { ...toSummary(row), network: JSON.parse(row.body) as Network, hubId: row.hub_id };
}
