/**
 * CustomerProfile's Shopify fields and ShopifyOrder's derived fields. Thin: links → each store's loader → models.
 * Every store is read in parallel, one packed request set per store per batch; a store that fails nulls only what is
 * its own (an entry of `shopifyCustomers`; its part of merged orders, reported as an error naming it).
 */
import { locatedError, type GraphQLResolveInfo } from 'graphql';
import { callerHas, requireScope } from '../auth.js';
import type { Resolvers } from '../__generated__/resolvers.js';
import type { RequestContext, StoreScope } from '../context.js';
import { MAX_AGENT_ACTIONS } from '../context.js';
import { CUSTOMER_ONLY, type CustomerHit, type CustomerTarget, type FetchPlan } from '../domain/lookup.js';
import { requireIntInRange } from '../domain/numbers.js';
import type { ShopifyLinkRecord } from '../store/index.js';
import type { LinkModel, OrderModel, ProfileRef } from '../domain/model.js';
import { orderPlan, PRODUCTS_PLAN, productsPlan, selectedFieldNames } from './selection.js';
import { orderStore } from './stores.js';
import { selectStore, selectStores, type StoreHandle } from '../domain/stores.js';
import { storeOf, storeScope } from '../store-scope.js';
import { readShippingAddress } from '../shopify/order-edits.js';

/** What one store answered for a profile: its customer with what the plan asked, none, or why it could not answer. */
type StoreAnswer = { store: StoreHandle; hit: CustomerHit } | { store: StoreHandle; error: Error };

/** No store has anything for the profile: shared, never mutated. */
const NO_ANSWERS: readonly StoreAnswer[] = Object.freeze([]);

/**
 * The profile's customer in each of `handles` (config order; every served store when left out) where it is linked or
 * may be by email, with what `plan` asks; stores where it has none are left out. All stores are asked at once (each
 * through its own loader). Cheap when there is nothing to ask: a router's list of a thousand profiles without emails
 * resolves every field without creating a promise per store.
 */
async function answersOf(
  profile: ProfileRef,
  ctx: RequestContext,
  plan: FetchPlan,
  handles?: readonly StoreHandle[],
): Promise<readonly StoreAnswer[]> {
  requireScope(ctx.caller, 'shopify:read');
  const links = await ctx.loaders.links.load(profile);
  const asked: Array<Promise<StoreAnswer | null>> = [];
  for (const scope of handles ? handles.map((h) => storeScope(ctx, h)) : ctx.stores.values()) {
    const target = links.get(scope.handle)?.target;
    if (target) asked.push(answerIn(scope, target, plan));
  }
  if (asked.length === 0) return NO_ANSWERS;
  const answers = asked.length === 1 ? [await asked[0]!] : await Promise.all(asked);
  return answers.filter((a): a is StoreAnswer => a !== null);
}

async function answerIn(scope: StoreScope, target: CustomerTarget, plan: FetchPlan): Promise<StoreAnswer | null> {
  try {
    const hit = await scope.customers.load({ target, plan });
    return hit ? { store: scope.handle, hit } : null;
  } catch (error) {
    return { store: scope.handle, error: error as Error };
  }
}

/**
 * The orders of every answering store, merged newest first (a stable sort: equal times keep config order). A store that
 * failed is reported as an error located at this field, naming it; when every store failed, the field fails.
 */
function mergedOrders(answers: readonly StoreAnswer[], ctx: RequestContext, info: GraphQLResolveInfo): OrderModel[] {
  if (answers.length === 0) return [];
  const failed = answers.flatMap((a) => ('error' in a ? [a.error] : []));
  if (failed.length > 0 && failed.length === answers.length) throw failed[0];
  for (const error of failed) ctx.partialErrors.push(locatedError(error, info.fieldNodes, pathOf(info)));
  const orders = answers.flatMap((a) => ('hit' in a ? (a.hit.bundle.orders ?? []) : []));
  if (answers.length < 2) return orders;
  const time = new Map(orders.map((o) => [o, Date.parse(o.createdAt)]));
  return orders.sort((a, b) => time.get(b)! - time.get(a)!);
}

function pathOf(info: GraphQLResolveInfo): Array<string | number> {
  const path: Array<string | number> = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  return path;
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
      // The first store in config order that has one; a store before it that failed might have had one.
      for (const answer of await answersOf(profile, ctx, CUSTOMER_ONLY)) {
        if ('error' in answer) throw answer.error;
        return answer.hit.bundle.customer;
      }
      return null;
    },
    async shopifyCustomers(profile, _args, ctx) {
      // A failed store's entry is a rejected promise: graphql-js nulls that entry alone, with its error at its index.
      return (await answersOf(profile, ctx, CUSTOMER_ONLY)).map((a) => ('error' in a ? Promise.reject(a.error) : a.hit.bundle.customer));
    },
    async orders(profile, { limit, stores }, ctx, info) {
      requireIntInRange(limit, 1, 10, 'limit');
      const handles = stores == null ? undefined : selectStores(ctx.deps.stores, stores, 'stores');
      const fields = selectedFieldNames(info);
      // The selection is walked again for what is under products only when products is selected (every profile's call).
      const plan = orderPlan(limit, fields, fields.has('products') ? selectedFieldNames(info, 'products') : undefined);
      // Personal data is not even fetched for a caller who may not see it (the field then fails FORBIDDEN alone).
      if (plan.shippingAddress && !callerHas(ctx.caller, 'shopify:orders:edit')) plan.shippingAddress = false;
      const answers = await answersOf(profile, ctx, plan, handles);
      return mergedOrders(answers, ctx, info).slice(0, limit);
    },
    async products(profile, { stores }, ctx, info) {
      const handles = stores == null ? undefined : selectStores(ctx.deps.stores, stores, 'stores');
      const answers = await answersOf(profile, ctx, productsPlan(selectedFieldNames(info)), handles);
      return mergedOrders(answers, ctx, info)
        .slice(0, PRODUCTS_PLAN.ordersFirst)
        .flatMap((o) => o.products ?? []);
    },
    async shopifyLink(profile, args, ctx) {
      requireScope(ctx.caller, 'shopify:read');
      const store = selectStore(ctx.deps.stores, args.store, 'store');
      const link = (await ctx.loaders.links.load(profile)).get(store);
      if (link?.manual) return manualLink(link.manual);
      const [answer] = await answersOf(profile, ctx, CUSTOMER_ONLY, [store]);
      if (!answer) return null;
      if ('error' in answer) throw answer.error;
      return {
        customerId: answer.hit.bundle.customer.id,
        method: 'AUTO_EMAIL',
        matchedEmail: answer.hit.matchedEmail,
        linkedAt: null,
        linkedBy: null,
      };
    },
  },
  ShopifyOrder: {
    store: orderStore,
    products: (order) => order.products ?? [],
    async shippingAddress(order, _args, ctx) {
      requireScope(ctx.caller, 'shopify:orders:edit');
      if (order.shippingAddress !== undefined) return order.shippingAddress;
      // An order read without it (a payload's, or a path that did not ask): one small read of that order alone.
      return (await readShippingAddress(storeScope(ctx, storeOf(order)).shopify, order.id)) ?? null;
    },
    async agentActions(order, { limit }, ctx) {
      requireScope(ctx.caller, 'shopify:read');
      requireIntInRange(limit, 1, MAX_AGENT_ACTIONS, 'limit');
      return (await ctx.loaders.agentActions.load({ store: storeOf(order), orderId: order.id })).slice(0, limit);
    },
  },
  ShopifyAgentAction: {
    at: (entry) => entry.at.toISOString(),
    amount: (entry) => (entry.amount && entry.currencyCode ? { amount: entry.amount, currencyCode: entry.currencyCode } : null),
    shopifyIds: (entry) => Object.entries(entry.shopifyIds).map(([name, id]) => `${name}=${id}`),
  },
};
