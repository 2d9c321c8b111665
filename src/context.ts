/**
 * The per-request context's types: who is calling, every served store as this request sees it, and fresh
 * DataLoaders (caches live for one request only, so one agent never sees another request's Shopify answers through
 * them). Types only, naming no domain folder (profile/, actions/): every resolver imports this, so it must not import
 * them back. request.ts builds it.
 */
import type DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { Authenticator, Caller } from './auth.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { ProfileLinks } from './domain/lookup.js';
import type { OperationTrace } from './observability/tracing.js';
import type { ProfileRef } from './domain/model.js';
import type { ShopifyClient } from './shopify/client.js';
import type { CustomerSource } from './shopify/customers.js';
import type { CustomerLoader } from './shopify/loaders.js';
import type { AuditEntry, RefundRequestRecord, Store } from './store/index.js';
import type { AutoLinkPolicy, StoreActions, StoreDirectory, StoreHandle, StoreModel } from './domain/stores.js';
import type { RefundRequestStatus } from './domain/refund-requests.js';

/** What a cache is told after our own action changed customers or orders of a store. */
export interface ChangedIds {
  customerIds?: string[];
  orderIds?: string[];
}

/**
 * One served store's collaborators, built once at start (app.ts): its own Shopify client (with its own cost budget
 * and circuit breaker), its own cache namespace, its action switches and its auto-link policy.
 */
export interface ServedStore {
  readonly model: StoreModel;
  readonly actions: StoreActions;
  readonly autoLink: AutoLinkPolicy;
  /** its Shopify client; replaceable (tests wrap it to inject a fault before a given operation) */
  shopify: ShopifyClient;
  /** its customer data (Shopify, or its own cache in front of it) */
  readonly customers: CustomerSource;
  /** called after our own action changed a customer or order of this store, so no cache serves the old state */
  readonly invalidate?: (ids: ChangedIds) => Promise<void>;
}

/** The collaborators the server is built from; tests pass the simulator-backed ones. */
export interface AppDeps {
  config: Config;
  store: Store;
  /** the stores served, in config order, with their currencies */
  stores: StoreDirectory;
  /** each served store's collaborators, in config order (the same order as `stores.stores`) */
  served: readonly ServedStore[];
  authenticate: Authenticator;
  logger: Logger;
  /** hears how many of a profile's emails were not looked up (invalid, repeated, beyond the per-profile limit) */
  onEmailsIgnored?: (count: number) => void;
}

/** One served store as one request sees it: its client and customer loader under this request's cap for that store. */
export interface StoreScope {
  readonly handle: StoreHandle;
  readonly served: ServedStore;
  /** the store's client; every call waits for a place under this request's limiter for the store */
  readonly shopify: ShopifyClient;
  /** this request's customer loader for the store: one packed request set per batch */
  readonly customers: CustomerLoader;
}

/** An order's key in the agent-actions loader: audit records belong to a store. */
export interface StoreOrderKey {
  store: StoreHandle;
  orderId: string;
}

/** An order's key in the refund-requests loader: the order, and the statuses asked for. */
export interface RefundRequestsKey extends StoreOrderKey {
  /** only requests in these statuses (filtered in the query); every status when null or absent */
  statuses?: readonly RefundRequestStatus[] | null;
}

/**
 * Each order's refund requests, newest first, at most MAX_REFUND_REQUESTS: one database query per store and distinct
 * status set per batch (the same set in any order or with repeats is one set).
 */
export interface RefundRequestLoader {
  load(key: RefundRequestsKey): Promise<RefundRequestRecord[]>;
  /** Forgets what this request loaded for the order, under every status set: after an action changed its requests. */
  clear(order: StoreOrderKey): void;
}

/** What every resolver receives: the collaborators, the caller, the stores, and this request's loaders. */
export interface RequestContext {
  deps: AppDeps;
  caller: Caller;
  logger: Logger;
  /** this operation's span, when tracing is on (the tracing plugin names and ends it) */
  trace?: OperationTrace;
  /** every served store as this request sees it, in config order */
  stores: ReadonlyMap<StoreHandle, StoreScope>;
  loaders: {
    /** each profile's link in every served store (one database query per batch) */
    links: DataLoader<ProfileRef, ProfileLinks, string>;
    agentActions: DataLoader<StoreOrderKey, AuditEntry[], string>;
    /** each order's refund requests, newest first, optionally of some statuses (see RefundRequestLoader) */
    refundRequests: RefundRequestLoader;
  };
  /**
   * Errors of stores that could not answer under a field that still answered with the other stores' data (merged
   * orders and products): sent with the response, located at that field, each naming its store.
   */
  partialErrors: GraphQLError[];
}

/** A request acting in one store: an action, or a link, after its store was chosen. */
export interface ActingContext extends RequestContext {
  acting: StoreScope;
}

/** Most agent actions one order shows. */
export const MAX_AGENT_ACTIONS = 50;
/** Most refund requests one order shows (newest first). */
export const MAX_REFUND_REQUESTS = 50;
