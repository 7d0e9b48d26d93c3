import { LandbridgeError } from '../domain/errors.ts';
import { SQLITE_BUSY_TIMEOUT_MS } from './connect.ts';

/** How long to wait before retrying after the database was busy, in seconds. */
export const BUSY_RETRY_AFTER_S = 5;
/** … after the disk was full. */
export const FULL_RETRY_AFTER_S = 60;

/** PostgreSQL SQLSTATEs of a server going away or refusing new work. */
const PG_UNAVAILABLE = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
/** Node's socket errors when PostgreSQL is not there. */
const NET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The clear problem behind a database failure that is the machine's, not the request's, or undefined
 * for any other error: the write lock held by another process past the busy timeout, a full disk (or a
 * database at its size limit), PostgreSQL gone. Each is `unavailable` (503) with a time to retry, and
 * says that nothing was written (the transaction rolled back). Looks through `cause`.
 */
export function storeFailure(error: unknown): LandbridgeError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof LandbridgeError) return undefined;
    const code = codeOf(e);
    const message = (e as Error).message ?? '';
    if (code === undefined) {
      if (
        /Connection terminated|connection (is )?closed|Client has encountered a connection error/i.test(
          message,
        )
      )
        return pgGone(message);
      continue;
    }
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return new LandbridgeError(
        'unavailable',
        `the database is busy: another process has held its write lock for more than ${SQLITE_BUSY_TIMEOUT_MS / 1000} s; nothing was written, try again shortly`,
        [],
        { retryAfterSeconds: BUSY_RETRY_AFTER_S },
      );
    if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE')
      return new LandbridgeError(
        'unavailable',
        code === 'SQLITE_IOERR_WRITE'
          ? 'the database could not write to its disk (is it full?); nothing was written'
          : 'the disk holding the database is full; nothing was written — free space, then try again',
        [],
        { retryAfterSeconds: FULL_RETRY_AFTER_S },
      );
    if (PG_UNAVAILABLE.has(code) || NET_UNAVAILABLE.has(code)) return pgGone(message || code);
  }
  return undefined;
}

function pgGone(why: string): LandbridgeError {
  return new LandbridgeError(
    'unavailable',
    `the database is unavailable (${why.split('\n')[0]!.slice(0, 200)}); nothing was written, try again shortly`,
    [],
    { retryAfterSeconds: BUSY_RETRY_AFTER_S },
  );
}
