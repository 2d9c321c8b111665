/**
 * The served stores as the contract shows them: `shopifyStores`, the `store` of customers and orders, and each
 * store's currency (asked of Shopify once; a failure nulls that field only, with the error).
 */
import { requireScope } from '../auth.js';
import type { QueryResolvers, Resolvers } from '../__generated__/resolvers.js';
import type { RequestContext } from '../context.js';
import type { StoreModel } from '../domain/stores.js';

/** The store this process serves; every customer and order it reads comes from it (one store per process for now). */
function servedStore(ctx: RequestContext): StoreModel {
  const store = ctx.deps.stores.stores.find((s) => s.handle === ctx.deps.storeHandle);
  if (!store) throw new Error(`the served store ${ctx.deps.storeHandle} is not in the directory`);
  return store;
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
    store: (_customer, _args, ctx) => servedStore(ctx),
  },
};

/** ShopifyOrder's store, merged into profileResolvers' ShopifyOrder (one object per type in the resolver map). */
export const orderStore = (_order: unknown, _args: unknown, ctx: RequestContext): StoreModel => servedStore(ctx);
