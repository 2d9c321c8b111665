/** All resolvers, assembled: each domain module owns its part. */
import type { Resolvers } from './__generated__/resolvers.js';
import { actionPayloadResolvers, cancelOrder, createDiscount, refundOrder } from './actions/resolvers.js';
import { linkShopifyCustomer, unlinkShopifyCustomer } from './profile/link-mutations.js';
import { profileResolvers } from './profile/resolvers.js';
import { shopifyCustomerSearch } from './profile/search.js';
import { shopifyStores, storeResolvers } from './profile/stores.js';
import { DateTimeScalar } from './scalars.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  ...profileResolvers,
  ...actionPayloadResolvers,
  ...storeResolvers,
  Query: { shopifyCustomerSearch, shopifyStores },
  Mutation: { linkShopifyCustomer, unlinkShopifyCustomer, cancelOrder, refundOrder, createDiscount },
};
