// Mutation testing of the pure machines (`npm run mutation`; not part of `npm test`).
// The report lists surviving mutants: each one is a change to a machine no test noticed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['machines/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: process.env.STATEWIRE_MUTATION_REPORT ?? 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  // Most mutants are "static" (the model tests explore the machines while collecting),
  // so each runs every test file: keep the hung ones short.
  timeoutMS: 2000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
