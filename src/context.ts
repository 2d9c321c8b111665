/**
 * The per-request context's types: who is calling, and a fresh set of DataLoaders (caches live for one request only,
 * so one agent never sees another request's Shopify answers through them). Types only, naming no domain folder
 * (profile/, actions/): every resolver imports this, so it must not import them back. request.ts builds it.
 */
import type DataLoader from 'dataloader';
import type { Authenticator, Caller } from './auth.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { ResolvedLink } from './domain/lookup.js';
import type { OperationTrace } from './observability/tracing.js';
import type { ProfileRef } from './domain/model.js';
import type { ShopifyClient } from './shopify/client.js';
import type { CustomerSource } from './shopify/customers.js';
import type { CustomerLoader } from './shopify/loaders.js';
import type { AuditEntry, Store } from './store/index.js';
import type { StoreDirectory, StoreHandle } from './domain/stores.js';

/** The collaborators the server is built from; tests pass the simulator-backed ones. */
export interface AppDeps {
  config: Config;
  store: Store;
  /** the Shopify store links and audit entries are read and written in (the single configured one, until routing per store) */
  storeHandle: StoreHandle;
  /** the stores served, in config order, with their currencies */
  stores: StoreDirectory;
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

/** What every resolver receives: the collaborators, the caller, and this request's loaders. */
export interface RequestContext {
  deps: AppDeps;
  caller: Caller;
  logger: Logger;
  /** this operation's span, when tracing is on (the tracing plugin names and ends it) */
  trace?: OperationTrace;
  loaders: {
    links: DataLoader<ProfileRef, ResolvedLink, string>;
    customers: CustomerLoader;
    agentActions: DataLoader<string, AuditEntry[]>;
  };
}

/** Most agent actions one order shows. */
export const MAX_AGENT_ACTIONS = 50;
