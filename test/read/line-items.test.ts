/**
 * Orders with more line items than the first page: the rest come in follow-up requests, packed under the limit,
 * and the products are exactly what Shopify holds, in order. (Seeded orders have 1–5 lines, so a first page of 2
 * makes the follow-up path run.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createShopifyClient } from '../../src/shopify/client.js';
import type { CustomerHit, CustomerTarget } from '../../src/domain/lookup.js';
import { ShopifyCustomerSource } from '../../src/shopify/customers.js';
import { parseStoreDomain } from '../../src/shopify/transport.js';
import { startSimulator } from 'shopify-admin-simulator';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let targets: CustomerTarget[];
const plan = { ordersFirst: 10, lineItems: true, productIds: true, tracking: false, location: false };

const source = (lineItemsFirst?: number) =>
  new ShopifyCustomerSource(
    createShopifyClient({
      endpoint: parseStoreDomain(sim.storeDomain),
      accessToken: sim.token,
      apiVersion: '2026-07',
      timeoutMs: 5_000,
      maxWaitMs: 5_000,
      logger: silentLogger(),
    }),
    { lineItemsFirst },
  );

beforeAll(async () => {
  sim = await startSimulator({ port: 0, maximumAvailable: 100_000, restoreRate: 10_000 });
  const customers = (await (await fetch(`${sim.url}/__simulator/customers`)).json()) as Array<{ id: string; numberOfOrders: number }>;
  targets = customers
    .filter((c) => c.numberOfOrders >= 8)
    .slice(0, 6)
    .map((c) => ({ kind: 'id', customerId: c.id }));
});
afterAll(async () => sim?.close());

describe('line items beyond the first page', () => {
  it('are fetched in packed follow-ups, giving exactly the full product lists', async () => {
    const full = (await source(10).load(targets, plan)) as CustomerHit[];
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const paged = (await source(2).load(targets, plan)) as CustomerHit[];
    const stats = (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { byOperation: Record<string, number> };

    const products = (hits: CustomerHit[]) => hits.map((h) => h.bundle.orders!.map((o) => o.products!.map((p) => p.id)));
    expect(products(paged)).toEqual(products(full));
    const lines = products(full).flat(2).length;
    const ordersWithMore = full.flatMap((h) => h.bundle.orders!).filter((o) => o.products!.length > 2).length;
    expect(lines).toBeGreaterThan(60);
    expect(ordersWithMore).toBeGreaterThan(5);
    // 20 lines per order in a follow-up: nine orders fit one 1000-point request.
    expect(stats.byOperation.OrderLineItems).toBe(Math.ceil(ordersWithMore / 9));
  });
});
