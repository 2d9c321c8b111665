// ESLint (flat config): typescript-eslint's recommended rules, file-level import cycles (import-x), and the layering
// of issue 11 as boundary rules. Folder-level cycles and the Admin-types rule are also checked, across the whole
// import graph, by scripts/check-imports.ts (npm run lint runs both).
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Imports no file outside src/shopify/ may make: Shopify's shapes stop at its gateways and mappers. */
const ADMIN_TYPES = {
  group: ['**/shopify/__generated__/*'],
  message: 'Only src/shopify/ may use the Admin API types: go through a gateway in src/shopify/.',
};
const TEST_CODE = { group: ['**/test/**'], message: 'Production and bench code must not import test code.' };
/** The local supergraph, schema check and their devDependencies are tooling: the production tree never loads them. */
const DEV_CODE = {
  group: ['**/dev/**', '@apollo/gateway', '@apollo/composition', '@graphql-inspector/*'],
  message: 'src/ is the production tree: dev tooling and its devDependencies stay out of it.',
};
/** The workspace packages stand alone: the simulator is an oracle independent of the client it checks. */
const APP_CODE = {
  group: ['**/src/**', '!./**', '!../src/**'],
  message: 'A package must not import the subgraph (src/): it would stop being an independent oracle.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', '**/__generated__/**', 'data/**', 'bench/results/**', 'dist/**', 'packages/*/dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // A cycle between files makes load order matter and hides which module owns what.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    rules: {
      // Tests and the simulator read loosely typed JSON answers on purpose; production code is checked by tsc's strict mode.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals (the codebase has no enums).' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/shopify/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ADMIN_TYPES, TEST_CODE, DEV_CODE] }] },
  },
  {
    files: ['packages/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [APP_CODE] }] },
  },
  {
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [TEST_CODE] }] },
  },
);
