import type { Classifier, EventCode, SubjectKind } from './codes.ts';
import { applyContainerEvent, type ContainerState, OPEN_CONTAINER } from './container.ts';
import { ANNOUNCED, applyParcelEvent, followContainerEvent, type JourneyState } from './state.ts';

/** What replaying a history needs of each event. */
export interface HistoryEvent {
  readonly eventId: string;
  readonly code: EventCode;
  readonly classifier: Classifier;
  readonly subjectKind: SubjectKind;
  readonly subjectId: string;
  readonly eventTimeMs: number;
  /** Tie-break among events at the same instant: the order they were recorded in. */
  readonly order: number;
  /** CONSOLIDATED: the container the parcel goes into. */
  readonly containerId?: string | null;
  readonly retracted?: boolean;
}

/** One event's effect on the parcel during a replay. */
export interface ReplayStep {
  readonly event: HistoryEvent;
  /** True for a container's event the parcel followed while it was inside. */
  readonly inherited: boolean;
  /** The parcel's state after the event. */
  readonly state: JourneyState;
  readonly exception?: string;
}

/** A parcel's history replayed: its state now, the steps, and the first event that could not happen. */
export interface Replay {
  readonly state: JourneyState;
  readonly steps: readonly ReplayStep[];
  readonly refused?: { readonly event: HistoryEvent; readonly why: string };
  readonly containers: ReadonlyMap<string, ContainerState>;
}

/** Events in the order they happened: by instant, then as recorded. */
export function byEventTime(a: HistoryEvent, b: HistoryEvent): number {
  return a.eventTimeMs - b.eventTimeMs || a.order - b.order;
}

/**
 * Replays a parcel's history: its own actual events and those of every container it was ever in
 * (the parcel follows a container's events only while inside it, from CONSOLIDATED to DECONSOLIDATED,
 * hand-over or a hold that takes it out). Planned, estimated and retracted events do not move it.
 * Stops at the first event that cannot happen where it stands in time, and names it.
 *
 * The store keeps each parcel's state as it goes; a replay is how it re-derives a state when an event
 * arrives out of order, a later version replaces one, or one is retracted — and how tests check that
 * the state kept equals the state the history gives.
 */
export function replayParcel(
  parcelId: string,
  events: readonly HistoryEvent[],
  initial: JourneyState = ANNOUNCED,
): Replay {
  const sorted = events.filter((e) => e.classifier === 'ACT' && !e.retracted).sort(byEventTime);
  const containers = new Map<string, ContainerState>();
  const containerState = (id: string) => containers.get(id) ?? OPEN_CONTAINER;
  let state = initial;
  const steps: ReplayStep[] = [];
  for (const e of sorted) {
    if (e.subjectKind === 'container') {
      const t = applyContainerEvent(containerState(e.subjectId), e.code);
      if (!t.ok)
        return { state, steps, refused: { event: e, why: `container ${e.subjectId}: ${t.why}` }, containers };
      containers.set(e.subjectId, t.state);
      if (state.containerId === e.subjectId) {
        state = followContainerEvent(state, e.code);
        steps.push({ event: e, inherited: true, state });
      }
      continue;
    }
    if (e.subjectKind !== 'parcel' || e.subjectId !== parcelId) continue;
    const t = applyParcelEvent(state, { code: e.code, containerId: e.containerId ?? null }, (id) => {
      const c = containerState(id);
      return c.stage === 'open' && c.hold === null;
    });
    if (!t.ok) return { state, steps, refused: { event: e, why: t.why }, containers };
    state = t.state;
    steps.push({ event: e, inherited: false, state, ...(t.exception ? { exception: t.exception } : {}) });
  }
  return { state, steps, containers };
}

/** Replays a container's own actual events; stops at the first that cannot happen. */
export function replayContainer(events: readonly HistoryEvent[]): {
  readonly state: ContainerState;
  readonly refused?: { readonly event: HistoryEvent; readonly why: string };
} {
  let state = OPEN_CONTAINER;
  for (const e of events.filter((x) => x.classifier === 'ACT' && !x.retracted).sort(byEventTime)) {
    const t = applyContainerEvent(state, e.code);
    if (!t.ok) return { state, refused: { event: e, why: t.why } };
    state = t.state;
  }
  return { state };
}
