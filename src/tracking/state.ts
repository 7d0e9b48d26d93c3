import type { ParcelStatus } from '../domain/index.ts';
import type { EventCode } from './codes.ts';

/**
 * The stages of a parcel's journey, in the order it moves through them (holds are an overlay, see
 * {@link JourneyState}). `announced`: the seller sent its data; `received`: scanned at the hub;
 * `loaded`: in a container or on a vehicle at the hub; `departed`: in transit; `arrived`: at a
 * terminal (a transfer point or the destination gateway); `handed_over`: with the last-mile carrier.
 */
export const PARCEL_STAGES = [
  'announced',
  'received',
  'loaded',
  'departed',
  'arrived',
  'handed_over',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
  'returned',
  'cancelled',
] as const;
export type ParcelStage = (typeof PARCEL_STAGES)[number];

/** A customs hold on a parcel or container: export (at the hub) or import (at the destination). */
export const HOLDS = ['export', 'import'] as const;
export type Hold = (typeof HOLDS)[number];

/** Stages after which nothing moves the parcel again (a delivered parcel may still be returned). */
export const TERMINAL_STAGES: ReadonlySet<ParcelStage> = new Set(['returned', 'cancelled']);

/** Where a parcel is: its stage, a customs hold over it, and the container it travels in. */
export interface JourneyState {
  readonly stage: ParcelStage;
  readonly hold: Hold | null;
  /** The container (or bag, ULD) the parcel is aggregated in; null when loose. */
  readonly containerId: string | null;
}

/** The state of a parcel nothing has happened to yet. */
export const ANNOUNCED: JourneyState = { stage: 'announced', hold: null, containerId: null };

/** The parcel status the store and the API show for a journey state: the hold wins over the stage. */
export function statusOf(state: Pick<JourneyState, 'stage' | 'hold'>): ParcelStatus {
  if (state.hold === 'export') return 'held';
  if (state.hold === 'import') return 'import_held';
  return state.stage;
}

/** The journey state a stored status stands for (rows written before events existed). */
export function stateOfStatus(status: ParcelStatus): JourneyState {
  if (status === 'held') return { stage: 'received', hold: 'export', containerId: null };
  if (status === 'import_held') return { stage: 'arrived', hold: 'import', containerId: null };
  return { stage: status, hold: null, containerId: null };
}

const RANK: Readonly<Record<ParcelStage, number>> = {
  announced: 0,
  received: 1,
  loaded: 2,
  departed: 3,
  arrived: 4,
  handed_over: 5,
  out_for_delivery: 6,
  delivery_failed: 6,
  delivered: 7,
  returned: 8,
  cancelled: 8,
};

/** The order of two stages along the journey (negative: `a` comes first). */
export function compareStages(a: ParcelStage, b: ParcelStage): number {
  return RANK[a] - RANK[b];
}

type Moves = Partial<Record<ParcelStage, ParcelStage>>;

/**
 * Allowed stage changes of a parcel's own actual events: code → (stage before → stage after). Holds,
 * releases, returns and cancellations are handled apart (see {@link applyParcelEvent}).
 */
const PARCEL_MOVES: Readonly<Partial<Record<EventCode, Moves>>> = {
  ANNOUNCED: { announced: 'announced' },
  ACCEPTED: { announced: 'announced' },
  HUB_RECEIVED: { announced: 'received', received: 'received' },
  CONSOLIDATED: { received: 'loaded', loaded: 'loaded', arrived: 'arrived' },
  GATED_IN: { loaded: 'loaded', arrived: 'arrived' },
  LOADED: { received: 'loaded', loaded: 'loaded', arrived: 'arrived' },
  DEPARTED: { loaded: 'departed', arrived: 'departed', departed: 'departed' },
  BORDER_CROSSED: { departed: 'departed' },
  DISCHARGED: { departed: 'departed', arrived: 'arrived' },
  ARRIVED: { departed: 'arrived', arrived: 'arrived' },
  DECONSOLIDATED: { arrived: 'arrived' },
  HANDED_TO_LAST_MILE: { arrived: 'handed_over' },
  OUT_FOR_DELIVERY: { handed_over: 'out_for_delivery', delivery_failed: 'out_for_delivery' },
  DELIVERY_FAILED: { handed_over: 'delivery_failed', out_for_delivery: 'delivery_failed' },
  DELIVERED: { handed_over: 'delivered', out_for_delivery: 'delivered', delivery_failed: 'delivered' },
};

/**
 * Where a partner abroad may report a milestone past ones it never sent (a carrier's DELIVERED with no
 * OUT_FOR_DELIVERY): the stage such a code lands in. The jump is kept as an exception, never refused,
 * because it is a fact about the world; at the hub itself (before departure) scans must follow in order.
 */
const FORWARD_TARGET: Readonly<Partial<Record<EventCode, ParcelStage>>> = {
  ARRIVED: 'arrived',
  HANDED_TO_LAST_MILE: 'handed_over',
  OUT_FOR_DELIVERY: 'out_for_delivery',
  DELIVERY_FAILED: 'delivery_failed',
  DELIVERED: 'delivered',
};

/** Stages a parcel can be held in by export customs, and by import customs. */
const EXPORT_HOLD_STAGES: ReadonlySet<ParcelStage> = new Set(['announced', 'received', 'loaded']);
const IMPORT_HOLD_STAGES: ReadonlySet<ParcelStage> = new Set(['departed', 'arrived']);
const RETURN_STAGES: ReadonlySet<ParcelStage> = new Set([
  'received',
  'loaded',
  'arrived',
  'handed_over',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
]);
const CANCEL_STAGES: ReadonlySet<ParcelStage> = new Set(['announced', 'received']);

/** A parcel's own event as the state machine needs it. */
export interface StateEvent {
  readonly code: EventCode;
  /** For CONSOLIDATED: the container the parcel goes into. */
  readonly containerId?: string | null;
}

/** The outcome of an event on a parcel: its new state, or why the event cannot happen. */
export type Transition =
  | {
      readonly ok: true;
      readonly state: JourneyState;
      /** Set when the event was kept although it skips milestones: what was skipped. */
      readonly exception?: string;
      /** Set when the event took the parcel out of a container (held from it, handed over…). */
      readonly leftContainer?: string;
    }
  | { readonly ok: false; readonly why: string };

const refuse = (why: string): Transition => ({ ok: false, why });

function heldWhy(state: JourneyState, code: EventCode): string {
  return `the parcel is held by ${state.hold} customs: ${code} needs its release first`;
}

/**
 * Applies one of a parcel's own actual events to its state. Returns the new state, or why the event
 * cannot follow (an impossible transition: the caller refuses the event). `containerIsOpen` tells
 * whether the container a CONSOLIDATED event names takes parcels.
 *
 * Holds: an export hold on a parcel in a container takes it out (held from the container: the
 * container may leave without it) and puts it back to `received`; an import hold likewise to `arrived`.
 * Releases lift the hold. While held, only the release, a return or (export) a cancellation apply.
 *
 * @example applyParcelEvent(ANNOUNCED, { code: 'HUB_RECEIVED' }) // { ok: true, state: { stage: 'received', … } }
 */
export function applyParcelEvent(
  state: JourneyState,
  event: StateEvent,
  containerIsOpen: (containerId: string) => boolean = () => true,
): Transition {
  const { stage, hold } = state;
  const code = event.code;
  if (TERMINAL_STAGES.has(stage))
    return refuse(`the parcel is ${stage}: nothing can follow, not even ${code}`);

  switch (code) {
    case 'EXPORT_CUSTOMS_HOLD': {
      if (hold === 'import') return refuse(heldWhy(state, code));
      if (!EXPORT_HOLD_STAGES.has(stage))
        return refuse(`the parcel is ${stage}: export customs can hold it only before it departs`);
      if (state.containerId !== null)
        return {
          ok: true,
          state: { stage: 'received', hold: 'export', containerId: null },
          leftContainer: state.containerId,
        };
      return { ok: true, state: { ...state, hold: 'export' } };
    }
    case 'EXPORT_CUSTOMS_RELEASED':
      if (hold === 'import') return refuse(heldWhy(state, code));
      if (!EXPORT_HOLD_STAGES.has(stage))
        return refuse(`the parcel is ${stage}: export release comes before departure`);
      return { ok: true, state: { ...state, hold: null } };
    case 'IMPORT_CUSTOMS_HOLD': {
      if (hold === 'export') return refuse(heldWhy(state, code));
      if (!IMPORT_HOLD_STAGES.has(stage))
        return refuse(`the parcel is ${stage}: import customs can hold it only once it is on its way`);
      if (state.containerId !== null)
        return {
          ok: true,
          state: { stage: 'arrived', hold: 'import', containerId: null },
          leftContainer: state.containerId,
        };
      return { ok: true, state: { ...state, hold: 'import' } };
    }
    case 'IMPORT_CUSTOMS_RELEASED':
      if (hold === 'export') return refuse(heldWhy(state, code));
      if (!IMPORT_HOLD_STAGES.has(stage) && stage !== 'handed_over')
        return refuse(`the parcel is ${stage}: import release comes after departure and before hand-over`);
      return { ok: true, state: { ...state, hold: null } };
    case 'RETURNED':
      if (!RETURN_STAGES.has(stage)) return refuse(`a parcel that is ${stage} cannot be returned`);
      return {
        ok: true,
        state: { stage: 'returned', hold: null, containerId: null },
        ...(state.containerId !== null ? { leftContainer: state.containerId } : {}),
      };
    case 'CANCELLED':
      if (hold === 'import' || !CANCEL_STAGES.has(stage))
        return refuse(`a parcel that is ${statusOf(state)} cannot be cancelled: only before consolidation`);
      return { ok: true, state: { stage: 'cancelled', hold: null, containerId: null } };
    default:
      break;
  }

  const to = PARCEL_MOVES[code]?.[stage];
  if (hold !== null) {
    // A partner abroad reporting a later milestone means the import release went unreported.
    const jump = FORWARD_TARGET[code];
    if (hold === 'import' && jump !== undefined && compareStages(jump, stage) > 0)
      return forward(state, code, jump, 'import release not reported');
    return refuse(heldWhy(state, code));
  }
  if (code === 'CONSOLIDATED') {
    if (to === undefined)
      return refuse(`a parcel that is ${stage} cannot be consolidated (it must be received first)`);
    if (!event.containerId) return refuse('CONSOLIDATED names the container the parcel goes into');
    if (!containerIsOpen(event.containerId))
      return refuse(`container ${event.containerId} is closed: it takes no more parcels`);
    return {
      ok: true,
      state: { stage: to, hold: null, containerId: event.containerId },
      ...(state.containerId !== null && state.containerId !== event.containerId
        ? { leftContainer: state.containerId }
        : {}),
    };
  }
  if (to !== undefined) {
    const leaves = code === 'DECONSOLIDATED' || code === 'HANDED_TO_LAST_MILE';
    if (leaves && state.containerId !== null)
      return {
        ok: true,
        state: { stage: to, hold: null, containerId: null },
        leftContainer: state.containerId,
      };
    return { ok: true, state: { ...state, stage: to } };
  }
  const jump = FORWARD_TARGET[code];
  if (jump !== undefined && compareStages(stage, 'departed') >= 0 && compareStages(jump, stage) > 0)
    return forward(state, code, jump);
  return refuse(impossibleWhy(stage, code));
}

function forward(state: JourneyState, code: EventCode, to: ParcelStage, note?: string): Transition {
  const skipped = `${code} moved the parcel from ${statusOf(state)} to ${to}, skipping milestones never reported${note ? ` (${note})` : ''}`;
  const left = state.containerId;
  return {
    ok: true,
    state: { stage: to, hold: null, containerId: compareStages(to, 'handed_over') >= 0 ? null : left },
    exception: skipped,
    ...(left !== null && compareStages(to, 'handed_over') >= 0 ? { leftContainer: left } : {}),
  };
}

function impossibleWhy(stage: ParcelStage, code: EventCode): string {
  const from = Object.keys(PARCEL_MOVES[code] ?? {});
  return `a parcel that is ${stage} cannot take ${code}${from.length > 0 ? ` (${code} applies to a parcel that is ${from.join(' or ')})` : ''}`;
}

/**
 * The state a parcel takes from an actual event of the container it travels in (EPCIS aggregation:
 * the children move with the parent). Never refuses: the container's event is a fact about the
 * parcel too; a parcel whose stage the event does not move keeps it.
 */
export function followContainerEvent(state: JourneyState, code: EventCode): JourneyState {
  switch (code) {
    case 'DEPARTED':
      return state.stage === 'loaded' || state.stage === 'arrived' ? { ...state, stage: 'departed' } : state;
    case 'ARRIVED':
      return state.stage === 'departed' ? { ...state, stage: 'arrived' } : state;
    case 'EXPORT_CUSTOMS_HOLD':
      return { ...state, hold: 'export' };
    case 'IMPORT_CUSTOMS_HOLD':
      return { ...state, hold: 'import' };
    case 'EXPORT_CUSTOMS_RELEASED':
      return state.hold === 'export' ? { ...state, hold: null } : state;
    case 'IMPORT_CUSTOMS_RELEASED':
      return state.hold === 'import' ? { ...state, hold: null } : state;
    case 'DECONSOLIDATED':
      return { ...state, containerId: null };
    default:
      return state;
  }
}

/**
 * The stage a parcel at `from` takes when its container has an actual `code` event: the same mapping as
 * {@link followContainerEvent}, as a table the store turns into one set-based UPDATE per event.
 */
export function containerFollowMoves(code: EventCode): Readonly<Partial<Record<ParcelStage, ParcelStage>>> {
  if (code === 'DEPARTED') return { loaded: 'departed', arrived: 'departed' };
  if (code === 'ARRIVED') return { departed: 'arrived' };
  return {};
}
