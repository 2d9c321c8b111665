// ESLint (flat config): typescript-eslint's recommended rules, file-level import cycles (import-x), and the layering
// of issue 11 as boundary rules. Folder-level cycles and the Admin-types rule are also checked, across the whole
// import graph, by scripts/check-imports.ts (npm run lint runs both).
import tseslint from 'typescript-eslint';

/** Imports no file outside src/shopify/ may make: Shopify's shapes stop at its gateways and mappers. */
const ADMIN_TYPES = { group: ['**/shopify/__generated__/*'], message: 'Only src/shopify/ may use the Admin API types: go through a gateway in src/shopify/.' };
const TEST_CODE = { group: ['**/test/**'], message: 'Production and bench code must not import test code.' };

export default tseslint.config(
  { ignores: ['node_modules/**', '**/__generated__/**', 'data/**', 'bench/results/**', 'dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Tests and the simulator read loosely typed JSON answers on purpose; production code is checked by tsc's strict mode.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a union of string literals (the codebase has no enums).' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/shopify/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ADMIN_TYPES, TEST_CODE] }] },
  },
  {
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [TEST_CODE] }] },
  },
);
