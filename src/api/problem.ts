import { homedir, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HTTP_STATUS, LandbridgeError, type Problem, storeRefusal } from '../domain/index.ts';
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
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  431: 'Request header fields too large',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/**
 * Turns a JSON pointer of a request body into a problem location: `/parcels/3/items/0/hsCode` is row 4
 * (the 4th parcel of the batch), field `items.0.hsCode`.
 */
export function whereFromPointer(pointer: string, part: string): Problem['where'] {
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
  return { field: field || part };
}

/** Builds the problem document for an error. */
export function problemFor(error: unknown, instance?: string): ProblemDetails {
  const at = instance ? { instance } : {};
  error = storeRefusal(error) ?? error;
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
    detail: status === 500 ? 'an unexpected error occurred; it has been logged' : frameworkDetail(fe),
    code: status === 500 ? 'internal' : (FRAMEWORK_CODES[fe.code ?? ''] ?? 'bad-request'),
    ...at,
  };
}

/** Landbridge's names for the errors Fastify raises itself. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_BAD_URL: 'bad-url',
};

/** A framework error's message, rephrased where Fastify's own says little. */
function frameworkDetail(fe: Partial<FastifyError>): string {
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON (Content-Type: application/json)';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty but Content-Type is application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is larger than the server takes';
    default:
      return fe.message ?? 'bad request';
  }
}

/** Where the server's files live: never shown to a caller. */
const SERVER_PLACES = [
  fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, ''),
  process.cwd(),
  tmpdir(),
  homedir(),
].filter((p) => p.length > 1);

/**
 * Takes out of a text shown to a caller what belongs to the server: absolute paths under the program's
 * folder, the working folder, the temporary or home folder, or a system folder (`/usr/…`, `file://…`),
 * and stack frames. A file the caller named (a relative name) stays.
 */
export function withoutServerDetails(text: string): string {
  let out = text.replace(/\n\s+at [^\n]*/g, '').replace(/file:\/\/\/?[^\s'"`)]*/g, '<server file>');
  for (const place of SERVER_PLACES) out = out.split(place).join('<server>');
  out = out.replace(
    /(^|[\s'"`(=:])\/(?:usr|home|work|tmp|var|opt|root|etc|srv|proc|app|Users|private)\/[^\s'"`),;]*/g,
    '$1<server file>',
  );
  return out.replace(/<server>\/[^\s'"`),;]*/g, '<server file>');
}

/** A problem document with every text a caller sees cleaned by {@link withoutServerDetails}. */
export function cleanProblem(body: ProblemDetails): ProblemDetails {
  return {
    ...body,
    detail: withoutServerDetails(body.detail),
    ...(body.problems
      ? {
          problems: body.problems.map((p) => ({
            where: p.where.file ? { ...p.where, file: withoutServerDetails(p.where.file) } : p.where,
            why: withoutServerDetails(p.why),
          })),
        }
      : {}),
  };
}

/** The one error handler of the API: every error leaves as `application/problem+json`. */
export function handleError(raw: unknown, request: FastifyRequest, reply: FastifyReply): void {
  // a busy, full or lost database is a clear 503 with a time to retry, never a 500
  const error = storeFailure(raw) ?? raw;
  if (error !== raw) request.log.warn({ err: raw }, (error as Error).message);
  const body = cleanProblem(problemFor(error, request.url));
  if (body.status >= 500 && body.status !== 503) request.log.error({ err: error }, 'request failed');
  if (error instanceof LandbridgeError && error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  reply.code(body.status).type('application/problem+json').send(body);
}
