/**
 * The served stores as the contract shows them: `shopifyStores`, the `store` of customers and orders (the store each
 * was read from), and each store's currency (asked of Shopify once; a failure nulls that field only, with the error).
 */
import { requireScope } from '../auth.js';
import type { QueryResolvers, Resolvers } from '../__generated__/resolvers.js';
import type { RequestContext } from '../context.js';
import type { StoreModel } from '../domain/stores.js';
import { storeOf, storeScope } from '../store-scope.js';

/** The served store a customer or order was read from. */
function storeModel(model: { store?: string }, ctx: RequestContext): StoreModel {
  return storeScope(ctx, storeOf(model)).served.model;
}

export const shopifyStores: QueryResolvers['shopifyStores'] = (_root, _args, ctx) => {
  requireScope(ctx.caller, 'shopify:read');
  return [...ctx.deps.stores.stores];
};

export const storeResolvers: Resolvers = {
  ShopifyStore: {
    currencyCode: (store, _args, ctx) => ctx.deps.stores.currency(store.handle),
  },
  ShopifyCustomer: {
    store: (customer, _args, ctx) => storeModel(customer, ctx),
  },
};

/** ShopifyOrder's store, merged into profileResolvers' ShopifyOrder (one object per type in the resolver map). */
export const orderStore = (order: { store?: string }, _args: unknown, ctx: RequestContext): StoreModel => storeModel(order, ctx);
