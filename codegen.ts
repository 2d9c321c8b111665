import type { CodegenConfig } from '@graphql-codegen/cli';

const adminDocuments = {
  schema: 'packages/shopify-admin-schema/admin-2026-07.graphql',
  // Every file of Shopify documents: operations.ts and each *-operations.ts, and the webhook subscriptions'.
  documents: ['src/shopify/*operations.ts', 'src/shopify/webhook-subscriptions.ts'],
};

/**
 * Three outputs:
 * 1. resolver types for our contract (schema.graphql), federation-aware, with our domain models as mappers,
 *    so resolvers receive what the loaders return rather than the GraphQL shape;
 * 2. result/variable types for the documents we send to Shopify, checked against the pinned Admin schema;
 * 3. the Admin schema cut down to what those documents touch: all that cost estimation needs at run time.
 */
const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: {
    'src/__generated__/resolvers.ts': {
      schema: 'schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#RequestContext',
        scalars: { DateTime: 'string' },
        mappers: {
          CustomerProfile: '../domain/model.js#ProfileRef',
          ShopifyCustomer: '../domain/model.js#CustomerModel',
          ShopifyOrder: '../domain/model.js#OrderModel',
          ShopifyProduct: '../domain/model.js#LineItemModel',
          ShopifyLink: '../domain/model.js#LinkModel',
          ShopifyAgentAction: '../store/index.js#AuditEntry',
          ShopifyStore: '../domain/stores.js#StoreModel',
          ShopifyRefundRequest: '../domain/refund-requests.js#RefundRequestModel',
        },
      },
    },
    'src/shopify/__generated__/admin-cost-schema.ts': {
      ...adminDocuments,
      plugins: ['./scripts/codegen/admin-cost-schema.ts'],
    },
    'src/shopify/__generated__/admin.ts': {
      ...adminDocuments,
      plugins: ['typescript-operations'],
      config: {
        onlyOperationTypes: true,
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: true,
        avoidOptionals: true,
        scalars: {
          DateTime: 'string',
          Decimal: 'string',
          Money: 'string',
          URL: 'string',
          UnsignedInt64: 'string',
          HTML: 'string',
          JSON: 'unknown',
          ARN: 'string',
          BigInt: 'string',
          Color: 'string',
          Date: 'string',
          FormattedString: 'string',
          UtcOffset: 'string',
          StorefrontID: 'string',
        },
      },
    },
  },
};

export default config;
