import type { StoreContext } from './context.ts';
import type {
  ContainerRow,
  DepartureRow,
  EventRow,
  IntakeJourneyRow,
  JourneyRow,
  ParcelFacts,
} from './journeys.columns.ts';
import { type EtaGroup, type EtaWindowRow, journeyEta } from './journeys.eta.ts';
import { journeyReads } from './journeys.reads.ts';
import { journeyRuns } from './journeys.runs.ts';
import { type JourneyWrite, journeyWrites } from './journeys.write.ts';

export {
  CONTAINER_COLUMNS,
  type ContainerRow,
  DELIVERY_COLUMNS,
  DEPARTURE_COLUMNS,
  type DepartureRow,
  EMPTY_JOURNEY,
  EVENT_COLUMNS,
  type EventRow,
  INTAKE_JOURNEY_COLUMNS,
  type IntakeJourneyRow,
  JOURNEY_COLUMNS,
  type JourneyRow,
  type NewDelivery,
  NOT_INTAKE_COLUMNS,
  type ParcelFacts,
} from './journeys.columns.ts';
export type { EtaGroup, EtaWindowRow } from './journeys.eta.ts';
export type { JourneyWrite } from './journeys.write.ts';

/**
 * The journey's rows: each parcel's journey, tracking events, containers and departures as operated.
 * Reads take the hub; `write` stores one intake batch all or nothing. The logic that decides what to
 * write lives in `src/journey` (the intake) over the pure state machines of `src/tracking`.
 */
export interface JourneysRepository {
  /**
   * Gives every parcel without a journey (only those of `parcelIds`, when given) its journey row and a
   * tracking number of the hub's sequence; the stage follows the parcel's status. Returns how many.
   */
  ensure(hubId: string, parcelIds?: readonly string[]): Promise<number>;
  get(hubId: string, parcelId: string): Promise<JourneyRow | undefined>;
  getMany(hubId: string, parcelIds: readonly string[]): Promise<Map<string, JourneyRow>>;
  /**
   * The journeys of these parcels as the intake reads them: without the columns it neither reads nor
   * writes (`NOT_INTAKE_COLUMNS`: ETA windows, plan fields, destination, creation), fewer values to fetch.
   */
  intakeJourneys(hubId: string, parcelIds: readonly string[]): Promise<Map<string, IntakeJourneyRow>>;
  /** The parcels that tracking numbers (the hub's or a last mile's) name. */
  byNumbers(numbers: readonly string[]): Promise<Map<string, JourneyRow>>;
  /** Which of `parcelIds` exist, with what the journey needs of them (seller, status, declared size). */
  parcelFacts(parcelIds: readonly string[]): Promise<Map<string, ParcelFacts>>;
  /** The parcels inside these containers now. */
  members(hubId: string, containerIds: readonly string[]): Promise<JourneyRow[]>;
  containers(hubId: string, containerIds: readonly string[]): Promise<Map<string, ContainerRow>>;
  departures(hubId: string, departureIds: readonly string[]): Promise<Map<string, DepartureRow>>;
  eventsById(hubId: string, eventIds: readonly string[]): Promise<Map<string, EventRow>>;
  /** Every event (retracted ones too) of these subjects, by time. */
  eventsOf(hubId: string, kind: EventRow['subject_kind'], subjectIds: readonly string[]): Promise<EventRow[]>;
  /** The containers each parcel was ever consolidated into. */
  containersOfParcels(hubId: string, parcelIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /** The parcels ever consolidated into these containers. */
  parcelsOfContainers(hubId: string, containerIds: readonly string[]): Promise<Set<string>>;
  /** Stores one batch in one transaction (the caller's, when there is one). */
  write(write: JourneyWrite): Promise<void>;
  /** Parcels grouped by ETA key (route, stage, position), with how many share each; optionally some routes only. */
  etaGroups(hubId: string, filter?: { readonly routes?: readonly string[] }): Promise<EtaGroup[]>;
  /**
   * Sets the ETA window of every parcel of each key, set-wise, and keeps the window a parcel had when
   * it departed (for calibration) the first time one is set after departure.
   */
  setEtaWindows(
    hubId: string,
    windows: readonly EtaWindowRow[],
    nowMs: number,
    options?: {
      /**
       * The windows cover the whole hub (not some routes): SQLite then sets them in one pass over the
       * table in storage order, each page written once, instead of one indexed pass per key.
       */
      readonly wholeHub?: boolean;
    },
  ): Promise<number>;
  /**
   * Queues a `parcel.eta_changed` delivery to every enabled subscription that takes it, for each parcel
   * (of `routes`, when given) whose P50 moved more than `thresholdMs` from the one last told (none told
   * yet: told now, without a message), then records the P50 told. Set-wise SQL: one INSERT … SELECT and
   * one UPDATE however many parcels. Returns how many deliveries were queued.
   */
  queueEtaChanges(
    hubId: string,
    options: {
      readonly routes?: readonly string[];
      readonly stamp: string;
      readonly causeEventId: string;
      readonly thresholdMs: number;
      readonly nowMs: number;
    },
  ): Promise<number>;
  /** Sets each parcel's planned route, plan, gateway, zone and ETA key. */
  setRoutes(
    rows: readonly Pick<JourneyRow, 'parcel_id' | 'route' | 'plan_id' | 'gateway' | 'zone_id' | 'eta_key'>[],
  ): Promise<void>;
  /** Records which departures each route rides; known pairs are left alone. */
  addRoutes(
    hubId: string,
    pairs: readonly { readonly route: string; readonly departureId: string }[],
  ): Promise<void>;
  /** The distinct planned routes of these parcels. */
  routesOfParcels(hubId: string, parcelIds: readonly string[]): Promise<string[]>;
  /** Routes that ride a departure. */
  routesOf(hubId: string, departureIds: readonly string[]): Promise<string[]>;
  /** Departures as operated: new ones inserted, known ones updated (`update`) or left (`ignore`). */
  putDepartures(rows: readonly DepartureRow[], onConflict: 'update' | 'ignore'): Promise<void>;
  /** A run held up on its way: it waits `minutes` at `nodeId` (a closed or slowed node). */
  setDelay(
    hubId: string,
    departureId: string,
    nodeId: string,
    minutes: number,
    reason: string,
    nowMs: number,
  ): Promise<void>;
  /** A run cancelled. */
  setCancelled(hubId: string, departureId: string, reason: string, nowMs: number): Promise<void>;
  /** Containers of a plan, inserted when unknown. */
  putContainers(rows: readonly ContainerRow[]): Promise<void>;
  /** The containers of a departure. */
  containersOf(hubId: string, departureId: string): Promise<ContainerRow[]>;
  /** Sets the state of a plan the journey follows. */
  setPlan(
    hubId: string,
    planId: string,
    status: 'adopted' | 'pending' | 'superseded' | 'failed',
    cause: string | null,
    nowMs: number,
  ): Promise<void>;
  /** Plans the journey follows, newest first. */
  plans(
    hubId: string,
    status?: 'adopted' | 'pending' | 'superseded' | 'failed',
  ): Promise<
    {
      planId: string;
      status: string;
      cause: string | null;
      createdAtMs: number;
      adoptedAtMs: number | null;
    }[]
  >;
  /** First times per departure, code and node of containers' actual events since `sinceMs` (for learning durations). */
  runObservations(
    hubId: string,
    sinceMs: number,
  ): Promise<{ departureId: string; code: string; nodeId: string; timeMs: number }[]>;
  /** Observed gateway clearance (arrival → hand-over) and last mile (hand-over → delivery) since `sinceMs`, minutes. */
  parcelDurations(hubId: string, sinceMs: number): Promise<{ key: string; minutes: number }[]>;
}

/**
 * The journeys repository over `ctx`, made of its parts: reads by id (journeys.reads.ts), the
 * intake's writes (journeys.write.ts), ETA upkeep (journeys.eta.ts) and the network as operated
 * (journeys.runs.ts); the rows' columns are in journeys.columns.ts.
 */
export function journeysRepository(ctx: StoreContext): JourneysRepository {
  return { ...journeyReads(ctx), ...journeyWrites(ctx), ...journeyEta(ctx), ...journeyRuns(ctx) };
}
