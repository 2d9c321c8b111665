import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The workspace packages export compiled JavaScript (dist/) to plain Node; tests run their TypeScript sources,
    // as tsc and tsx do through tsconfig.json's `paths`, so no build is needed before `vitest`.
    alias: [
      { find: /^shopify-admin-schema$/, replacement: source('./packages/shopify-admin-schema/src/index.ts') },
      { find: /^shopify-admin-simulator$/, replacement: source('./packages/shopify-admin-simulator/src/index.ts') },
      { find: /^shopify-admin-simulator\/testing$/, replacement: source('./packages/shopify-admin-simulator/test/helpers.ts') },
    ],
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two test files at a time. Vitest's default on a 2-core machine is one (cores − 1), which runs the suite serially:
    // about 12 minutes, most of it spent waiting (the Dockerfile test's `npm ci` and compile, simulated latencies,
    // deadlines). Files are isolated from each other (own ports, temp dirs, PostgreSQL schemas, Redis key prefixes).
    maxWorkers: 2,
  },
});
