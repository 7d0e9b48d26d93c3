/**
 * The store: parcels, sellers, API keys, network versions, plan jobs and idempotency records in SQLite
 * (a file, nothing to install) or PostgreSQL (shared deployments), behind one set of repositories.
 */
export type { ApiKeyRecord, ApiKeysRepository, ApiPrincipal, NewApiKey } from './api-keys.repository.ts';
export { API_KEY_PREFIX, hashApiKey } from './api-keys.repository.ts';
export type { StoreDialect, StoreLocation } from './connect.ts';
export { DEFAULT_SQLITE_PATH, parseDatabaseUrl, redactDatabaseUrl } from './connect.ts';
export type {
  CustomsDepartureRecord,
  CustomsEventRecord,
  CustomsFiling,
  CustomsMessageRecord,
  CustomsReceiptRecord,
  CustomsRepository,
  CustomsSummaryRecord,
  DeclarationFilter,
  DeclarationRecord,
  ListLineRecord,
} from './customs.repository.ts';
export type { ApiKeyRole, Database, PlanStatus } from './database.ts';
export { API_KEY_ROLES, PLAN_STATUSES } from './database.ts';
export { BUSY_RETRY_AFTER_S, FULL_RETRY_AFTER_S, storeFailure } from './failures.ts';
export type { FxRepository, FxSourceSummary, StoredFxTable } from './fx.repository.ts';
export { currentHubId, DEFAULT_HUB_ID, withHub } from './hub-context.ts';
export type {
  IdempotencyRecord,
  IdempotencyRepository,
  NewIdempotencyRecord,
} from './idempotency.repository.ts';
export type * from './journey.tables.ts';
export type {
  ContainerRow,
  DepartureRow,
  EtaGroup,
  EtaWindowRow,
  EventRow,
  IntakeJourneyRow,
  JourneyRow,
  JourneysRepository,
  JourneyWrite,
  NewDelivery,
  ParcelFacts,
} from './journeys.repository.ts';
export { EMPTY_JOURNEY } from './journeys.repository.ts';
export { MIGRATIONS } from './migrations.ts';
export type {
  NetworkVersion,
  NetworkVersionSummary,
  NetworkVersionsRepository,
} from './network-versions.repository.ts';
export { canonicalJson, networkChecksum } from './network-versions.repository.ts';
export type {
  NewParcel,
  ParcelFilter,
  ParcelListOptions,
  ParcelPage,
  ParcelsRepository,
  PlanningWindow,
  SellerParcel,
} from './parcels.repository.ts';
export {
  DEFAULT_PAGE_SIZE,
  DEFAULT_PLANNING_BATCH_SIZE,
  MAX_PAGE_SIZE,
  orderKey,
} from './parcels.repository.ts';
export type {
  ClaimFilter,
  PlanJob,
  PlanJobPatch,
  PlansRepository,
  StoredPlanText,
} from './plans.repository.ts';
export type { SellerRecord, SellersRepository } from './sellers.repository.ts';
export type { OpenStoreOptions, Repositories, Store } from './store.ts';
export { openStore } from './store.ts';
export { Turns } from './turns.ts';
export type {
  AttemptRow,
  DeliveryRow,
  NewWebhookSubscription,
  WebhookSubscription,
  WebhookSubscriptionPatch,
  WebhookSubscriptionWithSecrets,
  WebhooksRepository,
} from './webhooks.repository.ts';
export { publicSubscription, REPLAY_MARK } from './webhooks.repository.ts';
