import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HTTP_STATUS, LandbridgeError, type Problem } from '../domain/index.ts';
import { storeFailure } from '../store/index.ts';

/** RFC 9457 problem details, with Landbridge's list of problems (where and why). */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code: string;
  readonly problems?: readonly Problem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/**
 * Turns a JSON pointer of a request body into a problem location: `/parcels/3/items/0/hsCode` is row 4
 * (the 4th parcel of the batch), field `items.0.hsCode`.
 */
function whereFromPointer(pointer: string, part: string): Problem['where'] {
  const segments = pointer.split('/').filter(Boolean);
  if (
    (segments[0] === 'parcels' || segments[0] === 'events' || segments[0] === 'scans') &&
    segments[1] !== undefined &&
    /^\d+$/.test(segments[1])
  ) {
    const field = segments.slice(2).join('.');
    return { row: Number(segments[1]) + 1, ...(field ? { field } : {}) };
  }
  const field = [part === 'body' ? '' : part, ...segments].filter(Boolean).join('.');
  return field ? { field } : {};
}

/** Builds the problem document for an error. */
export function problemFor(error: unknown, instance?: string): ProblemDetails {
  const at = instance ? { instance } : {};
  if (error instanceof LandbridgeError) {
    const status = HTTP_STATUS[error.code];
    return {
      type: `https://landbridge.dev/problems/${error.code}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail: error.message,
      code: error.code,
      ...at,
      ...(error.problems.length > 0 ? { problems: error.problems } : {}),
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = (error as FastifyError).validationContext ?? 'body';
    const problems = error.validation.map((v) => ({
      where: whereFromPointer(v.instancePath, part),
      why: v.message ?? 'invalid',
    }));
    problems.sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0));
    return {
      type: 'https://landbridge.dev/problems/invalid-input',
      title: TITLES[422]!,
      status: 422,
      detail: `${problems.length} problem${problems.length === 1 ? '' : 's'} in the request ${part}; nothing was written`,
      code: 'invalid-input',
      ...at,
      problems,
    };
  }
  const fe = error as Partial<FastifyError>;
  const status =
    typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail: status === 500 ? 'an unexpected error occurred; it has been logged' : (fe.message ?? 'error'),
    code: status === 500 ? 'internal' : (fe.code ?? 'bad-request').toLowerCase(),
    ...at,
  };
}

/** The one error handler of the API: every error leaves as `application/problem+json`. */
export function handleError(raw: unknown, request: FastifyRequest, reply: FastifyReply): void {
  // a busy, full or lost database is a clear 503 with a time to retry, never a 500
  const error = storeFailure(raw) ?? raw;
  if (error !== raw) request.log.warn({ err: raw }, (error as Error).message);
  const body = problemFor(error, request.url);
  if (body.status >= 500 && body.status !== 503) request.log.error({ err: error }, 'request failed');
  if (error instanceof LandbridgeError && error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  reply.code(body.status).type('application/problem+json').send(body);
}
