/**
 * The per-request context: who is calling, and a fresh set of DataLoaders (caches live for one request only,
 * so one agent never sees another request's Shopify answers through them).
 */
import DataLoader from 'dataloader';
import type { Authenticator, Caller } from './auth.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createLinkLoader, type ResolvedLink } from './profile/linking.js';
import type { ProfileRef } from './domain/model.js';
import type { ShopifyClient } from './shopify/client.js';
import type { CustomerSource } from './shopify/customers.js';
import { createCustomerLoader, type CustomerLoader } from './shopify/loaders.js';
import { Limiter, limitedClient } from './shopify/request-scope.js';
import type { AuditEntry, Store } from './store/index.js';

/** The collaborators the server is built from; tests pass the simulator-backed ones. */
export interface AppDeps {
  config: Config;
  store: Store;
  shopify: ShopifyClient;
  /** customer data (Shopify, or a cache in front of it) */
  customers: CustomerSource;
  authenticate: Authenticator;
  logger: Logger;
  /** called after our own action changed a customer or order, so no cache serves the old state */
  invalidate?: (ids: { customerIds?: string[]; orderIds?: string[] }) => Promise<void>;
  /** hears how many of a profile's emails were not looked up (invalid, repeated, beyond the per-profile limit) */
  onEmailsIgnored?: (count: number) => void;
}

export interface RequestContext {
  deps: AppDeps;
  caller: Caller;
  logger: Logger;
  loaders: {
    links: DataLoader<ProfileRef, ResolvedLink, string>;
    customers: CustomerLoader;
    agentActions: DataLoader<string, AuditEntry[]>;
  };
}

/** Most agent actions one order shows. */
export const MAX_AGENT_ACTIONS = 50;

/** Builds the context for one GraphQL request. */
export async function createContext(deps: AppDeps, headers: { get(name: string): string | undefined | null }): Promise<RequestContext> {
  const caller = await deps.authenticate(headers.get('authorization') ?? undefined);
  // This request's cap on Shopify calls in flight: every call it makes, through the loaders or `deps.shopify`, waits
  // for a place under it, so one request cannot fill the budget's queue ahead of other agents (request-scope.ts).
  const limiter = new Limiter(deps.config.limits.maxConcurrentShopifyRequests);
  return {
    deps: { ...deps, shopify: limitedClient(deps.shopify, limiter) },
    caller,
    logger: deps.logger,
    loaders: {
      links: createLinkLoader(deps.store, deps.config.autoLink, {
        maxEmails: deps.config.limits.maxEmailsPerProfile,
        onIgnored: deps.onEmailsIgnored,
      }),
      customers: createCustomerLoader(deps.customers, limiter),
      agentActions: new DataLoader(async (orderIds) => {
        const byOrder = await deps.store.audit.listByOrders(orderIds, MAX_AGENT_ACTIONS);
        return orderIds.map((id) => byOrder.get(id) ?? []);
      }),
    },
  };
}
