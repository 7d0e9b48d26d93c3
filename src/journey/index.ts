/**
 * The hub's journey, the shell around `src/tracking`: the one intake path of tracking events
 * (`recordEvents`, used by the API, the CLI, the hub's own actions and other modules such as customs),
 * the hub's actions, ETA upkeep, the disruption loop, plan adoption, webhook delivery and the
 * simulation of a month.
 */

export { type Adoption, adoptPlan } from './adopt.ts';
export {
  adoptPendingReplans,
  applyDisruption,
  type DisruptionOutcome,
  type DisruptionReport,
  DisruptionReportSchema,
} from './disruption.ts';
export {
  cachedDurationModel,
  ETA_NOTIFY_THRESHOLD_MS,
  type EtaRunResult,
  loadDurationModel,
  recomputeEta,
  refreshEta,
} from './eta.ts';
export {
  type CalibrationReport,
  calibrationReport,
  EXCEPTION_KINDS,
  type ExceptionItem,
  type ExceptionKind,
  type ExceptionQueue,
  exceptionQueue,
  LATE_DEPARTURE_MS,
} from './exceptions.ts';
export {
  confirmDeparture,
  hubIso,
  type LoadOutcome,
  loadDeparture,
  type ReceivingScan,
  type ReweighLine,
  receiveParcels,
  reweighLine,
} from './hub-actions.ts';
export {
  DEFAULT_FUTURE_TOLERANCE_MS,
  type EventActor,
  MAX_EVENT_BATCH,
  type RecordOptions,
  type RecordResult,
  recordEvents,
} from './intake.ts';
export { type SimulationResult, simulateHub } from './simulate.ts';
export {
  etaView,
  type ParcelJourneyView,
  parcelJourney,
  parcelTimeline,
  type TimelineEvent,
  trackPublic,
} from './views.ts';
export {
  type DeliveryOptions,
  type DeliveryRun,
  deliverDueWebhooks,
  fetchSender,
  PERSISTENT_FAILURE_MS,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
} from './webhook-delivery.ts';
export { isPrivateAddress, type WebhookUrlPolicy, webhookUrlProblem } from './webhook-url.ts';
