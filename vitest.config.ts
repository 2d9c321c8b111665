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
    // Three test files at a time. Vitest's default on a 2-core machine is one (cores − 1), which runs the suite serially;
    // most of a file's time is spent waiting (simulated latencies, deadlines, child processes). The Dockerfile test's
    // `npm ci` and compile take one worker for ~5 minutes: with two workers every other file queued behind the second
    // (9 minutes in all), with three they share two. Files are isolated from each other (own ports, temp dirs,
    // PostgreSQL schemas, Redis key prefixes).
    maxWorkers: 3,
  },
});
