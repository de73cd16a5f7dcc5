// The project's own tests. Hidden suites of exercises (exercises/*/checks) are not run here directly:
// `dev verify` runs them against starters, solutions and mistake fixtures (test/verify).
// CommonJS, like the package: Vite reads this .ts file as a CommonJS module.
const { defineConfig } = require('vitest/config') as typeof import('vitest/config');

module.exports = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two at a time on two cores: each test starts real services, a type checker and a suite.
    maxWorkers: 2,
    // A check that lost a race with a busy machine gets one more go; a real failure fails twice.
    retry: 1,
  },
});
