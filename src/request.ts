/**
 * Builds the context of one GraphQL request: composes the linking rules (profile/) and the Shopify loaders
 * (shopify/) that context.ts may only name, so that no folder the resolvers import depends on them in turn.
 */
import DataLoader from 'dataloader';
import {
  MAX_AGENT_ACTIONS,
  MAX_REFUND_REQUESTS,
  type AppDeps,
  type RefundRequestsKey,
  type RequestContext,
  type StoreOrderKey,
  type StoreScope,
} from './context.js';
import type { RefundRequestStatus } from './domain/refund-requests.js';
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
      refundRequests: byOrderAndStatusLoader<RefundRequestRecord>((store, orderIds, statuses) =>
        deps.store.refundRequests.listByOrders(store, orderIds, MAX_REFUND_REQUESTS, statuses),
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

/** A key whose statuses are sorted without repeats (null: every status), so equal sets are one cache entry and one query. */
interface StatusKey extends StoreOrderKey {
  statuses: readonly RefundRequestStatus[] | null;
}

const statusesKey = (statuses: readonly RefundRequestStatus[] | null) => (statuses === null ? '*' : statuses.join(','));
const statusCacheKey = (k: StatusKey) => `${orderKey(k)}\u0000${statusesKey(k.statuses)}`;

/**
 * A loader of what the database keeps per order, filtered by status in the query (so a filter never acts on rows a
 * per-order cap already cut): one query per store and distinct status set in a batch, each with its ids in the
 * batch's order. clear() forgets an order under every status set it was loaded with.
 */
export function byOrderAndStatusLoader<T>(
  list: (store: StoreHandle, orderIds: string[], statuses: readonly RefundRequestStatus[] | null) => Promise<Map<string, T[]>>,
): { load(key: RefundRequestsKey): Promise<T[]>; clear(order: StoreOrderKey): void } {
  const loader = new DataLoader<StatusKey, T[], string>(
    async (keys) => {
      const groups = new Map<string, { store: StoreHandle; statuses: StatusKey['statuses']; orderIds: string[] }>();
      for (const k of keys) {
        const group = `${k.store}\u0000${statusesKey(k.statuses)}`;
        const found = groups.get(group);
        if (found) found.orderIds.push(k.orderId);
        else groups.set(group, { store: k.store, statuses: k.statuses, orderIds: [k.orderId] });
      }
      const found = new Map<string, T[]>();
      await Promise.all(
        [...groups.values()].map(async ({ store, statuses, orderIds }) => {
          for (const [orderId, entries] of await list(store, orderIds, statuses)) {
            found.set(statusCacheKey({ store, orderId, statuses }), entries);
          }
        }),
      );
      return keys.map((k) => found.get(statusCacheKey(k)) ?? []);
    },
    { cacheKeyFn: statusCacheKey },
  );
  // Each order's keys loaded so far, by status set: what clear() must forget.
  const loaded = new Map<string, Map<string, StatusKey>>();
  return {
    load(key) {
      const statuses = key.statuses == null ? null : [...new Set(key.statuses)].sort();
      const normal: StatusKey = { store: key.store, orderId: key.orderId, statuses };
      let sets = loaded.get(orderKey(normal));
      if (!sets) loaded.set(orderKey(normal), (sets = new Map()));
      sets.set(statusesKey(statuses), normal);
      return loader.load(normal);
    },
    clear(order) {
      for (const k of loaded.get(orderKey(order))?.values() ?? []) loader.clear(k);
      loaded.delete(orderKey(order));
    },
  };
}
