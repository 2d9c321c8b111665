/**
 * Each store has its own circuit breaker: a store that keeps failing opens its own circuit only. Its fields are null
 * with errors naming it, the other store keeps answering from Shopify, /readyz stays ready (reporting each store's
 * circuit) until every store's circuit is open, and /metrics shows each store's breaker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedCustomer } from 'shopify-admin-simulator/testing';
import { baseUrl, simRequests, startTwoStores, type TwoStores } from '../helpers/two-stores.js';

let t: TwoStores;
let shared: SharedCustomer;

beforeAll(async () => {
  t = await startTwoStores({
    env: {
      SHOPIFY_BREAKER_THRESHOLD: '3',
      SHOPIFY_BREAKER_COOLDOWN_MS: '60000',
      SHOPIFY_MAX_WAIT_MS: '1000',
      SHOPIFY_TIMEOUT_MS: '500',
      SHOPIFY_CACHE_TTL_S: '0',
    },
  });
  shared = t.shared.find((s) => s.a.numberOfOrders > 0 && s.b.numberOfOrders > 0)!;
});
afterAll(async () => t?.close());

const readyz = async () => {
  const res = await fetch(`${baseUrl(t.h)}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; stores: Record<string, { circuit: string }> } };
};
const fault = (sim: { url: string }, body: unknown) =>
  fetch(`${sim.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const card = () => t.profile('shopifyCustomers { id store { handle } } orders(limit: 10) { id store { handle } }', [shared.email]);
const circuit = (handle: string) => t.h.app.stores.find((s) => s.handle === handle)!.breaker.state;

describe('a circuit breaker per store', () => {
  it('one failing store opens its own circuit only; readiness holds until every store is open', async () => {
    const { us, eu } = t.pair;
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', stores: { us: { circuit: 'closed' }, eu: { circuit: 'closed' } } },
    });
    const healthy = await card();
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data._entities[0].shopifyCustomers).toEqual([
      { id: shared.a.id, store: { handle: 'us' } },
      { id: shared.b.id, store: { handle: 'eu' } },
    ]);

    await fault(eu, { failNext: { count: 1000, status: 503 } });
    for (let i = 0; i < 3; i++) await card();
    expect([circuit('eu'), circuit('us')]).toEqual(['open', 'closed']);

    // Open: the eu store is not called at all; the us store still is, and its data is intact.
    const [euBefore, usBefore] = [await simRequests(eu), await simRequests(us)];
    const partial = await card();
    expect(await simRequests(eu)).toBe(euBefore);
    expect(await simRequests(us)).toBeGreaterThan(usBefore);
    const entity = partial.data._entities[0];
    expect(entity.shopifyCustomers).toEqual([{ id: shared.a.id, store: { handle: 'us' } }, null]);
    expect(entity.orders.length).toBe(Math.min(10, shared.a.numberOfOrders));
    expect(entity.orders.every((o: { store: { handle: string } }) => o.store.handle === 'us')).toBe(true);
    expect(partial.errors!.map((e) => [e.path.join('.'), e.extensions.code, e.extensions.store])).toEqual([
      ['_entities.0.shopifyCustomers.1', 'SHOPIFY_UNAVAILABLE', 'eu'],
      ['_entities.0.orders', 'SHOPIFY_UNAVAILABLE', 'eu'],
    ]);

    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', stores: { us: { circuit: 'closed' }, eu: { circuit: 'open' } } },
    });
    const metrics = await fetch(`${baseUrl(t.h)}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^shopify_breaker_state\{store="eu"\} 2$/m);
    expect(metrics).toMatch(/^shopify_breaker_state\{store="us"\} 0$/m);
    expect(metrics).toMatch(/^shopify_requests_total\{store="eu",operation="ProfileCustomers",outcome="breaker_open"\} [1-9]/m);

    await fault(us, { failNext: { count: 1000, status: 503 } });
    for (let i = 0; i < 3; i++) await card();
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.stores).toEqual({ us: { circuit: 'open' }, eu: { circuit: 'open' } });
    await Promise.all([fault(us, {}), fault(eu, {})]);
  });
});
