import { EXIT_CODE, formatProblem, LandbridgeError, storeRefusal } from '../domain/index.ts';
import { printable } from './printable.ts';

/**
 * Runs a command action and turns a `LandbridgeError` into one line per problem on stderr and its exit
 * code (2 for bad input); anything else is a crash with exit 1.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (raw) {
      // a busy, full or lost database is one clear line, not a stack trace; a value it refused, one too
      // (the store is loaded here only when the command did not load it: hs, load…)
      const e =
        raw instanceof LandbridgeError
          ? raw
          : ((await import('../store/index.ts')).storeFailure(raw) ?? storeRefusal(raw) ?? raw);
      if (e instanceof LandbridgeError) {
        process.stderr.write(`landbridge: ${printable(e.message)}\n`);
        const shown = e.problems.slice(0, 50);
        for (const p of shown) process.stderr.write(`  ${printable(formatProblem(p))}\n`);
        if (e.problems.length > shown.length)
          process.stderr.write(`  … and ${e.problems.length - shown.length} more\n`);
        process.exitCode = EXIT_CODE[e.code];
        return;
      }
      // One line, no stack (set LANDBRIDGE_DEBUG=1 for it): the message may be all a person can act on.
      const message = printable(e instanceof Error ? e.message : String(e)).split('\n')[0];
      process.stderr.write(`landbridge: unexpected error: ${message}\n`);
      if (process.env.LANDBRIDGE_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
      process.exitCode = 1;
    }
  };
}

/** Parses a whole number option, or throws a clear error naming the option. */
export function intOption(value: string, name: string, min = 0): number {
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new LandbridgeError('invalid-input', `${name} must be a whole number ≥ ${min}, got "${value}"`);
  }
  return Number(value);
}
