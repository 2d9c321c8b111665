/**
 * Bad store input on reads, with two stores served: `orders(stores:)` and `products(stores:)` refuse an empty list, a
 * malformed or an unknown handle, and `shopifyLink` without a store, with BAD_USER_INPUT naming the argument — only
 * that field is null, the profile's other fields answer, and no store is asked for the refused field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedCustomer } from 'shopify-admin-simulator/testing';
import { simRequests, startTwoStores, type TwoStores } from '../helpers/two-stores.js';

let t: TwoStores;
let shared: SharedCustomer;

beforeAll(async () => {
  t = await startTwoStores({ customers: 30, env: { SHOPIFY_CACHE_TTL_S: '0' } });
  shared = t.shared.find((s) => s.a.numberOfOrders > 0 && s.b.numberOfOrders > 0) ?? t.shared[0]!;
});
afterAll(async () => t?.close());

async function refused(field: string, argument: string) {
  const before = [await simRequests(t.pair.us), await simRequests(t.pair.eu)];
  const body = await t.profile(`id refused: ${field} shopifyCustomers { id }`, [shared.email], 'p-input');
  expect(body.data._entities[0]).toEqual({ id: 'p-input', refused: null, shopifyCustomers: [{ id: shared.a.id }, { id: shared.b.id }] });
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]).toMatchObject({ path: ['_entities', 0, 'refused'], extensions: { code: 'BAD_USER_INPUT', field: argument } });
  // Only shopifyCustomers asked the stores: one request each.
  expect([await simRequests(t.pair.us), await simRequests(t.pair.eu)]).toEqual([before[0]! + 1, before[1]! + 1]);
  return body.errors![0].message as string;
}

describe('bad store input on reads, two stores served', () => {
  it('orders(stores:) and products(stores:): empty, malformed or unknown handles are BAD_USER_INPUT naming stores', async () => {
    expect(await refused('orders(limit: 3, stores: []) { id }', 'stores')).toBe(
      'stores: must name at least one store (leave it out for every store)',
    );
    expect(await refused('orders(limit: 3, stores: ["EU"]) { id }', 'stores')).toMatch(/^stores: must be a store handle/);
    expect(await refused('products(stores: ["us", "nope"]) { id }', 'stores')).toBe(
      'stores: no served store has this handle (served: us, eu)',
    );
  });

  it('shopifyLink without a store is BAD_USER_INPUT naming store; with one it answers for that store only', async () => {
    expect(await refused('shopifyLink { customerId }', 'store')).toBe('store: several stores are served (us, eu): name one');
    const body = await t.profile('eu: shopifyLink(store: "eu") { customerId method }', [shared.email], 'p-input');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].eu).toEqual({ customerId: shared.b.id, method: 'AUTO_EMAIL' });
  });

  it('stores named twice or out of order read each store once, in configured order', async () => {
    const before = [await simRequests(t.pair.us), await simRequests(t.pair.eu)];
    const body = await t.profile('orders(limit: 10, stores: ["eu", "us", "eu"]) { store { handle } createdAt }', [shared.email], 'p-input');
    expect([await simRequests(t.pair.us), await simRequests(t.pair.eu)]).toEqual([before[0]! + 1, before[1]! + 1]);
    expect(body.errors).toBeUndefined();
    const orders = body.data._entities[0].orders as Array<{ store: { handle: string }; createdAt: string }>;
    expect(new Set(orders.map((o) => o.store.handle))).toEqual(
      new Set(['us', 'eu'].filter((h) => (h === 'us' ? shared.a : shared.b).numberOfOrders > 0)),
    );
    expect(orders.map((o) => o.createdAt)).toEqual([...orders.map((o) => o.createdAt)].sort().reverse());
  });
});
