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

describe('naming the store in a mutation', () => {
  const LINK = `mutation($p: ID!, $c: ID!, $s: String) { linkShopifyCustomer(profileId: $p, customerId: $c, store: $s) { link { customerId } } }`;
  const UNLINK = `mutation($p: ID!, $s: String) { unlinkShopifyCustomer(profileId: $p, store: $s) { link { customerId } } }`;

  it('links and unlinks in the named store, or the only one when left out', async () => {
    const named = await asAgent(h, LINK, { p: 'profile-store-1', c: order.customerId, s: 'us' });
    const implicit = await asAgent(h, LINK, { p: 'profile-store-2', c: order.customerId });
    for (const res of [named, implicit])
      expect(res.body).toEqual({ data: { linkShopifyCustomer: { link: { customerId: order.customerId } } } });
    const links = await h.app.deps.store.links.getMany('us', ['profile-store-1', 'profile-store-2']);
    expect([...links.values()].map((l) => [l.profileId, l.store])).toEqual([
      ['profile-store-1', 'us'],
      ['profile-store-2', 'us'],
    ]);
    const unlinked = await asAgent(h, UNLINK, { p: 'profile-store-1', s: 'us' });
    expect(unlinked.body).toEqual({ data: { unlinkShopifyCustomer: { link: null } } });
    expect([...(await h.app.deps.store.links.getMany('us', ['profile-store-1', 'profile-store-2'])).keys()]).toEqual(['profile-store-2']);
  });

  it('refuses an unknown or malformed store with BAD_USER_INPUT naming the field, before any Shopify request', async () => {
    const before = await simStats(h);
    const cases = [
      [LINK, { p: 'profile-store-3', c: order.customerId, s: 'eu' }, 'store', 'store: no served store has this handle (served: us)'],
      [
        UNLINK,
        { p: 'profile-store-3', s: 'US!' },
        'store',
        'store: must be a store handle: lower-case letters, digits and dashes, starting with a letter, at most 32',
      ],
      [
        `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) { userErrors { code } } }`,
        { input: { orderId: order.id, idempotencyKey: newKey(), store: 'eu' } },
        'input.store',
        'input.store: no served store has this handle (served: us)',
      ],
    ] as const;
    for (const [doc, variables, field, message] of cases) {
      const res = await asAgent(h, doc, variables);
      expect(res.body.errors.map((e: { message: string; extensions: Record<string, unknown> }) => [e.message, e.extensions])).toEqual([
        [message, { code: 'BAD_USER_INPUT', field }],
      ]);
    }
    expect((await simStats(h)).requests).toBe(before.requests);
    const refused = await h.app.deps.store.audit.list({ action: 'refundOrder' });
    expect(refused.map((a) => [a.outcome, a.errorCode, a.store])).toContainEqual(['rejected', 'BAD_USER_INPUT', 'us']);
  });
});

describe('a profile link in a named store', () => {
  const LINK_OF = `query($r: [_Any!]!, $s: String) { _entities(representations: $r) { ... on CustomerProfile { shopifyLink(store: $s) { customerId method } } } }`;
  const ref = (id: string) => [{ __typename: 'CustomerProfile', id, emails: [] }];

  it('reads the link of the named store, or of the only one when left out; an unknown store is BAD_USER_INPUT', async () => {
    await asAgent(h, `mutation($p: ID!, $c: ID!) { linkShopifyCustomer(profileId: $p, customerId: $c) { profileId } }`, {
      p: 'profile-store-9',
      c: order.customerId,
    });
    for (const s of ['us', undefined]) {
      const res = await asAgent(h, LINK_OF, { r: ref('profile-store-9'), s });
      expect(res.body).toEqual({ data: { _entities: [{ shopifyLink: { customerId: order.customerId, method: 'MANUAL' } }] } });
    }
    const unknown = await asAgent(h, LINK_OF, { r: ref('profile-store-9'), s: 'eu' });
    expect(unknown.body.data).toEqual({ _entities: [{ shopifyLink: null }] });
    expect(unknown.body.errors.map((e: { message: string; extensions: { code: string } }) => [e.message, e.extensions.code])).toEqual([
      ['store: no served store has this handle (served: us)', 'BAD_USER_INPUT'],
    ]);
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
