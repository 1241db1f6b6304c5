import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutation` runs against each mutant of `machines/`: only the ones
 * that exercise the machines (directly, or through the breaker and limiter runtimes),
 * so a mutation run stays fast. Not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: [
      'test/machines/**/*.test.ts',
      'test/properties/**/*.test.ts',
      'test/breaker/**/*.test.ts',
      'test/rateLimiter/**/*.test.ts',
    ],
    // Child-process tests run the unmutated code and take seconds each.
    exclude: ['**/*.process.test.ts', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
