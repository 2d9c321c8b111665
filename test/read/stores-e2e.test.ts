/**
 * Issue 13's end-to-end test: several Shopify stores behind one desk, through a real @apollo/gateway supergraph over
 * two simulators (`us` in USD, `eu` in EUR with refunds turned off; see stores-harness.ts). Every expected value comes
 * from the simulators themselves: their control API (customers, shop, orders, stats, discounts) or a plain Admin
 * query of our own, never from the subgraph's documents or mappers.
 *
 * Proves: a profile that is a customer in both stores shows both customers and one merged, newest-first order list;
 * one store failing leaves the other store's data and the rest of the profile intact, with errors naming the store;
 * actions act in the named store only; a store with refunds turned off refuses refundOrder before any Shopify call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedCustomer } from 'shopify-admin-simulator/testing';
import type { TestProfile } from '../../dev/supergraph-harness.js';
import { asAgent, newKey, type SimOrder } from '../actions/helpers.js';
import { startTwoStores, STORE_NAMES, type SimStats, type StoreName, type TwoStores } from './stores-harness.js';

const STORES: StoreName[] = ['us', 'eu'];

const CARD = /* GraphQL */ `
  query Card($ids: [ID!]!) {
    profiles(ids: $ids) {
      id
      name
      shopifyCustomer {
        id
        store {
          handle
        }
      }
      shopifyCustomers {
        id
        store {
          handle
          name
          domain
          currencyCode
        }
        totalSpent {
          amount
          currencyCode
        }
        totalOrders
      }
      orders(limit: 10) {
        id
        createdAt
        store {
          handle
          currencyCode
        }
        total {
          amount
          currencyCode
        }
      }
      products {
        id
        orderId
      }
      shopifyLink(store: "us") {
        customerId
        method
      }
    }
  }
`;

/** What we ask each simulator directly: the customer's totals and 10 newest orders with all their line items. */
const ORACLE = /* GraphQL */ `
  query Oracle($id: ID!) {
    customer(id: $id) {
      id
      numberOfOrders
      amountSpent {
        amount
        currencyCode
      }
      orders(first: 10, sortKey: CREATED_AT, reverse: true) {
        nodes {
          id
          createdAt
          totalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          lineItems(first: 50) {
            pageInfo {
              hasNextPage
            }
            nodes {
              id
            }
          }
        }
      }
    }
  }
`;

interface OracleOrder {
  store: StoreName;
  id: string;
  createdAt: string;
  total: { amount: string; currencyCode: string };
  lineItems: string[];
}

let t: TwoStores;
/** a person who is a customer of both stores, with orders in both and more than 10 in all */
let both: SharedCustomer;
/** another such person, whose orders the action tests change */
let acting: SharedCustomer;
/** a customer of the EU store only */
let euOnly: { id: string; email: string };

const PROFILES = { both: 'p-both', acting: 'p-acting', euOnly: 'p-eu-only' } as const;

function pickProfiles({ customers, shared }: Parameters<Parameters<typeof startTwoStores>[0]['profiles']>[0]): TestProfile[] {
  const inBoth = shared.filter((s) => s.a.numberOfOrders >= 2 && s.b.numberOfOrders >= 2 && s.a.numberOfOrders + s.b.numberOfOrders > 10);
  if (inBoth.length < 2) throw new Error(`the store pair has ${inBoth.length} shared customers with orders in both; 2 are needed`);
  both = inBoth[0]!;
  acting = inBoth[1]!;
  const usEmails = new Set(customers.us.flatMap((c) => (c.email ? [c.email.toLowerCase()] : [])));
  const eu = customers.eu.find((c) => c.email && !usEmails.has(c.email.toLowerCase()) && c.numberOfOrders > 0)!;
  euOnly = { id: eu.id, email: eu.email! };
  return [
    // the email as a desk may hold it (other case, spaces): linking matches it in each store all the same
    { id: PROFILES.both, name: 'Customer of both stores', emails: [`  ${both.email.toUpperCase()} `] },
    { id: PROFILES.acting, name: 'Acted on', emails: [acting.email] },
    { id: PROFILES.euOnly, name: 'EU only', emails: [euOnly.email] },
  ];
}

beforeAll(async () => {
  t = await startTwoStores({ customers: 60, profiles: pickProfiles });
});
afterAll(async () => t?.close());

/** A GraphQL request through the gateway as an agent with every scope. */
const agent = (query: string, variables: Record<string, unknown> = {}) => asAgent(t.gateway, query, variables);

/** A customer's 10 newest orders as its store's simulator answers our own query. */
async function oracle(store: StoreName, customerId: string) {
  const data = await t.shopify(store, ORACLE, { id: customerId });
  const c = data.customer;
  const orders: OracleOrder[] = c.orders.nodes.map((o: any) => {
    expect(o.lineItems.pageInfo.hasNextPage).toBe(false);
    return {
      store,
      id: o.id,
      createdAt: o.createdAt,
      total: o.totalPriceSet.shopMoney,
      lineItems: o.lineItems.nodes.map((li: { id: string }) => li.id),
    };
  });
  return {
    id: c.id as string,
    totalOrders: Number(c.numberOfOrders),
    totalSpent: c.amountSpent as { amount: string; currencyCode: string },
    orders,
  };
}

/** Both stores' orders merged newest first (equal times: config order, us before eu), the first `limit`. */
function merge(lists: OracleOrder[][], limit = 10): OracleOrder[] {
  return lists
    .flat()
    .map((o, i) => ({ o, i }))
    .sort((a, b) => Date.parse(b.o.createdAt) - Date.parse(a.o.createdAt) || a.i - b.i)
    .map(({ o }) => o)
    .slice(0, limit);
}

/** The contract's ShopifyStore of a store: its configured handle and name, its domain and currency as its simulator tells them. */
function storeOf(store: StoreName) {
  const shop = t.shops[store];
  return { handle: store, name: STORE_NAMES[store], domain: shop.myshopifyDomain, currencyCode: shop.currencyCode };
}

/** An order of the card, as the simulator's answer says it must be. */
const cardOrder = (o: OracleOrder) => ({
  id: o.id,
  createdAt: o.createdAt,
  store: { handle: o.store, currencyCode: t.shops[o.store].currencyCode },
  total: o.total,
});

type GraphQLErrorJson = { message: string; path?: unknown[]; extensions?: Record<string, unknown> };

/** The errors of a response ordered by path (the gateway merges subgraph errors in no promised order). */
const byPath = (errors: GraphQLErrorJson[] | undefined) =>
  [...(errors ?? [])].sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));

describe('a profile that is a customer in both stores', () => {
  it('shows both customers in config order, each in its own currency, and the US one as shopifyCustomer', async () => {
    const [us, eu] = await Promise.all([oracle('us', both.a.id), oracle('eu', both.b.id)]);
    // the fixture means something: two currencies, two different customers, the control API agreeing with the query
    expect([us.totalSpent.currencyCode, eu.totalSpent.currencyCode]).toEqual(['USD', 'EUR']);
    expect([us.totalSpent.amount, eu.totalSpent.amount]).toEqual([both.a.amountSpent, both.b.amountSpent]);
    expect([t.shops.us.currencyCode, t.shops.eu.currencyCode]).toEqual(['USD', 'EUR']);

    const res = await agent(CARD, { ids: [PROFILES.both] });
    expect(res.body.errors).toBeUndefined();
    const card = res.body.data.profiles[0];
    expect(card.id).toBe(PROFILES.both);
    expect(card.name).toBe('Customer of both stores');
    expect(card.shopifyCustomers).toEqual([
      { id: both.a.id, store: storeOf('us'), totalSpent: us.totalSpent, totalOrders: us.totalOrders },
      { id: both.b.id, store: storeOf('eu'), totalSpent: eu.totalSpent, totalOrders: eu.totalOrders },
    ]);
    expect(card.shopifyCustomer).toEqual({ id: both.a.id, store: { handle: 'us' } });
    expect(card.shopifyLink).toEqual({ customerId: both.a.id, method: 'AUTO_EMAIL' });
  });

  it('merges both customers’ orders exactly newest first, each with its store and currency; products follow them', async () => {
    const [us, eu] = await Promise.all([oracle('us', both.a.id), oracle('eu', both.b.id)]);
    const merged = merge([us.orders, eu.orders]);
    // the fixture means something: 10 orders from both stores, interleaved, and some of each left out
    expect(merged).toHaveLength(10);
    expect(new Set(merged.map((o) => o.store))).toEqual(new Set(STORES));
    const switches = merged.filter((o, i) => i > 0 && o.store !== merged[i - 1]!.store).length;
    expect(switches).toBeGreaterThanOrEqual(2); // not one store's orders, then the other's
    expect(us.orders.length + eu.orders.length).toBeGreaterThan(10);

    const res = await agent(CARD, { ids: [PROFILES.both] });
    expect(res.body.errors).toBeUndefined();
    const card = res.body.data.profiles[0];
    expect(card.orders.map((o: { id: string }) => o.id)).toEqual(merged.map((o) => o.id));
    expect(card.orders).toEqual(merged.map(cardOrder));
    for (const o of card.orders) expect(o.total.currencyCode).toBe(o.store.handle === 'us' ? 'USD' : 'EUR');
    expect(card.products).toEqual(merged.flatMap((o) => o.lineItems.map((id) => ({ id, orderId: o.id }))));
  });

  it('orders(limit, stores) merges only the stores asked for, and limit cuts the merged list', async () => {
    const [us, eu] = await Promise.all([oracle('us', both.a.id), oracle('eu', both.b.id)]);
    const res = await agent(
      `query($ids: [ID!]!) { profiles(ids: $ids) {
         three: orders(limit: 3) { id store { handle } }
         eu: orders(limit: 10, stores: ["eu"]) { id store { handle } }
         euProducts: products(stores: ["eu"]) { id }
       } }`,
      { ids: [PROFILES.both] },
    );
    expect(res.body.errors).toBeUndefined();
    const card = res.body.data.profiles[0];
    expect(card.three).toEqual(merge([us.orders, eu.orders], 3).map((o) => ({ id: o.id, store: { handle: o.store } })));
    expect(card.eu).toEqual(eu.orders.map((o) => ({ id: o.id, store: { handle: 'eu' } })));
    expect(card.euProducts).toEqual(eu.orders.flatMap((o) => o.lineItems.map((id) => ({ id }))));
  });
});

const CANCEL = `mutation Cancel($input: ShopifyCancelOrderInput!) {
  cancelOrder(input: $input) {
    order { id status cancelledAt store { handle } agentActions { action outcome store } }
    userErrors { field code }
  }
}`;
const REFUND = `mutation Refund($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) { refund { id total { amount currencyCode } } order { id store { handle } } userErrors { field code } }
}`;
const DISCOUNT = `mutation Discount($input: ShopifyCreateDiscountInput!) {
  createDiscount(input: $input) { discount { id code value } userErrors { field code } }
}`;
const ORDER_ACTIONS = `query($ids: [ID!]!, $stores: [String!]) { profiles(ids: $ids) {
  orders(limit: 10, stores: $stores) { id status store { handle } agentActions { action outcome store errorCode } }
} }`;

/** The simulator's stored order. */
const simOrder = (store: StoreName, id: string) =>
  t.control<SimOrder & { cancelReason: string | null }>(store, `orders/${encodeURIComponent(id)}`);

/** Of the `acting` customer's 10 newest orders in `store` (so they show on the profile), the first that passes. */
async function actingOrder(store: StoreName, predicate: (o: SimOrder) => boolean, skip: string[] = []): Promise<SimOrder> {
  const customerId = store === 'us' ? acting.a.id : acting.b.id;
  for (const o of (await oracle(store, customerId)).orders) {
    if (skip.includes(o.id)) continue;
    const detail = await simOrder(store, o.id);
    if (predicate(detail)) return detail;
  }
  throw new Error(`no order of ${customerId} in ${store} fits`);
}
/** Any order of a store's simulator that passes (its control API's summaries first, then the order itself). */
async function anyOrder(store: StoreName, predicate: (o: SimOrder) => boolean): Promise<SimOrder> {
  for (const summary of await t.control<Array<{ id: string; cancelled: boolean; fulfillments: number }>>(store, 'orders')) {
    if (summary.cancelled || summary.fulfillments > 0) continue;
    const detail = await simOrder(store, summary.id);
    if (predicate(detail)) return detail;
  }
  throw new Error(`no order in ${store} fits`);
}
const cancellable = (o: SimOrder) => !o.cancelled && o.fulfillments === 0 && o.refunds.length === 0;
const refundable = (o: SimOrder) => o.financialStatus === 'PAID' && !o.cancelled && o.refunds.length === 0 && o.lineItems.length > 0;

/** Both simulators' counters, to compare before and after one mutation. */
const bothStats = async (): Promise<Record<StoreName, SimStats>> => {
  const [us, eu] = await Promise.all([t.stats('us'), t.stats('eu')]);
  return { us, eu };
};

describe('actions act in the named store only', () => {
  it('cancelOrder with store "eu" cancels in the EU store; the US store is not asked anything', async () => {
    const order = await actingOrder('eu', cancellable);
    const before = await bothStats();
    const res = await agent(CANCEL, {
      input: { orderId: order.id, reason: 'CUSTOMER', refund: false, restock: false, idempotencyKey: newKey(), store: 'eu' },
    });
    const after = await bothStats();
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder.userErrors).toEqual([]);
    const stored = await simOrder('eu', order.id);
    expect(stored.cancelled).toBe(true);
    expect(stored.cancelReason).toBe('CUSTOMER');
    expect(res.body.data.cancelOrder.order).toEqual({
      id: order.id,
      status: 'Cancelled',
      cancelledAt: stored.cancelledAt,
      store: { handle: 'eu' },
      agentActions: [{ action: 'cancelOrder', outcome: 'succeeded', store: 'eu' }],
    });
    // the EU store got exactly one cancel; the US store got no request at all
    expect((after.eu.byOperation.ActionOrderCancel ?? 0) - (before.eu.byOperation.ActionOrderCancel ?? 0)).toBe(1);
    expect(after.us).toEqual(before.us);

    // the profile, read again through the gateway, shows the order cancelled, in its store, with the action recorded
    const read = await agent(ORDER_ACTIONS, { ids: [PROFILES.acting], stores: ['eu'] });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.profiles[0].orders.find((o: { id: string }) => o.id === order.id)).toEqual({
      id: order.id,
      status: 'Cancelled',
      store: { handle: 'eu' },
      agentActions: [{ action: 'cancelOrder', outcome: 'succeeded', store: 'eu', errorCode: null }],
    });
  });

  it('createDiscount with store "eu" creates the code in the EU store only, in euros', async () => {
    const [usBefore, euBefore] = await Promise.all([t.control<unknown[]>('us', 'discounts'), t.control<unknown[]>('eu', 'discounts')]);
    const before = await bothStats();
    const key = newKey();
    const res = await agent(DISCOUNT, { input: { customerId: acting.b.id, amount: '7.5', idempotencyKey: key, store: 'eu' } });
    const after = await bothStats();
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createDiscount.userErrors).toEqual([]);
    const { discount } = res.body.data.createDiscount;
    expect(discount.value).toBe('7.50 EUR');
    const euDiscounts = await t.control<Array<{ id: string; code: string; customerIds: string[]; value: unknown }>>('eu', 'discounts');
    expect(euDiscounts.length).toBe(euBefore.length + 1);
    expect(euDiscounts.filter((d) => d.code === discount.code)).toEqual([
      expect.objectContaining({
        id: discount.id,
        customerIds: [acting.b.id],
        value: { amount: '7.50', currencyCode: 'EUR', appliesOnEachItem: false },
      }),
    ]);
    expect(await t.control<unknown[]>('us', 'discounts')).toEqual(usBefore);
    expect(after.us).toEqual(before.us);
    expect((after.eu.byOperation.ActionDiscountCreate ?? 0) - (before.eu.byOperation.ActionDiscountCreate ?? 0)).toBe(1);
    const audit = await t.gateway.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.map((a) => [a.store, a.action, a.outcome, a.customerId])).toEqual([['eu', 'createDiscount', 'succeeded', acting.b.id]]);
  });

  it('refundOrder with store "us" refunds in the US store (refunds on there); the EU store is not asked anything', async () => {
    const order = await actingOrder('us', refundable);
    const line = order.lineItems[0]!;
    const before = await bothStats();
    const res = await agent(REFUND, {
      input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: newKey(), store: 'us' },
    });
    const after = await bothStats();
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.refundOrder.userErrors).toEqual([]);
    const stored = await simOrder('us', order.id);
    expect(stored.refunds).toHaveLength(1);
    expect(res.body.data.refundOrder.refund).toEqual({
      id: stored.refunds[0]!.id,
      total: { amount: stored.totalRefunded, currencyCode: 'USD' },
    });
    expect(res.body.data.refundOrder.order).toEqual({ id: order.id, store: { handle: 'us' } });
    expect(after.eu).toEqual(before.eu);
    expect((after.us.byOperation.ActionRefundCreate ?? 0) - (before.us.byOperation.ActionRefundCreate ?? 0)).toBe(1);
  });

  it('an order id of the other store is BAD_USER_INPUT on input.orderId, and nothing is cancelled anywhere', async () => {
    const order = await anyOrder('eu', cancellable);
    const key = newKey();
    const before = await bothStats();
    const res = await agent(CANCEL, {
      input: { orderId: order.id, reason: 'CUSTOMER', refund: false, restock: false, idempotencyKey: key, store: 'us' },
    });
    const after = await bothStats();
    expect(res.body.data).toBeNull();
    expect(res.body.errors.map((e: any) => [e.message, e.extensions.code, e.extensions.field])).toEqual([
      ['input.orderId: this store has no order with this id', 'BAD_USER_INPUT', 'input.orderId'],
    ]);
    // the US store was asked about the order (and has none); nothing was sent to cancel it, and the EU store saw nothing
    expect(after.us.byOperation.ActionOrderCancel ?? 0).toBe(before.us.byOperation.ActionOrderCancel ?? 0);
    expect(after.eu).toEqual(before.eu);
    expect((await simOrder('eu', order.id)).cancelled).toBe(false);
    const audit = await t.gateway.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.map((a) => [a.store, a.action, a.outcome, a.errorCode])).toEqual([['us', 'cancelOrder', 'rejected', 'BAD_USER_INPUT']]);
  });

  it('leaving the store out while two stores are served is BAD_USER_INPUT naming input.store, before any Shopify request', async () => {
    const order = await anyOrder('eu', cancellable);
    const before = await bothStats();
    const cases: Array<[string, Record<string, unknown>]> = [
      [CANCEL, { orderId: order.id, reason: 'CUSTOMER', refund: false, restock: false, idempotencyKey: newKey() }],
      [REFUND, { orderId: order.id, idempotencyKey: newKey() }],
      [DISCOUNT, { customerId: acting.b.id, percentage: 5, idempotencyKey: newKey() }],
    ];
    for (const [doc, input] of cases) {
      const res = await agent(doc, { input });
      expect(res.body.data).toBeNull();
      expect(res.body.errors.map((e: any) => [e.message, e.extensions.code, e.extensions.field])).toEqual([
        ['input.store: several stores are served (us, eu): name one', 'BAD_USER_INPUT', 'input.store'],
      ]);
    }
    expect(await bothStats()).toEqual(before);
    expect((await simOrder('eu', order.id)).cancelled).toBe(false);
  });
});

describe('a store with refunds turned off', () => {
  it('refuses refundOrder with ACTION_DISABLED before any Shopify request, and audits it in that store', async () => {
    const order = await actingOrder('eu', refundable);
    const key = newKey();
    const before = await bothStats();
    const res = await agent(REFUND, {
      input: { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }], idempotencyKey: key, store: 'eu' },
    });
    const after = await bothStats();
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({
      message: 'The store "eu" has the refund action turned off',
      path: ['refundOrder'],
      extensions: { code: 'ACTION_DISABLED', store: 'eu', action: 'refund' },
    });
    // no request at all reached either store: not the refund, not even the order check or the suggested refund
    expect(after).toEqual(before);
    const stored = await simOrder('eu', order.id);
    expect([stored.refunds, stored.totalRefunded]).toEqual([[], '0.00']);

    const audit = await t.gateway.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.map((a) => [a.store, a.action, a.outcome, a.errorCode, a.orderId])).toEqual([
      ['eu', 'refundOrder', 'denied', 'ACTION_DISABLED', order.id],
    ]);
    // and the agent sees the refused attempt on the order, in its store
    const read = await agent(ORDER_ACTIONS, { ids: [PROFILES.acting], stores: ['eu'] });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.profiles[0].orders.find((o: { id: string }) => o.id === order.id).agentActions).toEqual([
      { action: 'refundOrder', outcome: 'denied', store: 'eu', errorCode: 'ACTION_DISABLED' },
    ]);
  });
});

describe('links and search are per store', () => {
  const LINK = `mutation($p: ID!, $c: ID!, $s: String) {
    linkShopifyCustomer(profileId: $p, customerId: $c, store: $s) { link { customerId method } customer { id store { handle } } }
  }`;
  const UNLINK = `mutation($p: ID!, $s: String) { unlinkShopifyCustomer(profileId: $p, store: $s) { link { customerId } } }`;
  const LINKS = `query($ids: [ID!]!) { profiles(ids: $ids) {
    shopifyCustomer { id }
    shopifyCustomers { id store { handle } }
    us: shopifyLink(store: "us") { customerId method }
    eu: shopifyLink(store: "eu") { customerId method }
  } }`;
  const SEARCH = `query($q: String!, $s: String) { shopifyCustomerSearch(query: $q, first: 5, store: $s) { id store { handle } } }`;

  it('a manual link in "us" adds that store’s customer beside the EU one, and unlinking there removes only it', async () => {
    const usCustomer = t.customers.us.find((c) => c.numberOfOrders > 0 && !t.shared.some((s) => s.a.id === c.id))!;
    const before = await bothStats();
    const linked = await agent(LINK, { p: PROFILES.euOnly, c: usCustomer.id, s: 'us' });
    expect(linked.body).toEqual({
      data: {
        linkShopifyCustomer: {
          link: { customerId: usCustomer.id, method: 'MANUAL' },
          customer: { id: usCustomer.id, store: { handle: 'us' } },
        },
      },
    });
    expect((await bothStats()).eu).toEqual(before.eu);

    const read = await agent(LINKS, { ids: [PROFILES.euOnly] });
    expect(read.body).toEqual({
      data: {
        profiles: [
          {
            shopifyCustomer: { id: usCustomer.id },
            shopifyCustomers: [
              { id: usCustomer.id, store: { handle: 'us' } },
              { id: euOnly.id, store: { handle: 'eu' } },
            ],
            us: { customerId: usCustomer.id, method: 'MANUAL' },
            eu: { customerId: euOnly.id, method: 'AUTO_EMAIL' },
          },
        ],
      },
    });

    expect((await agent(UNLINK, { p: PROFILES.euOnly, s: 'us' })).body).toEqual({ data: { unlinkShopifyCustomer: { link: null } } });
    const after = await agent(LINKS, { ids: [PROFILES.euOnly] });
    expect(after.body.data.profiles[0]).toEqual({
      shopifyCustomer: { id: euOnly.id },
      shopifyCustomers: [{ id: euOnly.id, store: { handle: 'eu' } }],
      us: null,
      eu: { customerId: euOnly.id, method: 'AUTO_EMAIL' },
    });
  });

  it('search looks in the named store; left out while two stores are served it is BAD_USER_INPUT naming store', async () => {
    expect((await agent(SEARCH, { q: euOnly.email, s: 'eu' })).body).toEqual({
      data: { shopifyCustomerSearch: [{ id: euOnly.id, store: { handle: 'eu' } }] },
    });
    expect((await agent(SEARCH, { q: euOnly.email, s: 'us' })).body).toEqual({ data: { shopifyCustomerSearch: [] } });
    const unnamed = await agent(SEARCH, { q: euOnly.email });
    expect(unnamed.body.data).toBeNull();
    expect(unnamed.body.errors.map((e: GraphQLErrorJson) => [e.message, e.extensions?.code])).toEqual([
      ['store: several stores are served (us, eu): name one', 'BAD_USER_INPUT'],
    ]);
  });
});

describe('one store failing', () => {
  afterAll(async () => {
    await t.control('eu', 'faults', {});
  });

  for (const [label, fault, message] of [
    ['answers HTTP 500', { failNext: { count: 1000, status: 500 } }, 'Shopify is unavailable: HTTP 500'],
    ['drops the connection', { resetNext: 1000 }, expect.stringMatching(/^Shopify is unavailable: network error\b/)],
  ] as const) {
    it(`when the EU store ${label}, the US store's data and the rest of the profile are intact; errors name "eu"`, async () => {
      const [us, eu] = await Promise.all([oracle('us', both.a.id), oracle('eu', both.b.id)]);
      await t.control('eu', 'faults', fault);
      const usBefore = await t.stats('us');
      const res = await agent(CARD, { ids: [PROFILES.both, PROFILES.euOnly] });
      const euFaulted = (await t.stats('eu')).faulted;
      await t.control('eu', 'faults', {});
      expect(euFaulted).toBeGreaterThan(0);
      expect((await t.stats('us')).requests).toBeGreaterThan(usBefore.requests); // the US store was asked, and answered

      const [card, euOnlyCard] = res.body.data.profiles;
      // the profile's own fields and everything of the US store are intact
      expect(card.id).toBe(PROFILES.both);
      expect(card.name).toBe('Customer of both stores');
      expect(card.shopifyCustomer).toEqual({ id: both.a.id, store: { handle: 'us' } });
      expect(card.shopifyLink).toEqual({ customerId: both.a.id, method: 'AUTO_EMAIL' });
      expect(card.shopifyCustomers).toEqual([
        { id: both.a.id, store: storeOf('us'), totalSpent: us.totalSpent, totalOrders: us.totalOrders },
        null,
      ]);
      expect(card.orders).toEqual(us.orders.map(cardOrder));
      expect(card.products).toEqual(us.orders.flatMap((o) => o.lineItems.map((id) => ({ id, orderId: o.id }))));
      // a profile linked in the failed store only: its Shopify fields are null, its own fields intact
      expect(euOnlyCard).toEqual({
        id: PROFILES.euOnly,
        name: 'EU only',
        shopifyCustomer: null,
        shopifyCustomers: [null],
        orders: null,
        products: null,
        shopifyLink: null,
      });
      expect(eu.orders.length).toBeGreaterThan(0);

      // what the gateway passes through: one error per field the EU store failed, at that field, naming the store
      // (the gateway adds serviceName; the subgraph's code, store and message come through unchanged)
      expect(byPath(res.body.errors)).toEqual(
        byPath(
          [
            ['profiles', 0, 'shopifyCustomers', 1],
            ['profiles', 0, 'orders'],
            ['profiles', 0, 'products'],
            ['profiles', 1, 'shopifyCustomer'],
            ['profiles', 1, 'shopifyCustomers', 0],
            ['profiles', 1, 'orders'],
            ['profiles', 1, 'products'],
          ].map((path) => ({ message, path, extensions: { code: 'SHOPIFY_UNAVAILABLE', store: 'eu', serviceName: 'shopify' } })),
        ),
      );

      // once the store answers again (its circuit's cooldown is 100 ms), both stores show again
      await sleep(150);
      const again = await agent(CARD, { ids: [PROFILES.both] });
      expect(again.body.errors).toBeUndefined();
      expect(again.body.data.profiles[0].shopifyCustomers.map((c: { id: string } | null) => c?.id)).toEqual([both.a.id, both.b.id]);
    });
  }
});
