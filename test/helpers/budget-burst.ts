/**
 * A burst of cold profile cards sent at once through the real Shopify client to the simulator, one client per cost
 * budget (one budget per "replica"): what came back, and what the simulator saw. The budget tests (issue 14) and the
 * burst figures are taken from here.
 */
import { parse } from 'graphql';
import { loadAdminSchema } from 'shopify-admin-schema';
import { requestedCost, type Simulator } from 'shopify-admin-simulator';
import { ShopifyThrottledError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import type { CostBudget } from '../../src/shopify/budget.js';
import { createShopifyClient } from '../../src/shopify/client.js';
import { parseStoreDomain } from '../../src/shopify/transport.js';

/**
 * A profile card's first request, shaped like the subgraph's own (customer, its 10 latest orders and their line
 * items): ~356 requested points, far fewer actual. Its own document, so these tests do not move when the gateways'
 * documents do.
 */
export const CARD = /* GraphQL */ `
  query BudgetCard($id: ID!) {
    customer(id: $id) {
      id
      displayName
      defaultEmailAddress {
        emailAddress
      }
      amountSpent {
        amount
        currencyCode
      }
      orders(first: 10, sortKey: CREATED_AT, reverse: true) {
        nodes {
          id
          name
          totalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          lineItems(first: 10) {
            nodes {
              id
              name
              quantity
              product {
                id
              }
              variant {
                id
              }
            }
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`;

/** Shopify's requested cost of CARD by the simulator's rules: the estimate equals what Shopify will ask. */
export const CARD_COST = requestedCost(loadAdminSchema(), parse(CARD), { variables: { id: 'gid://shopify/Customer/1' } }).total;

export interface BurstResult {
  served: number;
  /** refused by our own budget (SHOPIFY_THROTTLED) */
  localThrottled: number;
  /** any other failure, by error name */
  failed: string[];
  /** THROTTLED answers the simulator gave */
  simThrottled: number;
  simRequests: number;
  /** actual points the simulator charged */
  simActual: number;
  /** from the first send to the last answer */
  ms: number;
}

interface SimStats {
  requests: number;
  throttled: number;
  actualCost: number;
}

/** Customers with `min`..`max` orders, in the simulator's order: the cards of a burst. */
export async function customersWithOrders(sim: Simulator, min: number, max: number): Promise<string[]> {
  const all = (await (await fetch(`${sim.url}/__simulator/customers`)).json()) as Array<{ id: string; numberOfOrders: number }>;
  return all.filter((c) => c.numberOfOrders >= min && c.numberOfOrders <= max).map((c) => c.id);
}

/** POSTs to the simulator's control API. */
export async function control(sim: Simulator, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sim.url}/__simulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** The simulator's request statistics so far. */
async function simStats(sim: Simulator): Promise<SimStats> {
  return (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as SimStats;
}

/** Sends one card per customer id at once, spread over the budgets in turn (one client each); the simulator's figures are this burst's. */
export async function burst(sim: Simulator, budgets: CostBudget[], ids: readonly string[], maxWaitMs = 5_000): Promise<BurstResult> {
  const clients = budgets.map((budget) =>
    createShopifyClient({
      endpoint: parseStoreDomain(sim.storeDomain),
      accessToken: sim.token,
      apiVersion: '2026-07',
      timeoutMs: 5_000,
      maxWaitMs,
      logger: silentLogger(),
      budget,
    }),
  );
  const before = await simStats(sim);
  const started = performance.now();
  const outcomes = await Promise.all(
    ids.map((id, i) =>
      clients[i % clients.length]!.request(CARD, { id }, { operationName: 'BudgetCard', estimatedCost: CARD_COST }).then(
        () => null,
        (error: unknown) => error as Error,
      ),
    ),
  );
  const ms = Math.round(performance.now() - started);
  const after = await simStats(sim);
  const errors = outcomes.filter((e): e is Error => e !== null);
  return {
    served: outcomes.length - errors.length,
    localThrottled: errors.filter((e) => e instanceof ShopifyThrottledError).length,
    failed: errors.filter((e) => !(e instanceof ShopifyThrottledError)).map((e) => e.name),
    simThrottled: after.throttled - before.throttled,
    simRequests: after.requests - before.requests,
    simActual: after.actualCost - before.actualCost,
    ms,
  };
}
