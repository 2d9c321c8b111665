/**
 * Builds the context of one GraphQL request: composes the linking rules (profile/) and the Shopify loaders
 * (shopify/) that context.ts may only name, so that no folder the resolvers import depends on them in turn.
 */
import DataLoader from 'dataloader';
import {
  MAX_AGENT_ACTIONS,
  MAX_REFUND_REQUESTS,
  type AppDeps,
  type RequestContext,
  type StoreOrderKey,
  type StoreScope,
} from './context.js';
import type { StoreHandle } from './domain/stores.js';
import type { OperationTrace } from './observability/tracing.js';
import { createLinkLoader } from './profile/linking-rules.js';
import { createCustomerLoader } from './shopify/loaders.js';
import { Limiter, limitedClient } from './shopify/request-scope.js';
import type { AuditEntry, RefundRequestRecord } from './store/index.js';

/** Builds the context for one GraphQL request; `trace` is its operation's span when tracing is on. */
export async function createContext(
  deps: AppDeps,
  headers: { get(name: string): string | undefined | null },
  trace?: OperationTrace,
): Promise<RequestContext> {
  const caller = await deps.authenticate(headers.get('authorization') ?? undefined);
  const stores = new Map<StoreHandle, StoreScope>();
  for (const served of deps.served) {
    // This request's cap on Shopify calls in flight to this store: every call it makes there, through the loaders or
    // the scope's client, waits for a place under it, so one request cannot fill that store's budget queue ahead of
    // other agents (request-scope.ts). Each store has its own: stores answer in parallel, each under its own budget.
    // It carries the trace too, explicitly: each Shopify attempt's span is a child of the operation's.
    const limiter = new Limiter(deps.config.limits.maxConcurrentShopifyRequests, trace);
    const handle = served.model.handle;
    stores.set(handle, {
      handle,
      served,
      shopify: limitedClient(served.shopify, limiter),
      customers: createCustomerLoader(served.customers, handle, limiter),
    });
  }
  return {
    trace,
    deps,
    caller,
    logger: deps.logger,
    stores,
    loaders: {
      links: createLinkLoader(
        deps.store,
        deps.served.map((s) => ({ handle: s.model.handle, autoLink: s.autoLink })),
        { maxEmails: deps.config.limits.maxEmailsPerProfile, onIgnored: deps.onEmailsIgnored },
      ),
      agentActions: byOrderLoader<AuditEntry>((store, orderIds) => deps.store.audit.listByOrders(orderIds, MAX_AGENT_ACTIONS, store)),
      refundRequests: byOrderLoader<RefundRequestRecord>((store, orderIds) =>
        deps.store.refundRequests.listByOrders(store, orderIds, MAX_REFUND_REQUESTS),
      ),
    },
    partialErrors: [],
  };
}

const orderKey = (k: StoreOrderKey) => `${k.store}\u0000${k.orderId}`;

/**
 * A loader of what the database keeps per order: one query per store the batch's orders belong to (an order id is
 * unique within its store only), each with that store's ids in the batch's order.
 */
export function byOrderLoader<T>(
  list: (store: StoreHandle, orderIds: string[]) => Promise<Map<string, T[]>>,
): DataLoader<StoreOrderKey, T[], string> {
  return new DataLoader<StoreOrderKey, T[], string>(
    async (keys) => {
      const byStore = new Map<StoreHandle, string[]>();
      for (const k of keys) {
        // Pushed onto one array per store: a batch of n keys costs O(n), not a copy per key.
        const ids = byStore.get(k.store);
        if (ids) ids.push(k.orderId);
        else byStore.set(k.store, [k.orderId]);
      }
      const found = new Map<string, T[]>();
      await Promise.all(
        [...byStore].map(async ([store, orderIds]) => {
          for (const [orderId, entries] of await list(store, orderIds)) found.set(orderKey({ store, orderId }), entries);
        }),
      );
      return keys.map((k) => found.get(orderKey(k)) ?? []);
    },
    { cacheKeyFn: orderKey },
  );
}
