import type { ContainerRow, EventRow, IntakeJourneyRow, ParcelFacts, Store } from '../store/index.ts';
import { type JourneyState, replayContainer, replayParcel } from '../tracking/index.ts';
import { applyEventFacts, resetEventFacts, toHistory } from './facts.ts';
import { groupBy, noteContainerEvent } from './intake-rows.ts';
import type { Milestone } from './webhook-queue.ts';

/** A batch's event as the replay sees it: its row in the input, the stored row, new or not. */
export interface ReplayItem {
  readonly row: number;
  readonly eventRow: EventRow;
  readonly kind: 'new' | 'replace' | 'retract' | 'duplicate';
}

/** What the replay reads and changes of the batch under way in `recordEvents`. */
export interface ReplayContext {
  readonly store: Store;
  readonly hubId: string;
  readonly nowMs: number;
  /** The batch's events that count (not duplicates, not refused). */
  readonly live: readonly ReplayItem[];
  readonly replayParcels: ReadonlySet<string>;
  readonly replayContainers: ReadonlySet<string>;
  readonly facts: ReadonlyMap<string, ParcelFacts>;
  readonly journeyOf: (parcelId: string) => IntakeJourneyRow;
  readonly containerOf: (containerId: string) => ContainerRow;
  readonly stateOf: (j: IntakeJourneyRow) => JourneyState;
  readonly setState: (j: IntakeJourneyRow, s: JourneyState) => void;
  /** Records a problem of the batch (row, field, why). */
  readonly at: (row: number, field: string, why: string) => void;
  readonly changedParcels: Set<string>;
  readonly changedContainers: Set<string>;
  readonly milestones: Milestone[];
  readonly exceptions: { row: number; eventId: string; why: string }[];
}

/**
 * The replay path of the intake: re-derives each parcel (and container) whose history the batch
 * reorders, replaces or retracts from its whole stored history with the batch in, through the pure
 * state machines. A history that no longer holds is a problem of the batch row that broke it.
 */
export async function replayHistories(ctx: ReplayContext): Promise<void> {
  const { store, hubId, nowMs, live, replayParcels, replayContainers, facts, at } = ctx;
  const { journeyOf, containerOf, stateOf, setState, changedParcels, changedContainers } = ctx;
  const { milestones, exceptions } = ctx;
  const batchById = new Map(live.map((it) => [it.eventRow.event_id, it]));
  const merge = (rows: readonly EventRow[], kind: EventRow['subject_kind'], ids: ReadonlySet<string>) => {
    const out = new Map(rows.map((r) => [r.event_id, r]));
    for (const it of live)
      if (it.eventRow.subject_kind === kind && ids.has(it.eventRow.subject_id))
        out.set(it.eventRow.event_id, it.eventRow);
    return [...out.values()];
  };
  const rp = [...replayParcels];
  const ownRows = merge(await store.journeys.eventsOf(hubId, 'parcel', rp), 'parcel', replayParcels);
  const everIn = await store.journeys.containersOfParcels(hubId, rp);
  for (const r of ownRows)
    if (r.code === 'CONSOLIDATED' && r.container_id !== null) {
      let set = everIn.get(r.subject_id);
      if (!set) {
        set = new Set();
        everIn.set(r.subject_id, set);
      }
      set.add(r.container_id);
    }
  const allContainers = new Set<string>([...replayContainers]);
  for (const set of everIn.values()) for (const c of set) allContainers.add(c);
  const containerRows = merge(
    await store.journeys.eventsOf(hubId, 'container', [...allContainers]),
    'container',
    allContainers,
  );
  const byContainer = groupBy(containerRows, (r) => r.subject_id);
  const byParcel = groupBy(ownRows, (r) => r.subject_id);
  const blame = (subjectId: string, event: { eventId: string }, why: string) => {
    const own = batchById.get(event.eventId);
    const row = own?.row ?? live.find((it) => it.eventRow.subject_id === subjectId)?.row ?? 0;
    at(
      row,
      'eventTime',
      own
        ? why
        : `with this event the history of ${subjectId} no longer holds: event ${event.eventId} ${why}`,
    );
  };
  for (const cid of replayContainers) {
    const r = replayContainer(toHistory(byContainer.get(cid) ?? []));
    if (r.refused) {
      blame(cid, r.refused.event, r.refused.why);
      continue;
    }
    const c = containerOf(cid);
    c.stage = r.state.stage;
    c.hold = r.state.hold;
    const last = (byContainer.get(cid) ?? [])
      .filter((x) => x.retracted === 0 && x.classifier === 'ACT')
      .at(-1);
    if (last) noteContainerEvent(c, last, nowMs);
    changedContainers.add(cid);
  }
  for (const pid of rp) {
    const j = journeyOf(pid);
    const history = [...(byParcel.get(pid) ?? [])];
    for (const cid of everIn.get(pid) ?? []) history.push(...(byContainer.get(cid) ?? []));
    const hasOwnActual = history.some(
      (h) => h.subject_kind === 'parcel' && h.classifier === 'ACT' && h.retracted === 0,
    );
    const initial = hasOwnActual ? undefined : stateOf(j);
    const rowsById = new Map(history.map((h) => [h.event_id, h]));
    const r = replayParcel(pid, toHistory(history), initial);
    if (r.refused) {
      blame(pid, r.refused.event, r.refused.why);
      continue;
    }
    const seq = j.seq;
    resetEventFacts(j);
    setState(j, r.state);
    for (const step of r.steps) {
      const row = rowsById.get(step.event.eventId)!;
      if (step.exception !== undefined && batchById.has(row.event_id)) {
        row.exception = step.exception;
        exceptions.push({
          row: batchById.get(row.event_id)!.row,
          eventId: row.event_id,
          why: step.exception,
        });
      }
      applyEventFacts(j, row, facts.get(pid), step.exception);
      const it = batchById.get(row.event_id);
      if (it !== undefined && it.kind === 'new') milestones.push({ parcelId: pid, event: row });
    }
    j.seq = seq + 1;
    changedParcels.add(pid);
  }
}
