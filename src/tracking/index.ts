/**
 * Tracking: the parcel's journey as events (EPCIS 2.0 spirit, DCSA classifiers, UPU and IATA codes
 * mapped), the parcel and container state machines, container aggregation, ETA windows from observed
 * durations, tracking numbers (hub and UPU S10), the public view, Standard Webhooks signing, and the
 * simulation of a hub's month. Plain data in, plain data out: no I/O, no clock.
 *
 * Other modules record events through the store's intake (`recordEvents` in `src/store`), never by
 * writing rows: it checks each event against these state machines, all or nothing per batch.
 */
export {
  CLASSIFIERS,
  type Classifier,
  DELIVERY_FAILURE_REASONS,
  EVENT_CODE_TABLE,
  EVENT_CODES,
  type EventCode,
  type EventCodeDefinition,
  HOLD_REASONS,
  isEventCode,
  RETURN_REASONS,
  SUBJECT_KINDS,
  type SubjectKind,
} from './codes.ts';
export {
  applyContainerEvent,
  CONTAINER_STAGES,
  type ContainerStage,
  type ContainerState,
  type ContainerTransition,
  OPEN_CONTAINER,
} from './container.ts';
export { type ScheduledDeparture, scheduledDeparture } from './departure-id.ts';
export {
  type DurationDefaults,
  DurationDefaultsSchema,
  type DurationDistribution,
  type DurationKey,
  DurationModel,
  type DurationQuantiles,
  durationKey,
  QuantileFunction,
} from './durations.ts';
export {
  type Calibration,
  calibrate,
  type EtaOptions,
  type EtaPosition,
  type EtaRide,
  type EtaRoute,
  type EtaWindow,
  estimateDelivery,
} from './eta.ts';
export {
  type CheckedEvent,
  checkEventInput,
  type EventCheckContext,
  type EventInput,
  EventInputSchema,
  type EventPlace,
  isoWithOffset,
  offsetOfIso,
  type ParsedEventInput,
  type TrackingEvent,
  toEpcis,
} from './event.ts';
export { EVENT_CSV_COLUMNS, type EventFileResult, eventsFromCsv, eventsFromJson } from './event-csv.ts';
export { EVENT_LIMITS, EVENT_STRING_RULES, fastEventInput, parseEventInput } from './event-parse.ts';
export {
  byEventTime,
  type HistoryEvent,
  type Replay,
  type ReplayStep,
  replayContainer,
  replayParcel,
} from './journey.ts';
export { legSamples, type RunObservation } from './learn.ts';
export {
  classifyTrackingNumber,
  hubNumberProblem,
  hubTrackingNumber,
  isS10,
  luhnCheckDigit,
  s10CheckDigit,
  s10Problem,
} from './numbers.ts';
export {
  type PlaceNames,
  PlaceNamesSchema,
  type PublicMilestone,
  type PublicTracking,
  type PublicTrackingInput,
  pickLanguage,
  publicTracking,
  TRACKING_LANGUAGES,
  type TrackingLabels,
  TrackingLabelsSchema,
  type TrackingLanguage,
} from './public.ts';
export {
  DEFAULT_SIM_RATES,
  type SimEvent,
  type SimParcel,
  type SimRates,
  type SimRide,
  simulateJourneys,
} from './simulate.ts';
export {
  ANNOUNCED,
  applyParcelEvent,
  compareStages,
  containerFollowMoves,
  followContainerEvent,
  HOLDS,
  type Hold,
  type JourneyState,
  PARCEL_STAGES,
  type ParcelStage,
  type StateEvent,
  stateOfStatus,
  statusOf,
  TERMINAL_STAGES,
  type Transition,
} from './state.ts';
export {
  type AttemptVerdict,
  judgeAttempt,
  RETRY_SCHEDULE_MS,
  signWebhook,
  verifyWebhook,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookEventType,
  webhookHeaders,
  webhookMessageId,
  webhookSecretFromBytes,
} from './webhooks.ts';
