/**
 * The pinned Shopify Admin schema, in its own package so the subgraph's client (src/shopify/) and the simulator
 * (packages/shopify-admin-simulator) can both read it without one importing the other.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';

/** The Admin API version this subgraph is written and tested against. */
export const ADMIN_API_VERSION = '2026-07';

/** Path of the pinned Admin schema SDL (descriptions stripped). */
export const ADMIN_SCHEMA_PATH = new URL(`../admin-${ADMIN_API_VERSION}.graphql`, import.meta.url);

let cached: GraphQLSchema | undefined;

/** The pinned Shopify Admin schema, built once per process (building it takes a few hundred ms). */
export function loadAdminSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(ADMIN_SCHEMA_PATH, 'utf8'), { assumeValidSDL: true });
  return cached;
}
