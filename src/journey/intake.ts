import { LandbridgeError, type Problem, problemsFromZod, type Where } from '../domain/index.ts';
import type {
  ContainerRow,
  DepartureRow,
  EventRow,
  IntakeJourneyRow,
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
  followContainerEvent,
  type Hold,
  type JourneyState,
  type ParcelStage,
  type ParsedEventInput,
  parseEventInput,
  scheduledDeparture,
  stateOfStatus,
} from '../tracking/index.ts';
import { applyEventFacts } from './facts.ts';
import { replayHistories } from './intake-replay.ts';
import {
  DEFAULT_FUTURE_TOLERANCE_MS,
  type EventActor,
  MAX_EVENT_BATCH,
  noteContainerEvent,
  type RecordOptions,
  type RecordResult,
  refused,
  SELLER_CODES,
  toEventRow,
} from './intake-rows.ts';
import { type Milestone, parcelEventDeliveries } from './webhook-queue.ts';

export {
  DEFAULT_FUTURE_TOLERANCE_MS,
  type EventActor,
  MAX_EVENT_BATCH,
  type RecordOptions,
  type RecordResult,
  toEventRow,
};

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
    const parsed = options.parsed
      ? { success: true as const, data: raw as ParsedEventInput }
      : parseEventInput(raw);
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
  const numbers: string[] = [];
  for (const it of items) {
    const n = it.checked.subject.trackingNumber;
    if (n !== undefined) numbers.push(n.toUpperCase());
  }
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
  const parcelIdSet = new Set<string>();
  for (const it of items) if (it.parcelId !== undefined) parcelIdSet.add(it.parcelId);
  const parcelIds = [...parcelIdSet];
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
  const journeys = new Map<string, IntakeJourneyRow>();
  const loaded = await store.journeys.intakeJourneys(hubId, parcelIds);
  /** Rows as read, so that only what changed is written. */
  const before = new Map(loaded);
  const fresh = new Set<string>();
  const journeyOf = (id: string): IntakeJourneyRow => {
    let j = journeys.get(id);
    if (j) return j;
    const row = loaded.get(id);
    if (row) j = { ...row };
    else {
      const f = facts.get(id)!;
      const s = stateOfStatus(f.status);
      const full: JourneyRow = {
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
      j = full;
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
    for (const [id, row] of await store.journeys.intakeJourneys(hubId, unloaded)) {
      loaded.set(id, row);
      before.set(id, row);
    }
    for (const [id, f] of await store.journeys.parcelFacts(unloaded.filter((id) => !facts.has(id))))
      facts.set(id, f);
  }

  // Members of containers the fast path moves.
  const members = new Map<string, Set<string>>();
  const fastContainerIds = [...containerIds].filter((c) => !replayContainers.has(c));
  for (const m of await store.journeys.members(hubId, fastContainerIds)) {
    if (!journeys.has(m.parcel_id)) {
      journeys.set(m.parcel_id, { ...m });
      before.set(m.parcel_id, m);
    }
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
  const milestones: Milestone[] = [];
  const exceptions: { row: number; eventId: string; why: string }[] = [];
  const stateOf = (j: IntakeJourneyRow): JourneyState => ({
    stage: j.stage as ParcelStage,
    hold: j.hold as Hold | null,
    containerId: j.container_id,
  });
  const setState = (j: IntakeJourneyRow, s: JourneyState) => {
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
    );
  const inOrder = (a: Item, b: Item) => a.eventRow.event_time_ms - b.eventRow.event_time_ms || a.row - b.row;
  // A batch mostly comes in time order already: sorted only when it is not.
  if (!fast.every((it, i) => i === 0 || inOrder(fast[i - 1]!, it) <= 0)) fast.sort(inOrder);
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
  if (replayParcels.size > 0 || replayContainers.size > 0)
    await replayHistories({
      store,
      hubId,
      nowMs,
      live,
      replayParcels,
      replayContainers,
      facts,
      journeyOf,
      containerOf,
      stateOf,
      setState,
      at,
      changedParcels,
      changedContainers,
      milestones,
      exceptions,
    });

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
      for (const id of fresh) {
        journeys.get(id)!.tracking_number = made.get(id)!.tracking_number;
        before.set(id, made.get(id)!);
      }
    }
    deliveries = await parcelEventDeliveries(tx, hubId, milestones, journeys, facts, nowMs);
    await tx.journeys.write({
      events: live.map((it) => it.eventRow),
      journeys: changed,
      before,
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

export type { ParcelFacts };
