/**
 * CustomerProfile's Shopify fields and ShopifyOrder's derived fields. Thin: link → loader → model.
 * A failed Shopify call rejects the loader promise, so only that profile's fields become null with the error.
 */
import { requireScope } from '../auth.js';
import type { Resolvers } from '../__generated__/resolvers.js';
import type { RequestContext } from '../context.js';
import { MAX_AGENT_ACTIONS } from '../context.js';
import { CUSTOMER_ONLY, type CustomerHit, type FetchPlan } from '../domain/lookup.js';
import { requireIntInRange } from '../domain/numbers.js';
import type { ShopifyLinkRecord } from '../store/index.js';
import type { LinkModel, ProfileRef } from '../domain/model.js';
import { orderPlan, PRODUCTS_PLAN, selectedFieldNames } from './selection.js';
import { orderStore } from './stores.js';
import { selectStore } from '../domain/stores.js';

/** The profile's Shopify customer with what `plan` asks, or null when it has none. */
async function customerOf(profile: ProfileRef, ctx: RequestContext, plan: FetchPlan): Promise<CustomerHit | null> {
  requireScope(ctx.caller, 'shopify:read');
  const link = await ctx.loaders.links.load(profile);
  if (!link.target) return null;
  return ctx.loaders.customers.load({ target: link.target, plan });
}

/** A stored manual link as the contract shows it. */
export function manualLink(record: ShopifyLinkRecord): LinkModel {
  return {
    customerId: record.customerId,
    method: 'MANUAL',
    matchedEmail: null,
    linkedAt: record.linkedAt.toISOString(),
    linkedBy: record.linkedBy,
  };
}

export const profileResolvers: Resolvers = {
  CustomerProfile: {
    __resolveReference: (ref) => ({ id: ref.id, emails: (ref as ProfileRef).emails }),
    async shopifyCustomer(profile, _args, ctx) {
      return (await customerOf(profile, ctx, CUSTOMER_ONLY))?.bundle.customer ?? null;
    },
    async orders(profile, { limit }, ctx, info) {
      requireIntInRange(limit, 1, 10, 'limit');
      const hit = await customerOf(profile, ctx, orderPlan(limit, selectedFieldNames(info)));
      return hit?.bundle.orders?.slice(0, limit) ?? [];
    },
    async products(profile, _args, ctx) {
      const hit = await customerOf(profile, ctx, PRODUCTS_PLAN);
      return (hit?.bundle.orders ?? []).flatMap((o) => o.products ?? []);
    },
    async shopifyLink(profile, args, ctx) {
      requireScope(ctx.caller, 'shopify:read');
      // One store is served per process for now: naming it (or another) is checked, and the link read is that store's.
      selectStore(ctx.deps.stores, args.store, 'store');
      const link = await ctx.loaders.links.load(profile);
      if (link.manual) return manualLink(link.manual);
      const hit = await customerOf(profile, ctx, CUSTOMER_ONLY);
      if (!hit) return null;
      return { customerId: hit.bundle.customer.id, method: 'AUTO_EMAIL', matchedEmail: hit.matchedEmail, linkedAt: null, linkedBy: null };
    },
  },
  ShopifyOrder: {
    store: orderStore,
    products: (order) => order.products ?? [],
    async agentActions(order, { limit }, ctx) {
      requireScope(ctx.caller, 'shopify:read');
      requireIntInRange(limit, 1, MAX_AGENT_ACTIONS, 'limit');
      return (await ctx.loaders.agentActions.load(order.id)).slice(0, limit);
    },
  },
  ShopifyAgentAction: {
    at: (entry) => entry.at.toISOString(),
    amount: (entry) => (entry.amount && entry.currencyCode ? { amount: entry.amount, currencyCode: entry.currencyCode } : null),
    shopifyIds: (entry) => Object.entries(entry.shopifyIds).map(([name, id]) => `${name}=${id}`),
  },
};
