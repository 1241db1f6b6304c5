import { defineConfig } from 'vitest/config';

/** The integration suites that also run with every client as a parent's child (test/helpers/asChildren.ts). */
const asChildren = ['test/websocket/integration/**/*.test.ts', 'test/http/ApiClient.test.ts', 'test/http/HTTPConnection.test.ts', 'test/sse/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'roots', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'as-children', include: asChildren, exclude: ['**/*.process.test.ts'], setupFiles: ['test/helpers/asChildren.ts'] } },
    ],
  },
});
