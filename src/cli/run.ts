import { EXIT_CODE, formatProblem, LandbridgeError } from '../domain/index.ts';
import { storeFailure } from '../store/index.ts';

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
      // a busy, full or lost database is one clear line, not a stack trace
      const e = storeFailure(raw) ?? raw;
      if (e instanceof LandbridgeError) {
        process.stderr.write(`landbridge: ${e.message}\n`);
        const shown = e.problems.slice(0, 50);
        for (const p of shown) process.stderr.write(`  ${formatProblem(p)}\n`);
        if (e.problems.length > shown.length)
          process.stderr.write(`  … and ${e.problems.length - shown.length} more\n`);
        process.exitCode = EXIT_CODE[e.code];
        return;
      }
      process.stderr.write(`landbridge: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
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
