/** All resolvers, assembled: each domain module owns its part. */
import { GraphQLScalarType } from 'graphql';
import type { Resolvers } from './__generated__/resolvers.js';
import { approvalResolvers } from './actions/approval-resolvers.js';
import { editResolvers } from './actions/edit-resolvers.js';
import { replacementResolvers } from './actions/replacement-resolvers.js';
import { actionPayloadResolvers, cancelOrder, createDiscount, refundOrder } from './actions/resolvers.js';
import { linkShopifyCustomer, unlinkShopifyCustomer } from './profile/link-mutations.js';
import { profileResolvers } from './profile/resolvers.js';
import { shopifyCustomerSearch } from './profile/search.js';
import { shopifyStores, storeResolvers } from './profile/stores.js';
import { DateTimeScalar } from './scalars.js';

/**
 * The maps merged type by type: several modules add fields to one type (ShopifyOrder's read fields, its refund
 * requests; Mutation's actions), and a field defined twice is a mistake caught here rather than a silent override.
 */
export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      if (fields instanceof GraphQLScalarType) {
        if (type in merged) throw new Error(`resolvers: ${type} is defined twice`);
        merged[type] = fields as unknown as Record<string, unknown>;
        continue;
      }
      const into = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in into) throw new Error(`resolvers: ${type}.${field} is defined twice`);
        into[field] = resolver;
      }
    }
  }
  return merged as Resolvers;
}

export const resolvers: Resolvers = mergeResolvers(
  { DateTime: DateTimeScalar },
  profileResolvers,
  actionPayloadResolvers,
  storeResolvers,
  {
    Query: { shopifyCustomerSearch, shopifyStores },
    Mutation: { linkShopifyCustomer, unlinkShopifyCustomer, cancelOrder, refundOrder, createDiscount },
  },
  editResolvers,
  replacementResolvers,
  approvalResolvers,
);
