import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { accessOf } from './access.ts';

/**
 * RFC 9457 problem details as every error of the API answers them (`problem.ts`), one schema shared by
 * every operation (`#/components/schemas/Problem` in the OpenAPI document).
 */
export const ProblemSchema = z
  .looseObject({
    type: z.string().describe('A URI naming the kind of problem, or about:blank'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('What went wrong, for a person; never a server path, a stack or SQL'),
    instance: z.string().optional(),
    code: z.string().describe('invalid-input, unauthorized, forbidden, not-found, conflict, too-large, …'),
    problems: z
      .array(
        z.object({
          where: z.object({
            file: z.string().optional(),
            row: z.number().int().optional().describe('1-based: position in the batch, or CSV line'),
            field: z.string().optional().describe('Field path, e.g. items.0.hsCode'),
          }),
          why: z.string(),
        }),
      )
      .optional()
      .describe('Each problem with the row and field it is about'),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details; `problems` names the row and field of each',
  });

const WHY: Record<number, string> = {
  400: 'The request is not well-formed: a URL that does not decode, a body that is not JSON',
  401: 'No API key, or a key that is unknown or revoked',
  403: 'The key may not do this (a seller key on an operator route, or on another seller’s records)',
  404: 'No such record, or not the caller’s',
  409: 'The record is not in a state that allows this (e.g. a plan still running)',
  413: 'The body or a batch is larger than the route takes',
  422: 'The input is not valid: each problem names its row and field; nothing was written',
  429: 'Too many requests from this key or client; retry after the Retry-After header',
  503: 'A part of the hub is not available (rules or customs not loaded, the store busy); retry later',
};

/** The OpenAPI response of a problem status: `application/problem+json` with the shared Problem schema. */
export function problemResponse(status: number) {
  return {
    description: WHY[status] ?? 'Problem',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  };
}

/**
 * The problem statuses a route can answer: 400 and 422 (bad input), 429 (rate limits) and 503 (store or
 * service unavailable) everywhere under `/v1`; 401 behind a key (all but public tracking); 403 where a seller is refused or kept to
 * its own; 404 where the path names a record; 409 on writes and on a plan's parts; 413 where a body comes.
 */
export function problemStatuses(method: string, url: string): number[] {
  if (!url.startsWith('/v1/')) return [];
  const statuses = new Set([400, 422, 429, 503]);
  const access = accessOf(method, url);
  if (access !== 'public') statuses.add(401);
  if (access !== 'any-key' && access !== 'public') statuses.add(403);
  if (url.includes(':')) statuses.add(404);
  const writes = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
  if (writes || url.startsWith('/v1/plans/:id/')) statuses.add(409);
  if (writes) statuses.add(413);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * An `onRoute` hook: every `/v1` operation documents its problem responses (`problemStatuses`) as
 * `application/problem+json` with the shared Problem schema, replacing any a route declared itself.
 * Register before the routes.
 */
export function documentProblems(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const method = methods.find((m) => m !== 'HEAD') ?? methods[0]!;
  const statuses = problemStatuses(method, route.url);
  if (statuses.length === 0 || !route.schema) return;
  const response = { ...((route.schema.response as Record<string, unknown> | undefined) ?? {}) };
  for (const key of Object.keys(response)) if (/^[45]/.test(key)) delete response[key];
  for (const status of statuses) response[status] = problemResponse(status);
  route.schema = { ...route.schema, response };
}
