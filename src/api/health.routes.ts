import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Store } from '../store/index.ts';
import type { Hub } from './hub.ts';

/**
 * `GET /health`: liveness plus a store round trip (`select 1`: it answers while the store does, and
 * costs the loop nothing, where listing every seller took ~5 ms a probe with 600 sellers); no key needed.
 */
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
        await sql`select 1`.execute(store.db);
        return {
          status: 'ok' as const,
          store: store.dialect,
          network: { id: hub.network.id, version: hub.network.version },
        };
      },
    );
  };
}
