/**
 * Builds the context of one GraphQL request: composes the linking rules (profile/) and the Shopify loaders
 * (shopify/) that context.ts may only name, so that no folder the resolvers import depends on them in turn.
 */
import DataLoader from 'dataloader';
import { MAX_AGENT_ACTIONS, type AppDeps, type RequestContext } from './context.js';
import type { OperationTrace } from './observability/tracing.js';
import { createLinkLoader } from './profile/linking-rules.js';
import { createCustomerLoader } from './shopify/loaders.js';
import { Limiter, limitedClient } from './shopify/request-scope.js';

/** Builds the context for one GraphQL request; `trace` is its operation's span when tracing is on. */
export async function createContext(
  deps: AppDeps,
  headers: { get(name: string): string | undefined | null },
  trace?: OperationTrace,
): Promise<RequestContext> {
  const caller = await deps.authenticate(headers.get('authorization') ?? undefined);
  // This request's cap on Shopify calls in flight: every call it makes, through the loaders or `deps.shopify`, waits
  // for a place under it, so one request cannot fill the budget's queue ahead of other agents (request-scope.ts).
  // It carries the trace too, explicitly, to the same places: each Shopify attempt's span is a child of the operation's.
  const limiter = new Limiter(deps.config.limits.maxConcurrentShopifyRequests, trace);
  return {
    trace,
    deps: { ...deps, shopify: limitedClient(deps.shopify, limiter) },
    caller,
    logger: deps.logger,
    loaders: {
      links: createLinkLoader(deps.store, deps.storeHandle, deps.config.autoLink, {
        maxEmails: deps.config.limits.maxEmailsPerProfile,
        onIgnored: deps.onEmailsIgnored,
      }),
      customers: createCustomerLoader(deps.customers, limiter),
      agentActions: new DataLoader(async (orderIds) => {
        const byOrder = await deps.store.audit.listByOrders(orderIds, MAX_AGENT_ACTIONS, deps.storeHandle);
        return orderIds.map((id) => byOrder.get(id) ?? []);
      }),
    },
  };
}
