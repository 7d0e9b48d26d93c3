import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from '../../web/tools/api-types.ts';

/** The console's API client is typed from the server's own OpenAPI document, never by hand. */
describe('console API types', () => {
  it('match the OpenAPI document the server builds (run `npm run api:types` when this fails)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const current = await apiTypesSource();
    expect(committed === current, 'web/src/api/schema.ts is stale: run `npm run api:types`').toBe(true);
  });

  it('describe the answers the console reads, not only the requests', async () => {
    const source = readFileSync(API_TYPES_FILE, 'utf8');
    for (const path of [
      '/v1/plans/{id}',
      '/v1/plans/{id}/containers/{containerId}',
      '/v1/stats/parcels',
      '/v1/parcels',
      '/v1/departures',
    ])
      expect(source, path).toContain(`"${path}"`);
    // The plan's answer is typed: planned, held and containers are fields the board can rely on.
    expect(source).toMatch(/heldByReason: \{/);
  });
});
