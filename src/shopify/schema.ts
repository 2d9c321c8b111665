/**
 * What this subgraph knows of the pinned Admin schema at run time: its version, and the schema that request costs
 * are estimated against.
 */
import type { GraphQLSchema } from 'graphql';
import { loadAdminSchema } from 'shopify-admin-schema';

export { ADMIN_API_VERSION } from 'shopify-admin-schema';

/** The schema cost estimation walks; built once per process. */
export function costSchema(): GraphQLSchema {
  return loadAdminSchema();
}
