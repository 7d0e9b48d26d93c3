/**
 * The hub's journey, the shell around `src/tracking`: the one intake path of tracking events
 * (`recordEvents`, used by the API, the CLI, the hub's own actions and other modules such as customs),
 * the hub's actions, ETA upkeep, the disruption loop, plan adoption, webhook delivery and the
 * simulation of a month.
 */
export {
  DEFAULT_FUTURE_TOLERANCE_MS,
  type EventActor,
  MAX_EVENT_BATCH,
  type RecordOptions,
  type RecordResult,
  recordEvents,
} from './intake.ts';
