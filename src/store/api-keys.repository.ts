import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LandbridgeError } from '../domain/errors.ts';
import type { StoreContext } from './context.ts';
import type { ApiKeyRole } from './database.ts';
import { hubOf } from './hub-context.ts';

/** Who an API key speaks for. `sellerId` is set exactly when the role is `seller`. */
export interface ApiPrincipal {
  /** The key's id (not the key). */
  readonly id: string;
  readonly role: ApiKeyRole;
  readonly sellerId?: string;
  /** The hubs the key reaches, its home hub first (where its requests act unless they name another). */
  readonly hubs: readonly string[];
}

/** An API key as listed: never the key, never its hash. */
export interface ApiKeyRecord extends ApiPrincipal {
  readonly label: string;
  readonly createdAtMs: number;
  readonly revokedAtMs?: number;
}

/** What a new API key is for. */
export interface NewApiKey {
  readonly role: ApiKeyRole;
  /** Required for role `seller`, refused for role `operator`. */
  readonly sellerId?: string;
  readonly label: string;
  /** The key's home hub; the current hub when absent. */
  readonly hubId?: string;
  /** More hubs an operator key reaches (a park's operator). */
  readonly otherHubIds?: readonly string[];
}

/** API keys. Only the SHA-256 of a key is stored; the key is shown once, when created. */
export interface ApiKeysRepository {
  /**
   * Creates a key `lb_` + 32 random bytes in base64url and returns it with its id. The key itself is
   * not stored and cannot be shown again.
   *
   * @throws LandbridgeError `invalid-input` when the role and seller do not fit together or the
   * seller does not exist.
   */
  create(key: NewApiKey): Promise<{ id: string; key: string }>;
  /** Who `key` speaks for, or undefined when the key is unknown or revoked. */
  authenticate(key: string): Promise<ApiPrincipal | undefined>;
  /** Revokes the key; true when a live key was revoked, false when there was none. */
  revoke(id: string): Promise<boolean>;
  /** All keys, newest first, with revoked ones. */
  list(): Promise<ApiKeyRecord[]>;
}

/** The prefix of every Landbridge API key, so a leaked key is recognisable in secret scanners. */
export const API_KEY_PREFIX = 'lb_';

/** SHA-256 hex digest of an API key: what the store keeps and looks keys up by. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The API keys repository over `ctx`. */
export function apiKeysRepository(ctx: StoreContext): ApiKeysRepository {
  const { db } = ctx;
  return {
    async create({ role, sellerId, label, hubId, otherHubIds }) {
      if (role === 'seller' && sellerId === undefined)
        throw invalid('sellerId', 'a seller key needs the seller it belongs to');
      if (role === 'operator' && sellerId !== undefined)
        throw invalid('sellerId', 'an operator key belongs to no seller');
      if (sellerId !== undefined) {
        const seller = await db
          .selectFrom('sellers')
          .select('id')
          .where('id', '=', sellerId)
          .executeTakeFirst();
        if (seller === undefined) throw invalid('sellerId', `no seller ${sellerId}`);
      }
      const id = `key-${randomUUID()}`;
      const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
      await db
        .insertInto('api_keys')
        .values({
          id,
          key_hash: hashApiKey(key),
          role,
          seller_id: sellerId ?? null,
          label,
          created_at_ms: ctx.nowMs(),
          revoked_at_ms: null,
          hub_id: hubId ?? hubOf(ctx),
          other_hub_ids: JSON.stringify(
            [...new Set(otherHubIds ?? [])].filter((h) => h !== (hubId ?? hubOf(ctx))),
          ),
        })
        .execute();
      return { id, key };
    },

    async authenticate(key) {
      if (!key.startsWith(API_KEY_PREFIX)) return undefined;
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'role', 'seller_id', 'hub_id', 'other_hub_ids'])
        .where('key_hash', '=', hashApiKey(key))
        .where('revoked_at_ms', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        id: row.id,
        role: row.role,
        ...(row.seller_id === null ? {} : { sellerId: row.seller_id }),
        hubs: [row.hub_id, ...(JSON.parse(row.other_hub_ids) as string[])],
      };
    },

    async revoke(id) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at_ms: ctx.nowMs() })
        .where('id', '=', id)
        .where('revoked_at_ms', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async list() {
      const rows = await db
        .selectFrom('api_keys')
        .select([
          'id',
          'role',
          'seller_id',
          'label',
          'created_at_ms',
          'revoked_at_ms',
          'hub_id',
          'other_hub_ids',
        ])
        .orderBy('created_at_ms', 'desc')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        role: row.role,
        ...(row.seller_id === null ? {} : { sellerId: row.seller_id }),
        hubs: [row.hub_id, ...(JSON.parse(row.other_hub_ids) as string[])],
        label: row.label,
        createdAtMs: row.created_at_ms,
        ...(row.revoked_at_ms === null ? {} : { revokedAtMs: row.revoked_at_ms }),
      }));
    },
  };
}

function invalid(field: string, why: string): LandbridgeError {
  return new LandbridgeError('invalid-input', `API key: ${why}`, [{ where: { field }, why }]);
}
