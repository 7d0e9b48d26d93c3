import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import { type FxTables, fxFreshness, OFFICIAL_FX_SOURCES } from '../duties/index.ts';
import type { Store } from '../store/index.ts';
import { problemResponses } from './hs.routes.ts';
import type { Hub } from './hub.ts';

/** The response header that carries the stale-rates warning. */
export const FX_WARNING_HEADER = 'landbridge-fx-warning';

function today(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

function newestReference(fx: FxTables): string | undefined {
  return fx.days[fx.days.length - 1]?.date;
}

const FreshnessView = z.object({
  newestDate: z.string().describe('Day of the newest reference-rate table (YYYY-MM-DD)'),
  ageDays: z.number().int().describe('Days between it and today (UTC)'),
  stale: z.boolean().describe('Older than a week: conversions use old rates'),
  warning: z.string().optional(),
});

const FxStatusView = z.object({
  today: z.string(),
  reference: FreshnessView,
  official: z
    .array(
      z.object({
        source: z.enum(OFFICIAL_FX_SOURCES),
        tables: z.number().int(),
        newestDate: z.string().optional(),
        newestValidTo: z.string().optional(),
        inForceToday: z.boolean(),
      }),
    )
    .describe('Customs administrations’ rate tables (EU monthly customs rates, CBP-certified rates)'),
  imports: z
    .array(
      z.object({
        source: z.string(),
        tables: z.number().int(),
        oldestDate: z.string(),
        newestDate: z.string(),
        lastImportedAt: z.string().describe('UTC instant, ISO 8601'),
      }),
    )
    .describe('What `landbridge fx import` / `fx update` stored, per source'),
});

/**
 * `GET /v1/fx`: how fresh the exchange rates are (any authenticated role). The console shows its `warning`;
 * landed-cost and quote answers carry the same warning in the `Landbridge-Fx-Warning` header.
 */
export function fxRoutes(store: Store, hub: Hub, nowMs: () => number): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/fx',
      {
        schema: {
          tags: ['fx'],
          summary:
            'Exchange-rate tables in force: the newest reference day, its age, a warning when older than a week',
          description:
            'Reference rates are the ECB euro reference rates (shipped, plus what `landbridge fx import` / `fx update` stored). ' +
            'A rule set may assess at a customs administration’s own rates (EU monthly customs rates, derived from imported ECB days, or imported CBP-certified rates); where none are in force, the reference rates are used and the answer says so.',
          security: [{ apiKey: [] }],
          response: { 200: FxStatusView, ...problemResponses(503) },
        },
      },
      async () => {
        const fx = hub.landed?.fx;
        const newest = fx ? newestReference(fx) : undefined;
        if (!fx || !newest) throw new LandbridgeError('unavailable', 'exchange-rate tables are not loaded');
        const day = today(nowMs());
        const official = OFFICIAL_FX_SOURCES.map((source) => {
          const days = fx.official?.get(source) ?? [];
          const last = days[days.length - 1];
          const inForce = days.some((d) => d.date <= day && (d.validTo === undefined || day <= d.validTo));
          return {
            source,
            tables: days.length,
            ...(last ? { newestDate: last.date } : {}),
            ...(last?.validTo ? { newestValidTo: last.validTo } : {}),
            inForceToday: inForce,
          };
        });
        const imports = (await store.fx.summary()).map((s) => ({
          source: s.source,
          tables: s.tables,
          oldestDate: s.oldestDate,
          newestDate: s.newestDate,
          lastImportedAt: new Date(s.lastImportedAtMs).toISOString(),
        }));
        return { today: day, reference: fxFreshness(newest, day), official, imports };
      },
    );
  };
}

const WARNED_ROUTES = ['/v1/landed-cost', '/v1/quotes', '/v1/fx'];

/**
 * An `onSend` hook that adds the `Landbridge-Fx-Warning` header to answers that convert money (landed
 * cost, quotes, the FX status) when the newest reference table is older than a week.
 */
export function fxWarningHook(hub: Hub, nowMs: () => number) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const url = request.url.split('?')[0] ?? '';
    if (!WARNED_ROUTES.some((r) => url === r || url.startsWith(`${r}/`))) return payload;
    const fx = hub.landed?.fx;
    const newest = fx ? newestReference(fx) : undefined;
    if (!newest) return payload;
    const f = fxFreshness(newest, today(nowMs()));
    if (f.stale)
      reply.header(FX_WARNING_HEADER, `newest exchange-rate table ${newest} is ${f.ageDays} days old`);
    return payload;
  };
}
