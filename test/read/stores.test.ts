/**
 * The served store as the contract shows it: `shopifyStores`, the `store` of every customer and order, its currency
 * asked of Shopify once (a failure nulls that field only, with the error, and is asked again next time), and the
 * store of each recorded agent action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAgent, newKey, orderPicker, paidOrder, simStats, startStack, type SimOrder, type Stack } from '../actions/helpers.js';

let h: Stack;
let order: SimOrder;

beforeAll(async () => {
  h = await startStack({ env: { SHOPIFY_STORE_HANDLE: 'us', SHOPIFY_STORE_NAME: 'US store' } });
  order = await orderPicker(h)(paidOrder(1, true));
});
afterAll(async () => h?.close());

const STORES = `{ shopifyStores { handle name domain currencyCode } }`;
const CUSTOMER = `query($id: String!) { shopifyCustomerSearch(query: $id, first: 1) { id store { handle } } }`;

describe('the served store', () => {
  it('lists the one store with its handle, name, domain and the shop currency, asked of Shopify once', async () => {
    const before = await simStats(h);
    const first = await asAgent(h, STORES, {});
    const second = await asAgent(h, STORES, {});
    const domain = new URL(h.simulator.url).host;
    for (const res of [first, second]) {
      expect(res.body).toEqual({ data: { shopifyStores: [{ handle: 'us', name: 'US store', domain, currencyCode: 'USD' }] } });
    }
    expect((await simStats(h)).byOperation.ShopCurrency ?? 0).toBe((before.byOperation.ShopCurrency ?? 0) + 1);
  });

  it('needs shopify:read', async () => {
    const res = await asAgent(h, STORES, {}, ['shopify:link']);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:read' });
  });

  it('is the store of customers, orders and recorded actions', async () => {
    const customers = await h.sim<Array<{ id: string; email: string | null }>>('customers');
    const email = customers.find((c) => c.id === order.customerId)!.email!;
    const search = await asAgent(h, CUSTOMER, { id: email });
    expect(search.body.data.shopifyCustomerSearch).toEqual([{ id: order.customerId, store: { handle: 'us' } }]);
    const key = newKey();
    const res = await asAgent(
      h,
      `mutation($input: ShopifyCancelOrderInput!) { cancelOrder(input: $input) { order { id store { handle name } agentActions { action outcome store } } } }`,
      { input: { orderId: order.id, reason: 'CUSTOMER', refund: false, restock: false, idempotencyKey: key } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder.order).toEqual({
      id: order.id,
      store: { handle: 'us', name: 'US store' },
      agentActions: [{ action: 'cancelOrder', outcome: 'succeeded', store: 'us' }],
    });
  });
});

describe('when Shopify cannot tell the currency', () => {
  let failing: Stack;
  beforeAll(async () => {
    failing = await startStack({ env: { SHOPIFY_MAX_WAIT_MS: '300', SHOPIFY_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => failing?.close());

  it('nulls currencyCode only, with the error, and asks again once Shopify answers', async () => {
    await failing.sim('faults', { failNext: { count: 50, status: 503 } });
    const res = await asAgent(failing, STORES, {});
    expect(res.body.data.shopifyStores).toEqual([
      { handle: 'default', name: new URL(failing.simulator.url).host, domain: new URL(failing.simulator.url).host, currencyCode: null },
    ]);
    expect(res.body.errors.map((e: { path: unknown; extensions: { code: string } }) => [e.path, e.extensions.code])).toEqual([
      [['shopifyStores', 0, 'currencyCode'], 'SHOPIFY_UNAVAILABLE'],
    ]);
    await failing.sim('faults', {});
    const again = await asAgent(failing, STORES, {});
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.shopifyStores[0].currencyCode).toBe('USD');
  });
});
