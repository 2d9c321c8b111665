/**
 * Hive Gateway in front of the Shopify profile subgraph:
 *
 *   hive-gateway supergraph supergraph.graphql --config-path deploy/hive-gateway/gateway.config.ts
 *
 * Environment (the subgraph's own names, so one Secret can feed both): AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL,
 * optional AUTH_ISSUER / AUTH_AUDIENCE, ROUTER_SECRET (sent to the subgraph as `router-authorization`), optional
 * SHOPIFY_SUBGRAPH_NAME (default `shopify`). The CLI itself reads PORT and HOST. See docs/routers.md.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { gatewayAuthConfig } from './auth.js';

export const gatewayConfig = defineConfig({
  ...gatewayAuthConfig(process.env),
});
