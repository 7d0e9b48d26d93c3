import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../store/index.ts';
import type { Hub } from './hub.ts';

/** `GET /health`: liveness plus a store round trip; no key needed. */
export function healthRoutes(store: Store, hub: Hub): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness and store check',
          response: {
            200: z.object({
              status: z.literal('ok'),
              store: z.enum(['sqlite', 'postgres']),
              network: z.object({ id: z.string(), version: z.string() }),
            }),
          },
        },
      },
      async () => {
        await store.sellers.list();
        return {
          status: 'ok' as const,
          store: store.dialect,
          network: { id: hub.network.id, version: hub.network.version },
        };
      },
    );
  };
}
