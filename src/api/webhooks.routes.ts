import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, LandbridgeError } from '../domain/index.ts';
import { type WebhookUrlPolicy, webhookUrlProblem } from '../journey/index.ts';
import type { Store, WebhookSubscription } from '../store/index.ts';
import { EVENT_CODES, WEBHOOK_EVENT_TYPES, webhookSecretFromBytes } from '../tracking/index.ts';
import { principalOf } from './auth.ts';
import type { Hub } from './hub.ts';
import { problemResponses } from './journey.schemas.ts';

/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

const Instant = z.string().describe('UTC instant, ISO 8601');
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

const SubscriptionView = z.object({
  id: z.string(),
  sellerId: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  codes: z.array(z.enum(EVENT_CODES)).nullable().describe('parcel.event limited to these codes; null: all'),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  lastSuccessAt: Instant.nullable(),
  lastFailureAt: Instant.nullable(),
  previousSecretUntil: Instant.nullable().describe(
    'While set, messages carry a second signature with the old secret',
  ),
  createdAt: Instant,
  updatedAt: Instant,
});

function view(s: WebhookSubscription): z.infer<typeof SubscriptionView> {
  return {
    id: s.id,
    sellerId: s.sellerId,
    url: s.url,
    description: s.description,
    eventTypes: s.eventTypes as z.infer<typeof SubscriptionView>['eventTypes'],
    codes: s.codes as z.infer<typeof SubscriptionView>['codes'],
    enabled: s.enabled,
    disabledReason: s.disabledReason,
    lastSuccessAt: iso(s.lastSuccessMs),
    lastFailureAt: iso(s.lastFailureMs),
    previousSecretUntil: iso(s.previousSecretUntilMs),
    createdAt: iso(s.createdAtMs)!,
    updatedAt: iso(s.updatedAtMs)!,
  };
}

const SubscriptionBody = z.object({
  url: z
    .string()
    .min(1)
    .max(2000)
    .describe('http(s) URL; private and loopback addresses refused unless the operator allows them'),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length),
  codes: z.array(z.enum(EVENT_CODES)).min(1).max(EVENT_CODES.length).nullable().optional(),
  description: z.string().trim().max(500).nullable().optional(),
});

const DeliveryView = z.object({
  messageId: z.string().describe('The webhook-id header: stable across retries and replays'),
  eventType: z.string(),
  parcelId: z.string(),
  eventId: z.string(),
  code: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.number().int(),
  nextAttemptAt: Instant.nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Instant,
  deliveredAt: Instant.nullable(),
  log: z.array(
    z.object({
      attempt: z.number().int(),
      at: Instant,
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int(),
      replay: z.boolean(),
    }),
  ),
});

/**
 * Webhook subscriptions per seller (a seller manages its own; the operator any, naming `sellerId`),
 * secret rotation, the delivery log and manual replay. The secret is shown once, when made or rotated.
 */
export function webhooksRoutes(
  store: Store,
  hub: Hub,
  policy: WebhookUrlPolicy,
  nowMs: () => number,
): FastifyPluginAsyncZod {
  return async (app) => {
    const own = async (request: Parameters<typeof principalOf>[0], id: string) => {
      const p = principalOf(request);
      const sub = await store.webhooks.get(id, p.role === 'seller' ? { sellerId: p.sellerId! } : {});
      if (!sub || sub.hubId !== hub.network.hub)
        throw new LandbridgeError('not-found', `no webhook subscription ${id}`);
      return sub;
    };
    const checkUrl = async (url: string) => {
      const why = await webhookUrlProblem(url, policy);
      if (why)
        throw new LandbridgeError('invalid-input', `the webhook URL ${why}`, [
          { where: { field: 'url' }, why },
        ]);
    };
    const Params = z.object({ id: z.string().min(1).max(100) });

    app.post(
      '/v1/webhooks/subscriptions',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to parcel events (Standard Webhooks); the secret is shown only now',
          security: [{ apiKey: [] }],
          body: SubscriptionBody.extend({
            sellerId: IdSchema.optional().describe('Operator only: the seller it is for'),
          }),
          response: {
            201: SubscriptionView.extend({
              secret: z.string().describe('whsec_…: verify signatures with it'),
            }),
            ...problemResponses(403, 422),
          },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const b = request.body;
        if (p.role === 'seller' && b.sellerId !== undefined && b.sellerId !== p.sellerId)
          throw new LandbridgeError('forbidden', 'a seller key subscribes only for itself');
        const sellerId = p.role === 'seller' ? p.sellerId! : b.sellerId;
        if (sellerId === undefined)
          throw new LandbridgeError('invalid-input', 'the operator names the seller', [
            { where: { field: 'sellerId' }, why: 'required with the operator key' },
          ]);
        await checkUrl(b.url);
        const secret = webhookSecretFromBytes(randomBytes(32));
        const sub = await store.webhooks.create({
          hubId: hub.network.hub,
          sellerId,
          url: b.url,
          eventTypes: b.eventTypes,
          codes: b.codes ?? null,
          secret,
          ...(b.description ? { description: b.description } : {}),
        });
        reply.code(201).header('location', `/v1/webhooks/subscriptions/${sub.id}`);
        return { ...view(sub), secret };
      },
    );

    app.get(
      '/v1/webhooks/subscriptions',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Webhook subscriptions (a seller: its own)',
          security: [{ apiKey: [] }],
          response: { 200: z.object({ items: z.array(SubscriptionView) }), ...problemResponses() },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const list = await store.webhooks.list(
          hub.network.hub,
          p.role === 'seller' ? { sellerId: p.sellerId! } : {},
        );
        return { items: list.map(view) };
      },
    );

    app.get(
      '/v1/webhooks/subscriptions/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'A webhook subscription',
          security: [{ apiKey: [] }],
          params: Params,
          response: { 200: SubscriptionView, ...problemResponses(404) },
        },
      },
      async (request) => view(await own(request, request.params.id)),
    );

    app.patch(
      '/v1/webhooks/subscriptions/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Change a subscription: URL, event types, codes, description; enable it again',
          security: [{ apiKey: [] }],
          params: Params,
          body: SubscriptionBody.partial().extend({ enabled: z.boolean().optional() }),
          response: { 200: SubscriptionView, ...problemResponses(404, 422) },
        },
      },
      async (request) => {
        await own(request, request.params.id);
        const b = request.body;
        if (b.url !== undefined) await checkUrl(b.url);
        const sub = await store.webhooks.update(request.params.id, {
          ...(b.url !== undefined ? { url: b.url } : {}),
          ...(b.eventTypes !== undefined ? { eventTypes: b.eventTypes } : {}),
          ...(b.codes !== undefined ? { codes: b.codes } : {}),
          ...(b.description !== undefined ? { description: b.description } : {}),
          ...(b.enabled !== undefined
            ? { enabled: b.enabled, disabledReason: b.enabled ? null : 'disabled by its owner' }
            : {}),
        });
        return view(sub!);
      },
    );

    app.delete(
      '/v1/webhooks/subscriptions/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Delete a subscription with its queue and log',
          security: [{ apiKey: [] }],
          params: Params,
          response: { 204: z.null().describe('Deleted'), ...problemResponses(404) },
        },
      },
      async (request, reply) => {
        await own(request, request.params.id);
        await store.webhooks.delete(request.params.id);
        reply.code(204);
        return null;
      },
    );

    app.post(
      '/v1/webhooks/subscriptions/:id/rotate-secret',
      {
        schema: {
          tags: ['webhooks'],
          summary:
            'Rotate the secret: the new one is shown once; the old one keeps signing beside it for 24 h',
          security: [{ apiKey: [] }],
          params: Params,
          response: { 200: SubscriptionView.extend({ secret: z.string() }), ...problemResponses(404) },
        },
      },
      async (request) => {
        await own(request, request.params.id);
        const secret = webhookSecretFromBytes(randomBytes(32));
        const sub = await store.webhooks.rotateSecret(
          request.params.id,
          secret,
          nowMs() + ROTATION_OVERLAP_MS,
        );
        return { ...view(sub!), secret };
      },
    );

    app.get(
      '/v1/webhooks/subscriptions/:id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'The delivery log: messages newest first, each with its attempts',
          security: [{ apiKey: [] }],
          params: Params,
          querystring: z.object({
            status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            cursor: z.string().max(300).optional(),
          }),
          response: {
            200: z.object({ items: z.array(DeliveryView), nextCursor: z.string().nullable() }),
            ...problemResponses(404, 422),
          },
        },
      },
      async (request) => {
        const sub = await own(request, request.params.id);
        const q = request.query;
        let cursor: [number, string] | undefined;
        if (q.cursor !== undefined) {
          const m = /^(\d+):(.+)$/.exec(Buffer.from(q.cursor, 'base64url').toString());
          if (!m)
            throw new LandbridgeError('invalid-input', 'bad cursor', [
              { where: { field: 'cursor' }, why: 'not a cursor this list gave' },
            ]);
          cursor = [Number(m[1]), m[2]!];
        }
        const rows = await store.webhooks.deliveries(sub.id, {
          limit: q.limit + 1,
          ...(q.status ? { status: q.status } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const page = rows.slice(0, q.limit);
        const attempts = await store.webhooks.attempts(
          sub.id,
          page.map((d) => d.message_id),
        );
        const last = page.at(-1);
        return {
          items: page.map((d) => ({
            messageId: d.message_id,
            eventType: d.event_type,
            parcelId: d.parcel_id,
            eventId: d.event_id,
            code: d.code,
            status: d.status,
            attempts: d.attempts,
            nextAttemptAt: iso(d.next_attempt_ms),
            lastStatus: d.last_status,
            lastError: d.last_error,
            createdAt: iso(d.created_at_ms)!,
            deliveredAt: iso(d.delivered_at_ms),
            log: attempts
              .filter((a) => a.message_id === d.message_id)
              .map((a) => ({
                attempt: a.attempt,
                at: iso(a.at_ms)!,
                statusCode: a.status_code,
                error: a.error,
                durationMs: a.duration_ms,
                replay: a.replay === 1,
              })),
          })),
          nextCursor:
            rows.length > q.limit && last
              ? Buffer.from(`${last.created_at_ms}:${last.message_id}`).toString('base64url')
              : null,
        };
      },
    );

    app.post(
      '/v1/webhooks/subscriptions/:id/deliveries/:messageId/replay',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Send a message again now (same webhook-id and body)',
          security: [{ apiKey: [] }],
          params: Params.extend({ messageId: z.string().min(1).max(200) }),
          response: { 202: z.object({ queued: z.number().int() }), ...problemResponses(404) },
        },
      },
      async (request, reply) => {
        const sub = await own(request, request.params.id);
        if (!(await store.webhooks.replay(sub.id, request.params.messageId, nowMs())))
          throw new LandbridgeError(
            'not-found',
            `no message ${request.params.messageId} in this subscription`,
          );
        reply.code(202);
        return { queued: 1 };
      },
    );

    app.post(
      '/v1/webhooks/subscriptions/:id/replay',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Send again every message of a time range (e.g. after an outage of the receiver)',
          security: [{ apiKey: [] }],
          params: Params,
          body: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
          response: { 202: z.object({ queued: z.number().int() }), ...problemResponses(404, 422) },
        },
      },
      async (request, reply) => {
        const sub = await own(request, request.params.id);
        const from = Date.parse(request.body.from);
        const to = Date.parse(request.body.to);
        if (!(to > from))
          throw new LandbridgeError('invalid-input', 'an empty range', [
            { where: { field: 'to' }, why: 'must be after from' },
          ]);
        reply.code(202);
        return { queued: await store.webhooks.replayRange(sub.id, from, to, nowMs()) };
      },
    );
  };
}
