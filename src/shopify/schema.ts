/**
 * What this subgraph knows of the pinned Admin schema at run time: its version, and the schema that request costs
 * are estimated against — the Admin schema cut at build time to the types and fields our documents touch
 * (scripts/codegen/admin-cost-schema.ts), so production never builds the 3,500-type schema (~38 MB of heap).
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { ADMIN_COST_SDL } from './__generated__/admin-cost-schema.js';

export { ADMIN_API_VERSION } from 'shopify-admin-schema';

let cached: GraphQLSchema | undefined;

/** The schema cost estimation walks; built once per process. */
export function costSchema(): GraphQLSchema {
  // assumeValid: possible types the documents never select into are kept with no fields, which a full validation refuses.
  cached ??= buildSchema(ADMIN_COST_SDL, { assumeValidSDL: true, assumeValid: true });
  return cached;
}
