import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import type { CustomsService } from '../eport/service.ts';
import { shippedHsIndex } from '../files/hs-files.ts';
import { readTrackingData, type TrackingData } from '../files/index.ts';
import type { HsIndex } from '../hs/index.ts';
import type { CustomsExchangeJob, JobQueue } from '../jobs/index.ts';
import type { Store } from '../store/index.ts';
import { poolNice, TaskPool } from '../workers/index.ts';
import { enforceAccess } from './access.ts';
import { authenticate, hasValidKey } from './auth.ts';
import { customsRoutes } from './customs.routes.ts';
import { eventsRoutes } from './events.routes.ts';
import { fxRoutes, fxWarningHook } from './fx.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { clientErrorHandler, edgeHooks, frameworkErrors, type RouteEntry } from './hooks.ts';
import { hsRoutes } from './hs.routes.ts';
import { Hub } from './hub.ts';
import { hubActionRoutes } from './hub-actions.routes.ts';
import { hubScope } from './hub-scope.ts';
import { idempotency, scheduleIdempotencySweep } from './idempotency.ts';
import { journeyRoutes, trackRoutes } from './journey.routes.ts';
import { jsonBodies } from './json-body.ts';
import { landedCostRoutes } from './landed-cost.routes.ts';
import { loadPlansRoutes } from './load-plans.routes.ts';
import type { LoopMonitor } from './loop-monitor.ts';
import { networkRoutes } from './network.routes.ts';
import { documentProblems } from './openapi.ts';
import { parcelsRoutes } from './parcels.routes.ts';
import { plansRoutes } from './plans.routes.ts';
import { handleError } from './problem.ts';
import { quotesRoutes } from './quotes.routes.ts';
import {
  type ClientBudget,
  type RateLimits,
  rateLimitHook,
  rateLimitsFromEnv,
  TokenBuckets,
} from './rate-limit.ts';
import { statsRoutes } from './stats.routes.ts';
import { webRoutes } from './web.routes.ts';
import { webhooksRoutes } from './webhooks.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the server registered (method and URL pattern), HEAD and wildcards aside. */
    landbridgeRoutes: readonly RouteEntry[];
  }
}

export interface ServerOptions {
  readonly store: Store;
  readonly network: Network;
  /** Networks of more hubs served by this process (each keyed by the hub it is saved under). */
  readonly hubNetworks?: ReadonlyMap<string, Network>;
  /** Currency conversion at dated reference rates, for quotes and landed cost. */
  readonly fx: CurrencyConverter;
  /** Landed-cost rules (data/duties) and FX tables; without them /v1/landed-cost answers 503. */
  readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables };
  /** Log requests (pino, JSON lines). Default false. */
  readonly logger?: boolean;
  /** The clock, UTC epoch ms; injected so tests can fix it. */
  readonly nowMs?: () => number;
  /** Customs filing and the E-port exchange; without it /v1/customs answers 503. */
  readonly customs?: CustomsService;
  /** The customs of the other hubs in `hubNetworks` (undefined: that hub has none, its routes answer 503). */
  readonly customsOf?: (hubId: string) => Promise<CustomsService | undefined>;
  readonly customsJob?: CustomsExchangeJob;
  /** HS 2022 nomenclature and classifier for /v1/hs; the shipped one (built on first use) by default. */
  readonly hsIndex?: HsIndex;
  /**
   * The job queue plan jobs are sent to (pg-boss on PostgreSQL); without it queued plans wait in the
   * store for the in-process plan runner.
   */
  readonly jobs?: JobQueue;
  /** Tracking labels, place names and default durations; the shipped `data/tracking` by default. */
  readonly tracking?: TrackingData;
  /** Public tracking's budget per client; 60 a minute by default. */
  readonly trackRateLimit?: ClientBudget;
  /** Whether webhook URLs may resolve to private or loopback addresses (tests; a closed network). Default false. */
  readonly webhooksAllowPrivate?: boolean;
  /**
   * Worker threads for CPU-heavy requests (load plans, big batches, statistics); by default the server
   * makes its own (started on first use, closed with the server).
   */
  readonly pool?: TaskPool;
  /**
   * Worker threads for long requests (3D load plans), so that a 10-second load plan never holds a thread
   * quotes need. At the pools' priority (`LANDBRIDGE_POOL_NICE`, 10), below the API's thread and above
   * background jobs (15): a person waits for the answer, and its time limit includes the check and the
   * answer's JSON after the search (at the jobs' priority those starved on a busy machine).
   */
  readonly longPool?: TaskPool;
  /** Rate limits per API key and per client address; by default from the environment (see rate-limit.ts). */
  readonly rateLimits?: RateLimits;
  /** A diagnostic of the event loop (see `startLoopMonitor`): each request is named to it by its route. */
  readonly loopMonitor?: LoopMonitor;
}

/**
 * Builds the HTTP API: `/health`, `/docs` (OpenAPI generated from the same Zod schemas that validate
 * requests), and the `/v1` routes behind API keys. Call `listen` on the result, or `inject` in tests.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store } = options;
  const nowMs = options.nowMs ?? Date.now;
  const hub = new Hub(options.network, options.fx, nowMs, options.landed);
  for (const [hubId, network] of options.hubNetworks ?? []) hub.setNetwork(network, hubId);
  const pool = options.pool ?? new TaskPool({ nice: poolNice() });
  const longPool = options.longPool ?? new TaskPool({ maxQueued: 32, nice: poolNice() });
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024 * 1024,
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  jsonBodies(app);
  if (!options.pool) app.addHook('onClose', () => pool.close());
  if (!options.longPool) app.addHook('onClose', () => longPool.close());
  const monitor = options.loopMonitor;
  if (monitor)
    app.addHook('onRequest', (request, _reply, done) => {
      monitor.enter(`${request.method} ${request.routeOptions.url ?? request.url}`, request.raw.socket);
      done();
    });
  const routes = edgeHooks(app, hasValidKey(store));
  app.addHook('onRoute', documentProblems);
  app.decorate('landbridgeRoutes', routes);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Landbridge API',
        description: 'Cross-border e-commerce export hub: network, departures, parcels, quotes.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A seller or operator API key (lb_…)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  scheduleIdempotencySweep(app, store, nowMs);
  const limits = options.rateLimits ?? rateLimitsFromEnv();
  if (limits.perAddress)
    app.addHook(
      'onRequest',
      rateLimitHook(new TokenBuckets(limits.perAddress), 'address', (r) => r.ip),
    );
  await app.register(healthRoutes(store, hub));
  const tracking = () => options.tracking ?? readTrackingData();
  await app.register(
    trackRoutes(store, tracking, options.trackRateLimit ?? { limit: 60, windowMs: 60_000 }, nowMs),
  );
  await app.register(async (v1) => {
    v1.addHook('onRequest', authenticate(store));
    v1.addHook('onRequest', hubScope());
    if (limits.perKey)
      v1.addHook(
        'onRequest',
        rateLimitHook(new TokenBuckets(limits.perKey), 'key', (r) => r.principal?.id),
      );
    v1.addHook('onRequest', enforceAccess);
    idempotency(v1, store, nowMs);
    v1.addHook('onSend', fxWarningHook(hub, nowMs));
    await v1.register(networkRoutes(hub));
    await v1.register(parcelsRoutes(store, nowMs));
    await v1.register(quotesRoutes(hub, pool, nowMs));
    await v1.register(plansRoutes(store, pool, options.jobs, hub));
    await v1.register(landedCostRoutes(hub));
    await v1.register(statsRoutes(store, hub, nowMs, pool));
    await v1.register(loadPlansRoutes(hub, longPool));
    await v1.register(customsRoutes(options.customs, options.customsJob, options.customsOf));
    await v1.register(eventsRoutes(store, hub, nowMs, tracking));
    await v1.register(journeyRoutes(store, hub, nowMs));
    await v1.register(hubActionRoutes(store, hub, tracking, nowMs));
    await v1.register(
      webhooksRoutes(store, hub, { allowPrivate: options.webhooksAllowPrivate ?? false }, nowMs),
    );
    await v1.register(hsRoutes(() => options.hsIndex ?? shippedHsIndex()));
    await v1.register(fxRoutes(store, hub, nowMs));
  });
  // The console: the built SPA, last so that /v1, /docs and /health keep their own answers.
  await app.register(webRoutes());
  return app;
}
