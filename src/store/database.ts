import type { Generated } from 'kysely';
import type { INCOTERMS, ParcelStatus, ServiceLevel } from '../domain/parcel.ts';
import type { CustomsTables } from './customs.tables.ts';
import type {
  ParcelJourneysTable,
  TrackingContainersTable,
  TrackingDeparturesTable,
  TrackingEventsTable,
  TrackingPlansTable,
  TrackingRoutesTable,
  TrackingSequencesTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookSubscriptionsTable,
} from './journey.tables.ts';

/**
 * The store's tables as Kysely sees them: snake_case columns, the same TypeScript types on SQLite and
 * PostgreSQL. Instants are UTC epoch milliseconds (`bigint` on PostgreSQL, read back as numbers), money
 * is integer minor units, JSON is kept as text and parsed by the repositories, booleans are 0/1 integers.
 */
export interface Database extends CustomsTables {
  sellers: SellersTable;
  api_keys: ApiKeysTable;
  parcels: ParcelsTable;
  network_versions: NetworkVersionsTable;
  plans: PlansTable;
  idempotency_keys: IdempotencyKeysTable;
  fx_tables: FxTablesTable;
  tracking_events: TrackingEventsTable;
  parcel_journeys: ParcelJourneysTable;
  tracking_containers: TrackingContainersTable;
  tracking_departures: TrackingDeparturesTable;
  tracking_routes: TrackingRoutesTable;
  tracking_sequences: TrackingSequencesTable;
  tracking_plans: TrackingPlansTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}

/** A marketplace seller. */
export interface SellersTable {
  id: string;
  name: string;
  country: string;
  customs_code: string | null;
  created_at_ms: number;
}

/** Roles an API key can carry. */
export const API_KEY_ROLES = ['operator', 'seller'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** An API key: only the SHA-256 hex digest of the key is kept, never the key itself. */
export interface ApiKeysTable {
  id: string;
  key_hash: string;
  role: ApiKeyRole;
  /** Set for role `seller`, null for role `operator` (a check constraint holds both ways). */
  seller_id: string | null;
  label: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
  /** The key's home hub: its requests act there unless they name another of its hubs. */
  hub_id: Generated<string>;
  /** JSON array of the other hubs an operator key reaches (a park's operator); `[]` for most keys. */
  other_hub_ids: Generated<string>;
}

/** A parcel held by the hub; `(seller_id, external_order_id)` is unique. */
export interface ParcelsTable {
  id: string;
  seller_id: string;
  external_order_id: string;
  status: ParcelStatus;
  ready_at_ms: number;
  created_at_ms: number;
  /** YYYY-MM-DD in the buyer's calendar. */
  promised_delivery_date: string;
  incoterm: (typeof INCOTERMS)[number];
  service_level: ServiceLevel;
  gross_weight_g: number;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  /** JSON array of UN numbers. */
  dangerous_goods: string;
  consignee_country: string;
  consignee_city: string;
  consignee_postcode: string;
  consignee_name: string;
  consignee_address: string;
  consignee_phone: string;
  /** JSON array of `ParcelItem`. */
  items: string;
  /** Sum of unit value × quantity over the items, in minor units, when all items share one currency. */
  declared_value_minor: number | null;
  /** The items' common ISO 4217 currency; null when items mix currencies. */
  declared_currency: string | null;
  /** The hub holding the parcel (migration 2026-12-07-hubs). */
  hub_id: Generated<string>;
}

/** A saved version of a network; at most one active version per `network_id`. */
export interface NetworkVersionsTable {
  id: string;
  network_id: string;
  version: string;
  /** SHA-256 hex of the canonical JSON of `body`. */
  checksum: string;
  /** The network as JSON. */
  body: string;
  created_at_ms: number;
  /** 1 when active, else 0. */
  is_active: number;
  /** The network's hub (`network.hub`). */
  hub_id: Generated<string>;
}

/** States of a plan job. */
export const PLAN_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A plan job, kept so it survives restarts. */
export interface PlansTable {
  id: string;
  status: PlanStatus;
  /** JSON of the planner's parameters. */
  params: string;
  /** Fraction done, 0 to 1. */
  progress: number;
  /** JSON of the plan, once done. */
  result: string | null;
  error: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  seller_id: string | null;
  /** How many times a worker claimed the job (migration 2026-12-07-jobs). */
  attempts: Generated<number>;
  /** The current claim's token: only its holder writes the outcome. */
  run_token: string | null;
  /** The worker holding or last holding the job, `host:pid`. */
  worker_id: string | null;
  /** The hub the plan is of (migration 2026-12-07-hubs). */
  hub_id: Generated<string>;
  /**
   * A big plan's JSON, gzip-compressed and base64-encoded (migration 2026-12-07-runtime-plan-gz); then
   * `result` is null. See `plans.repository.ts`.
   */
  result_gz: string | null;
}

/** A stored response to a request carrying an `Idempotency-Key`. */
export interface IdempotencyKeysTable {
  /** The seller id, or `operator`. */
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  created_at_ms: number;
}

/** An imported exchange-rate table: one source, day and base. Global (no hub): see migration 2026-12-07-fx. */
export interface FxTablesTable {
  /** `ecb`, `eu-customs` or `cbp-certified`. */
  source: string;
  /** YYYY-MM-DD, the first day the rates are for. */
  date: string;
  /** ISO 4217 currency the rates are quoted against. */
  base: string;
  /** YYYY-MM-DD, the last day in force, for period tables. */
  valid_to: string | null;
  /** JSON object currency → decimal text (units per one `base`). */
  rates: string;
  /** File name or URL the table was read from. */
  origin: string;
  imported_at_ms: number;
}
