import { LandbridgeError, type Network, type Problem, problemsFromZod, type Where } from '../domain/index.ts';
import type {
  ContainerRow,
  DepartureRow,
  EventRow,
  JourneyRow,
  NewDelivery,
  ParcelFacts,
  Store,
} from '../store/index.ts';
import { EMPTY_JOURNEY } from '../store/index.ts';
import {
  applyContainerEvent,
  applyParcelEvent,
  type CheckedEvent,
  type ContainerStage,
  checkEventInput,
  type EventCode,
  EventInputSchema,
  followContainerEvent,
  type Hold,
  type JourneyState,
  type ParcelStage,
  replayContainer,
  replayParcel,
  scheduledDeparture,
  stateOfStatus,
} from '../tracking/index.ts';
import { applyEventFacts, resetEventFacts, toHistory } from './facts.ts';
import { parcelEventDeliveries } from './webhook-queue.ts';

/** The largest batch one call records (`POST /v1/events` takes no more). */
export const MAX_EVENT_BATCH = 10_000;

/** How far in the future an actual event may lie before it is refused (clocks drift), ms. */
export const DEFAULT_FUTURE_TOLERANCE_MS = 10 * 60_000;

/**
 * Who records events. A seller records only the first-mile codes of its own parcels (ANNOUNCED,
 * ACCEPTED, CANCELLED); the operator and the hub's own modules (`system`: the hub's actions, customs,
 * the simulation) record anything.
 */
export type EventActor =
  | { readonly role: 'operator' }
  | { readonly role: 'seller'; readonly sellerId: string }
  | { readonly role: 'system'; readonly name: string };

const SELLER_CODES: ReadonlySet<EventCode> = new Set(['ANNOUNCED', 'ACCEPTED', 'CANCELLED']);

export interface RecordOptions {
  /** The hub the events belong to (the network's hub node, `xiyong-hub` in the sample). */
  readonly hubId: string;
  readonly network: Network;
  readonly actor: EventActor;
  /** The instant the batch arrives: the record time, and the reference for "in the future" (UTC ms). */
  readonly nowMs: number;
  readonly futureToleranceMs?: number;
  /** Named in every problem (CLI imports). */
  readonly file?: string;
  /** Row number of each input in problems (a CSV file's line); position + 1 when absent. */
  readonly rows?: readonly number[];
  /** The most events one call takes; {@link MAX_EVENT_BATCH} when absent. */
  readonly maxBatch?: number;
}

/** What a batch did. */
export interface RecordResult {
  /** Events stored for the first time. */
  readonly recorded: number;
  /** Later versions that replaced an earlier one, and retractions. */
  readonly replaced: number;
  readonly retracted: number;
  /** Events already stored at this version or a later one: nothing done (idempotent). */
  readonly duplicates: number;
  /** Events kept although they skip milestones (facts reported by partners abroad). */
  readonly exceptions: readonly { readonly row: number; readonly eventId: string; readonly why: string }[];
  /** Parcels whose journey changed. */
  readonly parcelsChanged: readonly string[];
  readonly webhooksQueued: number;
  /** Departures an estimated DEPARTED in this batch puts later than their timetable: the disruption loop's cue. */
  readonly delayedDepartures: readonly {
    readonly departureId: string;
    readonly estimatedMs: number;
    readonly eventId: string;
  }[];
}

interface Item {
  readonly row: number;
  readonly checked: CheckedEvent['event'];
  /** The stored row this item becomes. */
  eventRow: EventRow;
  kind: 'new' | 'replace' | 'retract' | 'duplicate';
  parcelId?: string;
}

/**
 * Records a batch of tracking events, all or nothing: the one way events enter the store — used by
 * `POST /v1/events`, `landbridge events import`, the hub's own actions (receiving scans, loading and
 * confirming departures, disruptions) and other modules (customs writes EXPORT_CUSTOMS_HOLD /
 * EXPORT_CUSTOMS_RELEASED here).
 *
 * Each event is checked (schema, subject, place, time, reason), resolved (a parcel id or tracking
 * number, a container, a departure), deduplicated by `eventId` (a repeat at the same version does
 * nothing; a later `updatedAt` replaces; `retracted` withdraws), and run through the parcel and
 * container state machines in time order. Parcels follow their container's events while inside it,
 * so a container's DEPARTED is stored once and moves every parcel in it. An event that breaks the
 * state machine is refused with the reason — unless it is a partner's report of a later milestone
 * abroad, which is kept as an exception. Events out of time order, new versions and retractions
 * re-derive the parcels' states by replaying their histories.
 *
 * Any problem throws `LandbridgeError('invalid-input')` listing each (row, field, why), and nothing
 * is written. Otherwise events, journeys, parcel statuses, containers, departures and webhook
 * deliveries are written in one transaction.
 *
 * @example
 * await recordEvents(store, [{ eventId: 'hold-1', code: 'EXPORT_CUSTOMS_HOLD', parcelId,
 *   eventTime: '2026-12-02T09:00:00+08:00', place: 'xiyong-hub', reason: { code: 'inspection' } }],
 *   { hubId: 'xiyong-hub', network, actor: { role: 'system', name: 'customs' }, nowMs: Date.now() });
 */
export async function recordEvents(
  store: Store,
  inputs: readonly unknown[],
  options: RecordOptions,
): Promise<RecordResult> {
  const { hubId, network, nowMs } = options;
  const base: Where = options.file !== undefined ? { file: options.file } : {};
  const problems: Problem[] = [];
  const rowOf = (i: number) => options.rows?.[i] ?? i + 1;
  const at = (row: number, field: string, why: string) =>
    problems.push({ where: { ...base, row, field }, why });
  const max = options.maxBatch ?? MAX_EVENT_BATCH;
  if (inputs.length > max)
    throw new LandbridgeError('too-large', `a batch holds at most ${max} events, got ${inputs.length}`);

  const actorName =
    options.actor.role === 'seller'
      ? `seller:${options.actor.sellerId}`
      : options.actor.role === 'system'
        ? options.actor.name
        : 'operator';
  const nodes = new Map(
    network.nodes.map((n) => [n.id, { country: n.country, ...(n.locode ? { locode: n.locode } : {}) }]),
  );
  const checkContext = {
    nodes,
    nowMs,
    futureToleranceMs: options.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS,
    actor: actorName,
  };

  // 1. Each event on its own: schema, subject, place, time, reason, who may record it.
  const items: Item[] = [];
  inputs.forEach((raw, i) => {
    const row = rowOf(i);
    const parsed = EventInputSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error, { ...base, row }));
      return;
    }
    const checked = checkEventInput(parsed.data, checkContext);
    if (!checked.ok) {
      for (const p of checked.problems) problems.push({ where: { ...base, row, ...p.where }, why: p.why });
      return;
    }
    const e = checked.value.event;
    if (options.actor.role === 'seller') {
      if (!SELLER_CODES.has(e.code) || e.subject.kind !== 'parcel')
        at(
          row,
          'code',
          `a seller key records only ${[...SELLER_CODES].join(', ')} of its own parcels; the hub records ${e.code}`,
        );
      if (e.simulated) at(row, 'simulated', 'only the operator records simulated events');
    }
    items.push({ row, checked: e, eventRow: undefined as unknown as EventRow, kind: 'new' });
  });

  // 2. Subjects: parcels by id or tracking number, containers, departures.
  const numbers = items.flatMap((it) =>
    it.checked.subject.trackingNumber !== undefined ? [it.checked.subject.trackingNumber.toUpperCase()] : [],
  );
  const byNumber =
    numbers.length > 0 ? await store.journeys.byNumbers(numbers) : new Map<string, JourneyRow>();
  for (const it of items) {
    const s = it.checked.subject;
    if (s.kind !== 'parcel') continue;
    if (s.id !== undefined) it.parcelId = s.id;
    else if (s.trackingNumber !== undefined) {
      const found = byNumber.get(s.trackingNumber.toUpperCase());
      if (found === undefined || found.hub_id !== hubId)
        at(it.row, 'trackingNumber', `no parcel with tracking number ${s.trackingNumber}`);
      else it.parcelId = found.parcel_id;
    }
  }
  const parcelIds = [...new Set(items.flatMap((it) => (it.parcelId !== undefined ? [it.parcelId] : [])))];
  const facts = await store.journeys.parcelFacts(parcelIds);
  for (const it of items) {
    if (it.parcelId === undefined) continue;
    const f = facts.get(it.parcelId);
    const foreign =
      options.actor.role === 'seller' && f !== undefined && f.seller_id !== options.actor.sellerId;
    if (f === undefined || foreign) {
      at(
        it.row,
        it.checked.subject.trackingNumber !== undefined ? 'trackingNumber' : 'parcelId',
        `no parcel ${it.checked.subject.trackingNumber ?? it.parcelId}`,
      );
      it.parcelId = undefined;
    }
  }
  const departureChecks = new Map<string, ReturnType<typeof scheduledDeparture>>();
  for (const it of items) {
    const d = it.checked.departureId;
    if (d === undefined) continue;
    let check = departureChecks.get(d);
    if (!check) {
      check = scheduledDeparture(network, d);
      departureChecks.set(d, check);
    }
    if (!check.ok) at(it.row, 'departureId', check.why);
  }

  // 3. Identity: a repeat of a stored version does nothing; a later version replaces; a retraction withdraws.
  const stored = await store.journeys.eventsById(
    hubId,
    items.map((it) => it.checked.eventId),
  );
  const latestInBatch = new Map<string, Item>();
  for (const it of items) {
    const e = it.checked;
    const subjectId = it.parcelId ?? e.subject.id ?? '';
    it.eventRow = toEventRow(hubId, e, subjectId, nowMs, it.row);
    const earlier = latestInBatch.get(e.eventId);
    if (earlier !== undefined) {
      if (e.updatedAtMs > earlier.checked.updatedAtMs) earlier.kind = 'duplicate';
      else {
        it.kind = 'duplicate';
        continue;
      }
    }
    latestInBatch.set(e.eventId, it);
    const old = stored.get(e.eventId);
    if (old === undefined) {
      if (e.retracted) at(it.row, 'eventId', `no event ${e.eventId} to retract`);
      continue;
    }
    // A retraction that names no version withdraws whatever version is stored, once.
    const newer = e.retracted && !e.versioned ? old.retracted === 0 : e.updatedAtMs > old.updated_at_ms;
    if (!newer) {
      it.kind = 'duplicate';
      continue;
    }
    if (e.retracted) {
      it.kind = 'retract';
      it.eventRow = {
        ...old,
        retracted: 1,
        updated_at_ms: Math.max(e.versioned ? e.updatedAtMs : nowMs, old.updated_at_ms + 1),
        actor: actorName,
      };
      if (old.subject_kind === 'parcel') it.parcelId = old.subject_id;
      continue;
    }
    if (old.subject_kind !== it.eventRow.subject_kind || old.subject_id !== it.eventRow.subject_id) {
      at(
        it.row,
        'eventId',
        `event ${e.eventId} is about ${old.subject_kind} ${old.subject_id}: a later version cannot change what it is about`,
      );
      continue;
    }
    it.kind = 'replace';
  }
  const badRows = new Set(problems.map((p) => p.where.row));
  const live = items.filter((it) => it.kind !== 'duplicate' && !badRows.has(it.row));
  const actual = (it: Item) => it.eventRow.classifier === 'ACT';

  // 4. What the batch touches: journeys, containers, the parcels inside them.
  const journeys = new Map<string, JourneyRow>();
  const loaded = await store.journeys.getMany(hubId, parcelIds);
  const fresh = new Set<string>();
  const journeyOf = (id: string): JourneyRow => {
    let j = journeys.get(id);
    if (j) return j;
    const row = loaded.get(id);
    if (row) j = { ...row };
    else {
      const f = facts.get(id)!;
      const s = stateOfStatus(f.status);
      j = {
        ...EMPTY_JOURNEY,
        parcel_id: id,
        hub_id: hubId,
        seller_id: f.seller_id,
        tracking_number: '',
        stage: s.stage,
        hold: s.hold,
        destination_country: f.consignee_country,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
      };
      fresh.add(id);
    }
    journeys.set(id, j);
    return j;
  };
  const containerIds = new Set<string>();
  for (const it of live) {
    if (it.eventRow.subject_kind === 'container') containerIds.add(it.eventRow.subject_id);
    if (it.eventRow.container_id !== null) containerIds.add(it.eventRow.container_id);
  }
  const storedContainers = await store.journeys.containers(hubId, [...containerIds]);
  const containers = new Map<string, ContainerRow>();
  const containerOf = (id: string): ContainerRow => {
    let c = containers.get(id);
    if (!c) {
      const row = storedContainers.get(id);
      c = row
        ? { ...row }
        : {
            hub_id: hubId,
            container_id: id,
            departure_id: null,
            plan_id: null,
            container_type: null,
            stage: 'open',
            hold: null,
            last_event_ms: null,
            last_code: null,
            last_node: null,
            created_at_ms: nowMs,
            updated_at_ms: nowMs,
          };
      containers.set(id, c);
    }
    return c;
  };
  const changedContainers = new Set<string>();

  // 5. Which subjects need their history replayed: out of order, replaced or retracted.
  const replayParcels = new Set<string>();
  const replayContainers = new Set<string>();
  for (const it of live) {
    const r = it.eventRow;
    if (r.subject_kind === 'parcel') {
      const j = journeyOf(r.subject_id);
      if (it.kind !== 'new' || (actual(it) && j.last_event_ms !== null && r.event_time_ms < j.last_event_ms))
        replayParcels.add(r.subject_id);
    } else if (r.subject_kind === 'container') {
      const c = containerOf(r.subject_id);
      if (it.kind !== 'new' || (actual(it) && c.last_event_ms !== null && r.event_time_ms < c.last_event_ms))
        replayContainers.add(r.subject_id);
    }
  }
  if (replayContainers.size > 0) {
    for (const p of await store.journeys.parcelsOfContainers(hubId, [...replayContainers]))
      replayParcels.add(p);
    for (const it of live)
      if (it.eventRow.code === 'CONSOLIDATED' && replayContainers.has(it.eventRow.container_id ?? ''))
        replayParcels.add(it.eventRow.subject_id);
  }

  // Replayed parcels the batch does not name (they were in a replayed container) need their rows too.
  const unloaded = [...replayParcels].filter((id) => !journeys.has(id) && !loaded.has(id));
  if (unloaded.length > 0) {
    for (const [id, row] of await store.journeys.getMany(hubId, unloaded)) loaded.set(id, row);
    for (const [id, f] of await store.journeys.parcelFacts(unloaded.filter((id) => !facts.has(id))))
      facts.set(id, f);
  }

  // Members of containers the fast path moves.
  const members = new Map<string, Set<string>>();
  const fastContainerIds = [...containerIds].filter((c) => !replayContainers.has(c));
  for (const m of await store.journeys.members(hubId, fastContainerIds)) {
    if (!journeys.has(m.parcel_id)) journeys.set(m.parcel_id, { ...m });
    let set = members.get(m.container_id!);
    if (!set) {
      set = new Set();
      members.set(m.container_id!, set);
    }
    set.add(m.parcel_id);
  }
  const memberFacts = await store.journeys.parcelFacts([...journeys.keys()].filter((id) => !facts.has(id)));
  for (const [id, f] of memberFacts) facts.set(id, f);

  const changedParcels = new Set<string>();
  const milestones: { parcelId: string; event: EventRow }[] = [];
  const exceptions: { row: number; eventId: string; why: string }[] = [];
  const stateOf = (j: JourneyRow): JourneyState => ({
    stage: j.stage as ParcelStage,
    hold: j.hold as Hold | null,
    containerId: j.container_id,
  });
  const setState = (j: JourneyRow, s: JourneyState) => {
    j.stage = s.stage;
    j.hold = s.hold;
    j.container_id = s.containerId;
  };
  const join = (containerId: string | null, parcelId: string, leaving: string | null) => {
    if (leaving !== null) members.get(leaving)?.delete(parcelId);
    if (containerId === null) return;
    let set = members.get(containerId);
    if (!set) {
      set = new Set();
      members.set(containerId, set);
    }
    set.add(parcelId);
  };

  // 6. The fast path: new actual events in time order, on subjects whose history stands.
  const fast = live
    .filter((it) => it.kind === 'new' && actual(it))
    .filter((it) =>
      it.eventRow.subject_kind === 'parcel'
        ? !replayParcels.has(it.eventRow.subject_id)
        : it.eventRow.subject_kind === 'container'
          ? !replayContainers.has(it.eventRow.subject_id)
          : false,
    )
    .sort((a, b) => a.eventRow.event_time_ms - b.eventRow.event_time_ms || a.row - b.row);
  for (const it of fast) {
    const e = it.eventRow;
    if (e.subject_kind === 'parcel') {
      const j = journeyOf(e.subject_id);
      const before = j.container_id;
      const t = applyParcelEvent(
        stateOf(j),
        { code: e.code as EventCode, containerId: e.container_id },
        (id) => {
          const c = containerOf(id);
          return c.stage === 'open' && c.hold === null;
        },
      );
      if (!t.ok) {
        at(it.row, 'code', `${t.why} (parcel ${j.tracking_number || e.subject_id})`);
        continue;
      }
      setState(j, t.state);
      if (t.state.containerId !== before) join(t.state.containerId, j.parcel_id, before);
      if (t.state.containerId !== null) {
        const c = containerOf(t.state.containerId);
        changedContainers.add(c.container_id);
        c.updated_at_ms = nowMs;
      }
      if (t.exception !== undefined) {
        e.exception = t.exception;
        exceptions.push({ row: it.row, eventId: e.event_id, why: t.exception });
      }
      applyEventFacts(j, e, facts.get(j.parcel_id), t.exception);
      changedParcels.add(j.parcel_id);
      milestones.push({ parcelId: j.parcel_id, event: e });
    } else {
      const c = containerOf(e.subject_id);
      const t = applyContainerEvent({ stage: c.stage as ContainerStage, hold: c.hold }, e.code as EventCode);
      if (!t.ok) {
        at(it.row, 'code', `${t.why} (container ${c.container_id})`);
        continue;
      }
      c.stage = t.state.stage;
      c.hold = t.state.hold;
      noteContainerEvent(c, e, nowMs);
      changedContainers.add(c.container_id);
      for (const pid of [...(members.get(c.container_id) ?? [])]) {
        if (replayParcels.has(pid)) continue;
        const j = journeyOf(pid);
        const next = followContainerEvent(stateOf(j), e.code as EventCode);
        if (next.containerId !== j.container_id) join(next.containerId, pid, j.container_id);
        setState(j, next);
        applyEventFacts(j, e, facts.get(pid));
        changedParcels.add(pid);
        milestones.push({ parcelId: pid, event: e });
      }
    }
  }

  // 7. The replay path: re-derive each parcel (and container) from its whole history with the batch in.
  if (replayParcels.size > 0 || replayContainers.size > 0) {
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

  // Departures: estimates and plans of a departure, and when its containers actually left.
  const departures = new Map<string, DepartureRow>();
  const delayedDepartures: { departureId: string; estimatedMs: number; eventId: string }[] = [];
  const stored2 = await store.journeys.departures(hubId, [...departureChecks.keys()]);
  const departureOf = (id: string): DepartureRow | undefined => {
    let d = departures.get(id);
    if (d) return d;
    const check = departureChecks.get(id);
    if (!check?.ok) return undefined;
    d = stored2.get(id) ?? {
      hub_id: hubId,
      departure_id: id,
      service_id: check.value.service.id,
      scheduled_ms: check.value.scheduledMs,
      estimated_ms: null,
      actual_ms: null,
      cancelled: 0,
      delay_node: null,
      delay_minutes: null,
      reason: null,
      updated_at_ms: nowMs,
    };
    d = { ...d, updated_at_ms: nowMs };
    departures.set(id, d);
    return d;
  };
  for (const it of live) {
    const e = it.eventRow;
    if (e.departure_id === null || it.kind === 'retract') continue;
    const d = departureOf(e.departure_id);
    if (!d) continue;
    if (e.subject_kind === 'departure' && e.code === 'DEPARTED') {
      if (e.classifier === 'EST') {
        d.estimated_ms = e.event_time_ms;
        d.reason = e.reason_text ?? e.reason_code ?? d.reason;
        if (e.event_time_ms > d.scheduled_ms)
          delayedDepartures.push({
            departureId: d.departure_id,
            estimatedMs: e.event_time_ms,
            eventId: e.event_id,
          });
      } else d.scheduled_ms = e.event_time_ms;
    }
    if (e.subject_kind === 'container') {
      const c = containerOf(e.subject_id);
      c.departure_id ??= e.departure_id;
      if (
        e.classifier === 'ACT' &&
        e.code === 'DEPARTED' &&
        (d.actual_ms === null || e.event_time_ms < d.actual_ms)
      )
        d.actual_ms = e.event_time_ms;
    }
  }

  if (problems.length > 0) throw refused(problems);

  const changed = [...changedParcels].map((id) => {
    const j = journeys.get(id)!;
    j.updated_at_ms = nowMs;
    return j;
  });
  let deliveries: NewDelivery[] = [];
  await store.transaction(async (tx) => {
    if (fresh.size > 0) {
      await tx.journeys.ensure(hubId, [...fresh]);
      const made = await tx.journeys.getMany(hubId, [...fresh]);
      for (const id of fresh) journeys.get(id)!.tracking_number = made.get(id)!.tracking_number;
    }
    deliveries = await parcelEventDeliveries(tx, hubId, milestones, journeys, facts, nowMs);
    await tx.journeys.write({
      events: live.map((it) => it.eventRow),
      journeys: changed,
      containers: [...changedContainers].map((id) => containers.get(id)!),
      departures: [...departures.values()],
      deliveries,
    });
  });

  return {
    recorded: live.filter((it) => it.kind === 'new').length,
    replaced: live.filter((it) => it.kind === 'replace').length,
    retracted: live.filter((it) => it.kind === 'retract').length,
    duplicates: items.length - live.length,
    exceptions,
    parcelsChanged: [...changedParcels],
    webhooksQueued: deliveries.length,
    delayedDepartures,
  };
}

function refused(problems: Problem[]): LandbridgeError {
  problems.sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0));
  const rows = new Set(problems.map((p) => p.where.row)).size;
  return new LandbridgeError(
    'invalid-input',
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} event${rows === 1 ? '' : 's'}; nothing was recorded`,
    problems,
  );
}

function noteContainerEvent(c: ContainerRow, e: EventRow, nowMs: number): void {
  c.last_event_ms = c.last_event_ms === null ? e.event_time_ms : Math.max(c.last_event_ms, e.event_time_ms);
  c.last_code = e.code;
  if (e.place_node !== null) c.last_node = e.place_node;
  if (e.departure_id !== null) c.departure_id = e.departure_id;
  c.updated_at_ms = nowMs;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) {
      list = [];
      out.set(k, list);
    }
    list.push(r);
  }
  return out;
}

/** The stored row of a checked event. */
export function toEventRow(
  hubId: string,
  e: CheckedEvent['event'],
  subjectId: string,
  nowMs: number,
  index: number,
): EventRow {
  const details = {
    ...(e.measured !== undefined ? { measured: e.measured } : {}),
    ...(e.carrier !== undefined ? { carrier: e.carrier } : {}),
    ...(e.lastMileNumber !== undefined ? { lastMileNumber: e.lastMileNumber } : {}),
    ...(e.sourceSystem !== undefined ? { sourceSystem: e.sourceSystem } : {}),
    ...(e.sourceEventId !== undefined ? { sourceEventId: e.sourceEventId } : {}),
  };
  return {
    hub_id: hubId,
    event_id: e.eventId,
    subject_kind: e.subject.kind,
    subject_id: subjectId,
    code: e.code,
    classifier: e.classifier,
    event_time_ms: e.eventTimeMs,
    offset_minutes: e.offsetMinutes,
    place_node: e.place.nodeId ?? null,
    place_locode: e.place.locode ?? null,
    place_city: e.place.city ?? null,
    place_country: e.place.country ?? null,
    actor: e.actor,
    container_id: e.containerId ?? null,
    departure_id: e.departureId ?? (e.subject.kind === 'departure' ? (e.subject.id ?? null) : null),
    reason_code: e.reason?.code ?? null,
    reason_text: e.reason?.text ?? null,
    details: Object.keys(details).length > 0 ? JSON.stringify(details) : null,
    exception: null,
    updated_at_ms: e.updatedAtMs,
    record_time_ms: nowMs,
    record_index: index,
    retracted: e.retracted ? 1 : 0,
    simulated: e.simulated ? 1 : 0,
  };
}

export type { ParcelFacts };
