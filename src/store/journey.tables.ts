/**
 * The journey's tables as Kysely sees them (migration `2026-12-07-journey`). Instants are UTC epoch
 * ms, booleans 0/1, JSON as text; every table carries the hub it belongs to.
 */

/** One tracking event, never deleted: a later version overwrites it, a retraction marks it. */
export interface TrackingEventsTable {
  hub_id: string;
  event_id: string;
  subject_kind: 'parcel' | 'container' | 'departure';
  subject_id: string;
  code: string;
  classifier: 'PLN' | 'EST' | 'ACT';
  event_time_ms: number;
  offset_minutes: number;
  place_node: string | null;
  place_locode: string | null;
  place_city: string | null;
  place_country: string | null;
  actor: string;
  /** CONSOLIDATED: the container the parcel goes into. */
  container_id: string | null;
  departure_id: string | null;
  reason_code: string | null;
  reason_text: string | null;
  /** JSON: measured values, carrier, last-mile number, source system and event id. */
  details: string | null;
  /** Why the event was kept although it skips milestones. */
  exception: string | null;
  updated_at_ms: number;
  record_time_ms: number;
  /** Position within its batch: with the record time, the order events were recorded in. */
  record_index: number;
  retracted: number;
  simulated: number;
}

/** Where one parcel is: its stage, hold, container, route, position, ETA window and re-weigh audit. */
export interface ParcelJourneysTable {
  parcel_id: string;
  hub_id: string;
  seller_id: string;
  tracking_number: string;
  last_mile_number: string | null;
  carrier: string | null;
  stage: string;
  hold: 'export' | 'import' | null;
  hold_reason: string | null;
  container_id: string | null;
  /** The planned rides: `dep>node|dep>node|=gateway|#zone`. */
  route: string | null;
  plan_id: string | null;
  gateway: string | null;
  zone_id: string | null;
  destination_country: string;
  position_node: string | null;
  /** `at` a node, `left` a node, or `last-mile`. */
  position_kind: string | null;
  position_ms: number | null;
  /** Parcels with the same key share an ETA window: route, stage and position. */
  eta_key: string | null;
  /** The latest actual event the state rests on (own or the container's). */
  last_event_ms: number | null;
  /** Monotonic per parcel: counts the events that moved it (webhook receivers order by it). */
  seq: number;
  measured_weight_g: number | null;
  measured_length_mm: number | null;
  measured_width_mm: number | null;
  measured_height_mm: number | null;
  /** Measured minus declared weight, grams. */
  reweigh_delta_g: number | null;
  /** 1 while a re-weigh difference is beyond the tolerance. */
  reweigh_flag: number;
  received_at_ms: number | null;
  departed_at_ms: number | null;
  arrived_at_ms: number | null;
  handed_at_ms: number | null;
  delivered_at_ms: number | null;
  eta_p10_ms: number | null;
  eta_p50_ms: number | null;
  eta_p90_ms: number | null;
  eta_basis: string | null;
  eta_updated_ms: number | null;
  /** The window published when the parcel departed: what calibration judges. */
  eta_dep_p10_ms: number | null;
  eta_dep_p50_ms: number | null;
  eta_dep_p90_ms: number | null;
  /** The P50 sellers were last told (a change of more than 12 h is told again). */
  eta_notified_p50_ms: number | null;
  exception: string | null;
  exception_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

/** A container, bag or ULD parcels travel in. */
export interface TrackingContainersTable {
  hub_id: string;
  container_id: string;
  departure_id: string | null;
  plan_id: string | null;
  container_type: string | null;
  stage: string;
  hold: 'export' | 'import' | null;
  last_event_ms: number | null;
  last_code: string | null;
  last_node: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

/** A dated departure as operated: planned, estimated (a delay) and actual times. */
export interface TrackingDeparturesTable {
  hub_id: string;
  departure_id: string;
  service_id: string;
  scheduled_ms: number;
  estimated_ms: number | null;
  actual_ms: number | null;
  cancelled: number;
  /** A delay on the way (a node closed or slowed): where, and how long the run waits there. */
  delay_node: string | null;
  delay_minutes: number | null;
  reason: string | null;
  updated_at_ms: number;
}

/** Which departures a route rides (to find the parcels a departure's delay touches). */
export interface TrackingRoutesTable {
  hub_id: string;
  route: string;
  departure_id: string;
}

/** The next serial of the hub's own tracking numbers. */
export interface TrackingSequencesTable {
  hub_id: string;
  next_serial: number;
}

/** Plans the journey follows: adopted ones, and re-plans waiting to be adopted once done. */
export interface TrackingPlansTable {
  hub_id: string;
  plan_id: string;
  status: 'adopted' | 'pending' | 'superseded' | 'failed';
  cause: string | null;
  created_at_ms: number;
  adopted_at_ms: number | null;
}

/** A seller's webhook endpoint. */
export interface WebhookSubscriptionsTable {
  id: string;
  hub_id: string;
  seller_id: string;
  url: string;
  description: string | null;
  /** JSON array of webhook event types. */
  event_types: string;
  /** JSON array of event codes for `parcel.event`; null: all. */
  codes: string | null;
  secret: string;
  /** The secret before the last rotation, still signed with until `previous_secret_until_ms`. */
  previous_secret: string | null;
  previous_secret_until_ms: number | null;
  enabled: number;
  disabled_reason: string | null;
  last_success_ms: number | null;
  last_failure_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

/** One message to one subscription, retried until delivered or out of attempts. */
export interface WebhookDeliveriesTable {
  hub_id: string;
  subscription_id: string;
  message_id: string;
  seller_id: string;
  event_type: string;
  parcel_id: string;
  event_id: string;
  code: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_ms: number | null;
  /** The exact body sent, fixed at the first attempt so retries and replays send the same bytes. */
  payload: string | null;
  eta_p10_ms: number | null;
  eta_p50_ms: number | null;
  eta_p90_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  delivered_at_ms: number | null;
}

/** One HTTP attempt of a delivery: the delivery log. */
export interface WebhookAttemptsTable {
  hub_id: string;
  subscription_id: string;
  message_id: string;
  attempt: number;
  at_ms: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  replay: number;
}
