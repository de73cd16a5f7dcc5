import { defineConfig } from 'vitest/config';

// The project's own tests. Hidden suites of exercises (exercises/*/checks) are not run here directly:
// `dev verify` runs them against starters, solutions and mistake fixtures (test/verify).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
