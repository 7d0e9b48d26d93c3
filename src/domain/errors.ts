import type { z } from 'zod';

/** Where a problem is: the file, the row (1-based, counting the header as row 1 in CSV), the field path. */
export interface Where {
  readonly file?: string;
  readonly row?: number;
  readonly field?: string;
}

/** One thing wrong with some input, that a person can act on. */
export interface Problem {
  readonly where: Where;
  readonly why: string;
}

export const ERROR_CODES = [
  'invalid-input',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'too-large',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status of each code: a code without a status fails to compile. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  'invalid-input': 422,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unavailable: 503,
  internal: 500,
};

/** Exit code of the CLI for each error code: 2 for bad input, 1 otherwise. */
export const EXIT_CODE: Record<ErrorCode, number> = {
  'invalid-input': 2,
  unauthorized: 1,
  forbidden: 1,
  'not-found': 1,
  conflict: 1,
  'too-large': 2,
  unavailable: 1,
  internal: 1,
};

/** The one error type of Landbridge's edges (API, CLI, store): a closed code, a message, the problems. */
export class LandbridgeError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];
  /** For `unavailable`: when to try again, in seconds (the API's `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    problems: readonly Problem[] = [],
    options: { readonly retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'LandbridgeError';
    this.code = code;
    this.problems = problems;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Turns Zod issues into problems, with `base` (file, row) and the field path joined by dots. */
export function problemsFromZod(error: z.ZodError, base: Where = {}, fieldPrefix = ''): Problem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [fieldPrefix, path].filter(Boolean).join('.');
    return { where: { ...base, ...(field ? { field } : {}) }, why: issue.message };
  });
}

/** One line per problem: `file:row field: why`. */
export function formatProblem(p: Problem): string {
  const place = [p.where.file, p.where.row !== undefined ? `row ${p.where.row}` : undefined]
    .filter(Boolean)
    .join(' ');
  const field = p.where.field ? `${p.where.field}: ` : '';
  return `${place ? `${place}: ` : ''}${field}${p.why}`;
}

/**
 * A database's refusal of a value (PostgreSQL's class 22 "data exception": a NUL byte, a number beyond
 * bigint, text the encoding cannot hold) as the one error type, or undefined for any other error. What
 * enters through the API or an importer is checked before it reaches the store; this is the net under it.
 */
export function storeRefusal(error: unknown): LandbridgeError | undefined {
  const e = error as { code?: unknown; severity?: unknown } | null;
  if (e === null || typeof e !== 'object' || typeof e.code !== 'string' || !/^22[0-9A-Z]{3}$/.test(e.code))
    return undefined;
  if (e.severity === undefined) return undefined;
  return new LandbridgeError(
    'invalid-input',
    'a value cannot be stored: text with a NUL character or an invalid character, or a number out of range; nothing was written',
    [{ where: {}, why: `the database refused a value (SQLSTATE ${e.code})` }],
  );
}
