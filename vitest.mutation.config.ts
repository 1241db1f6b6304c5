import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutation` runs against each mutant of `machines/`: only the ones
 * that exercise the machines (directly, or through the breaker and limiter runtimes),
 * so a mutation run stays fast. Not part of `npm test`.
 */
export default defineConfig({
  test: {
    // STATEWIRE_MUTATION_TESTS (comma-separated globs) narrows the set for a run over
    // one machine, e.g. `STATEWIRE_MUTATION_TESTS='test/machines/circuitBreaker.*'`.
    include: process.env.STATEWIRE_MUTATION_TESTS?.split(',') ?? [
      'test/machines/**/*.test.ts',
      'test/properties/**/*.test.ts',
      'test/breaker/**/*.test.ts',
      'test/rateLimiter/**/*.test.ts',
    ],
    // Child-process tests run the unmutated code and take seconds each.
    // tokenBucket.property tests src/rateLimiter/TokenBucket.ts, not a machine.
    exclude: ['**/*.process.test.ts', 'test/properties/tokenBucket.property.test.ts', '**/node_modules/**'],
    // The property tests make fewer runs per mutant (test/properties/*).
    env: { STATEWIRE_MUTATION: '1' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
