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
  },
});
