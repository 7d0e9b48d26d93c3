import { sql } from 'kysely';
import { z } from 'zod';
import { IdSchema, InstantSchema, LandbridgeError, type Network } from '../domain/index.ts';
import { chunksOf } from '../store/context.ts';
import type { Store } from '../store/index.ts';
import { DELIVERY_COLUMNS } from '../store/journeys.repository.ts';
import { type DurationDefaults, scheduledDeparture } from '../tracking/index.ts';
import { adoptPlan } from './adopt.ts';
import { cachedDurationModel, type EtaRunResult, recomputeEta } from './eta.ts';
import { hubIso } from './hub-actions.ts';
import { recordEvents } from './intake.ts';

/**
 * A disruption as the operator reports it: a dated departure delayed (by minutes, or to an estimated
 * time) or cancelled; or a node closed or slowed over a window (every run reaching it then waits).
 */
export const DisruptionReportSchema = z
  .object({
    departureId: z.string().min(1).max(120).optional(),
    nodeId: IdSchema.optional(),
    effect: z.enum(['delayed', 'closed']),
    delayMinutes: z
      .number()
      .int()
      .min(1)
      .max(90 * 1440)
      .optional(),
    estimatedDeparture: InstantSchema.optional().describe(
      'A delayed departure: when it is now expected to leave',
    ),
    from: InstantSchema.optional().describe('A node: when the closure or slowdown begins'),
    to: InstantSchema.optional().describe('A node: when it ends'),
    reason: z.string().trim().min(1).max(500),
    replan: z.boolean().default(true).describe("Queue the planner's re-plan with this disruption"),
  })
  .refine((d) => (d.departureId === undefined) !== (d.nodeId === undefined), {
    message: 'name exactly one of departureId and nodeId',
    path: ['departureId'],
  })
  .refine(
    (d) =>
      d.effect === 'closed' ||
      d.departureId === undefined ||
      d.delayMinutes !== undefined ||
      d.estimatedDeparture !== undefined,
    { message: 'a delayed departure needs delayMinutes or estimatedDeparture', path: ['delayMinutes'] },
  )
  .refine((d) => d.nodeId === undefined || (d.from !== undefined && d.to !== undefined), {
    message: 'a node disruption needs from and to',
    path: ['from'],
  })
  .refine((d) => d.nodeId === undefined || d.effect === 'closed' || d.delayMinutes !== undefined, {
    message: 'a slowed node needs delayMinutes',
    path: ['delayMinutes'],
  });
export type DisruptionReport = z.input<typeof DisruptionReportSchema>;

/** What the disruption loop did, in one step. */
export interface DisruptionOutcome {
  readonly departures: readonly string[];
  readonly routes: number;
  readonly parcelsAffected: number;
  readonly eta: EtaRunResult;
  /** `parcel.event` messages queued: one per subscribed affected parcel. */
  readonly webhooksQueued: number;
  /** The plan job of the re-plan, adopted once done; null when none was asked or no plan is adopted. */
  readonly replanId: string | null;
  readonly eventIds: readonly string[];
  readonly ms: number;
}

const ENDED = ['delivered', 'returned', 'cancelled'];

/**
 * The disruption loop in one step: records the disruption as estimated events (a delayed departure's
 * EST DEPARTED; a node's EST ARRIVED of every run it holds up), marks cancelled runs, recomputes the
 * ETA of every parcel whose route rides an affected departure (set-wise: parcels share windows by
 * route and position), queues one `parcel.event` webhook per affected parcel of a subscribed seller
 * (and `parcel.eta_changed` where the P50 moved more than 12 h), and queues the planner's re-plan of
 * the adopted plan with the disruption in force (adopted by the journey job once done).
 */
export async function applyDisruption(
  store: Store,
  input: unknown,
  ctx: {
    readonly hubId: string;
    readonly network: Network;
    readonly defaults: DurationDefaults;
    readonly nowMs: number;
    readonly actor?: string;
  },
): Promise<DisruptionOutcome> {
  const started = performance.now();
  const parsed = DisruptionReportSchema.safeParse(input);
  if (!parsed.success)
    throw new LandbridgeError(
      'invalid-input',
      'not a valid disruption',
      parsed.error.issues.map((i) => ({ where: { field: i.path.join('.') }, why: i.message })),
    );
  const d = parsed.data;
  const { hubId, network, nowMs } = ctx;
  const stamp = `${nowMs.toString(36)}`;
  const events: object[] = [];
  const cancelled: string[] = [];
  let departureIds: string[] = [];
  let plannerDisruption: Record<string, unknown>;

  if (d.departureId !== undefined) {
    const dep = scheduledDeparture(network, d.departureId);
    if (!dep.ok)
      throw new LandbridgeError('invalid-input', `no departure ${d.departureId}`, [
        { where: { field: 'departureId' }, why: dep.why },
      ]);
    const scheduled = dep.value.scheduledMs;
    departureIds = [d.departureId];
    if (d.effect === 'closed') {
      cancelled.push(d.departureId);
      await store.journeys.putDepartures(
        [
          {
            hub_id: hubId,
            departure_id: d.departureId,
            service_id: dep.value.service.id,
            scheduled_ms: scheduled,
            estimated_ms: null,
            actual_ms: null,
            cancelled: 0,
            delay_node: null,
            delay_minutes: null,
            reason: null,
            updated_at_ms: nowMs,
          },
        ],
        'ignore',
      );
    } else {
      const estimated =
        d.estimatedDeparture !== undefined
          ? Date.parse(d.estimatedDeparture)
          : scheduled + d.delayMinutes! * 60_000;
      if (!(estimated > scheduled))
        throw new LandbridgeError('invalid-input', 'a delay moves the departure later', [
          { where: { field: 'estimatedDeparture' }, why: 'must be after the timetabled departure' },
        ]);
      events.push({
        eventId: `disruption:${stamp}:${d.departureId}`,
        code: 'DEPARTED',
        classifier: 'EST',
        departureId: d.departureId,
        eventTime: hubIso(network, estimated),
        place: dep.value.service.legs[0]!.from,
        reason: { code: 'delay', text: d.reason },
      });
    }
    plannerDisruption = {
      serviceId: dep.value.service.id,
      from: new Date(scheduled - 60_000).toISOString(),
      to: new Date(scheduled + 60_000).toISOString(),
      effect: d.effect,
      ...(d.effect === 'delayed'
        ? {
            delayMinutes:
              d.delayMinutes ?? Math.round((Date.parse(d.estimatedDeparture!) - scheduled) / 60_000),
          }
        : {}),
      reason: d.reason,
    };
  } else {
    const nodeId = d.nodeId!;
    if (!network.nodes.some((n) => n.id === nodeId))
      throw new LandbridgeError('invalid-input', `no node ${nodeId}`, [
        { where: { field: 'nodeId' }, why: `no node ${nodeId} in network ${network.id}` },
      ]);
    const from = Date.parse(d.from!);
    const to = Date.parse(d.to!);
    // Runs still on their way (or to come) that reach the node inside the window.
    const runs = await store.db
      .selectFrom('tracking_departures')
      .selectAll()
      .where('hub_id', '=', hubId)
      .where('scheduled_ms', '>=', from - 60 * 86_400_000)
      .where('scheduled_ms', '<=', to)
      .where('cancelled', '=', 0)
      .execute();
    const delays: { departureId: string; minutes: number }[] = [];
    for (const run of runs) {
      const service = network.services.find((s) => s.id === run.service_id);
      if (!service) continue;
      let t = run.actual_ms ?? run.estimated_ms ?? run.scheduled_ms;
      for (const leg of service.legs) {
        t += leg.transitMinutes * 60_000;
        if (leg.to === nodeId) {
          if (t >= from && t < to) {
            const minutes = d.effect === 'closed' ? Math.ceil((to - t) / 60_000) : d.delayMinutes!;
            delays.push({ departureId: run.departure_id, minutes });
            events.push({
              eventId: `disruption:${stamp}:${run.departure_id}`,
              code: 'ARRIVED',
              classifier: 'EST',
              departureId: run.departure_id,
              eventTime: hubIso(network, t + minutes * 60_000),
              place: nodeId,
              reason: { code: d.effect === 'closed' ? 'closure' : 'delay', text: d.reason },
            });
          }
          break;
        }
        t += (leg.dwellMinutes ?? 0) * 60_000;
      }
    }
    departureIds = delays.map((x) => x.departureId);
    if (delays.length > 0)
      await store.transaction(async (tx) => {
        for (const x of delays)
          await tx.journeys.setDelay(hubId, x.departureId, nodeId, x.minutes, d.reason, nowMs);
      });
    plannerDisruption = {
      nodeId,
      from: d.from,
      to: d.to,
      effect: d.effect,
      ...(d.delayMinutes !== undefined ? { delayMinutes: d.delayMinutes } : {}),
      reason: d.reason,
    };
  }

  const recorded =
    events.length > 0
      ? await recordEvents(store, events, {
          hubId,
          network,
          actor: { role: 'system', name: ctx.actor ?? 'operator' },
          nowMs,
        })
      : undefined;
  if (cancelled.length > 0)
    await store.transaction(async (tx) => {
      for (const id of cancelled) await tx.journeys.setCancelled(hubId, id, d.reason, nowMs);
    });

  const routes = await store.journeys.routesOf(hubId, departureIds);
  const model = await cachedDurationModel(store, hubId, network, ctx.defaults, nowMs);
  const causeEventId = (events[0] as { eventId?: string } | undefined)?.eventId ?? `disruption:${stamp}`;
  const eta = await recomputeEta(store, {
    hubId,
    network,
    defaults: ctx.defaults,
    nowMs,
    routes,
    model,
    notify: { stamp, causeEventId },
  });
  const { parcels, queued } = await queueDisruptionMessages(store, hubId, routes, {
    stamp,
    eventIdOf: new Map(
      events.map((e) => [(e as { departureId: string }).departureId, (e as { eventId: string }).eventId]),
    ),
    fallbackEventId: causeEventId,
    code: d.departureId !== undefined ? 'DEPARTED' : 'ARRIVED',
    nowMs,
  });

  let replanId: string | null = null;
  if (d.replan && departureIds.length > 0) {
    const adopted = (await store.journeys.plans(hubId, 'adopted'))[0];
    // Only the adopted plan's parameters: its result (every parcel's itinerary) is not needed here.
    const base = adopted
      ? await store.db
          .selectFrom('plans')
          .select(['id', 'params'])
          .where('id', '=', adopted.planId)
          .executeTakeFirst()
      : undefined;
    if (base) {
      const params = { ...(JSON.parse(base.params) as Record<string, unknown>) };
      delete params.disruption;
      const job = await store.plans.create({ ...params, disruption: plannerDisruption, basePlanId: base.id });
      await store.journeys.setPlan(hubId, job.id, 'pending', `disruption: ${d.reason}`, nowMs);
      replanId = job.id;
    }
  }
  return {
    departures: departureIds,
    routes: routes.length,
    parcelsAffected: parcels,
    eta,
    webhooksQueued: queued + eta.webhooksQueued + (recorded?.webhooksQueued ?? 0),
    replanId,
    eventIds: events.map((e) => (e as { eventId: string }).eventId),
    ms: Math.round(performance.now() - started),
  };
}

/**
 * One `parcel.event` delivery per parcel on the routes (not yet delivered, returned or cancelled) to
 * every enabled subscription of its seller that takes the code: one INSERT … SELECT per chunk of
 * routes, bodies built at the first attempt. Returns the parcels affected and the messages queued.
 */
async function queueDisruptionMessages(
  store: Store,
  hubId: string,
  routes: readonly string[],
  o: {
    readonly stamp: string;
    readonly eventIdOf: ReadonlyMap<string, string>;
    readonly fallbackEventId: string;
    readonly code: string;
    readonly nowMs: number;
  },
): Promise<{ parcels: number; queued: number }> {
  let parcels = 0;
  let queued = 0;
  const eventId = [...o.eventIdOf.values()][0] ?? o.fallbackEventId;
  for (const chunk of chunksOf([...routes], 500)) {
    const inRoutes = sql.join(chunk.map((r) => sql`${r}`));
    const count = await sql<{ n: number | string }>`select count(*) as n from parcel_journeys
      where hub_id = ${hubId} and route in (${inRoutes}) and stage not in (${sql.join(ENDED)})`.execute(
      store.db,
    );
    parcels += Number(count.rows[0]?.n ?? 0);
    const r = await sql`insert into webhook_deliveries (${sql.raw(DELIVERY_COLUMNS.join(', '))})
      select j.hub_id, s.id, ${`msg_dis_${o.stamp}_`} || j.parcel_id, j.seller_id, 'parcel.event', j.parcel_id,
        ${eventId}, ${o.code}, 'pending', 0, cast(${o.nowMs} as bigint), null, null, null, null, null, null,
        cast(${o.nowMs} as bigint), cast(${o.nowMs} as bigint), null
      from parcel_journeys j join webhook_subscriptions s on s.seller_id = j.seller_id and s.hub_id = j.hub_id
      where j.hub_id = ${hubId} and j.route in (${inRoutes}) and j.stage not in (${sql.join(ENDED)})
        and s.enabled = 1 and s.event_types like ${'%"parcel.event"%'}
        and (s.codes is null or s.codes like ${`%"${o.code}"%`})
      on conflict (subscription_id, message_id) do nothing`.execute(store.db);
    queued += Number(r.numAffectedRows ?? 0n);
  }
  return { parcels, queued };
}

/**
 * Adopts the re-plans the disruption loop queued once their plan job is done (and recomputes the
 * ETA of their parcels, telling sellers of moves beyond 12 h); marks failed ones.
 */
export async function adoptPendingReplans(
  store: Store,
  ctx: {
    readonly hubId: string;
    readonly network: Network;
    readonly defaults: DurationDefaults;
    readonly nowMs: number;
  },
): Promise<string[]> {
  const adopted: string[] = [];
  for (const p of await store.journeys.plans(ctx.hubId, 'pending')) {
    const job = await store.plans.get(p.planId);
    if (!job || job.status === 'failed') {
      await store.journeys.setPlan(ctx.hubId, p.planId, 'failed', p.cause, ctx.nowMs);
      continue;
    }
    if (job.status !== 'done') continue;
    await adoptPlan(store, { ...ctx, planId: p.planId, cause: p.cause ?? 'replan' });
    await recomputeEta(store, {
      ...ctx,
      notify: { stamp: `replan-${p.planId}`, causeEventId: `replan:${p.planId}` },
    });
    adopted.push(p.planId);
  }
  return adopted;
}
