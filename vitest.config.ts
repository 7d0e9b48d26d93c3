import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on child processes, servers, PostgreSQL or Chromium rather than compute: two at
    // a time even on CI's 2 cores (Vitest's default there is cores − 1 = one file at a time).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
