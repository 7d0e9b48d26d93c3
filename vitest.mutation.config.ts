import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of the checkers (`npm run mutate`): the unit tests of
 * the load checker, `plan verify` and the parcel state machine. Each is pure and fast, so a mutant is
 * judged in well under a second.
 */
export default defineConfig({
  test: {
    include: ['src/load/check.test.ts', 'src/plan/verify.test.ts', 'src/tracking/state.test.ts'],
    testTimeout: 60_000,
    pool: 'threads',
  },
});
