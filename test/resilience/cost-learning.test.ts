/**
 * Requested costs learned from what a store charges, against the simulator charging other than the published rules
 * (`POST /__simulator/cost {"factor": …}`): when Shopify charges less, a batch packs into fewer requests after a few
 * answers; when it charges more, the client waits for the real price instead of getting THROTTLED again, and a
 * request Shopify refuses as too dear teaches the estimate that refused price.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { control, gql, simulator } from 'shopify-admin-simulator/testing';
import { silentLogger } from '../../src/logger.js';
import { createShopifyClient, type ShopifyClient } from '../../src/shopify/client.js';
import { searchCustomers } from '../../src/shopify/customer-lookup.js';
import { ShopifyCustomerSource } from '../../src/shopify/customers.js';
import { costOf } from '../../src/shopify/document-cost.js';
import { CUSTOMER_SEARCH, ORDER_LINE_ITEMS } from '../../src/shopify/operations.js';
import { packByCost } from '../../src/shopify/pack.js';
import { parseStoreDomain } from '../../src/shopify/transport.js';
import { request, type TypedDocument } from '../../src/shopify/typed-request.js';

const clientOf = (sim: Simulator): ShopifyClient =>
  createShopifyClient({
    endpoint: parseStoreDomain(sim.storeDomain),
    accessToken: sim.token,
    apiVersion: sim.apiVersion,
    timeoutMs: 5_000,
    maxWaitMs: 10_000,
    logger: silentLogger(),
  });

describe('the simulator charging other than the published rules', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await simulator();
  });
  afterAll(() => sim?.close());

  const ids = 'query Ids { customers(first: 10) { nodes { id } } }'; // 2 + 10 × 1 = 12 by the rules
  const dear = 'query Dear { customers(first: 250) { nodes { id defaultEmailAddress { emailAddress } } } }'; // 502
  const cost = async (query: string) => (await gql(sim, query)).body.extensions.cost;

  it('scales requested and actual cost by the factor, refuses over 1000 as charged, and a reset restores the rules', async () => {
    expect(await cost(ids)).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 12 });
    const rules = await cost(dear); // some customers have no email: actual below requested
    expect(rules.requestedQueryCost).toBe(502);
    expect(rules.actualQueryCost).toBeLessThan(502);
    expect(await control(sim, 'cost', { factor: 0.25 })).toEqual({ factor: 0.25 });
    expect(await control(sim, 'cost')).toEqual({ factor: 0.25 });
    expect(await cost(ids)).toMatchObject({ requestedQueryCost: 3, actualQueryCost: 3 });
    expect(await cost(dear)).toMatchObject({ requestedQueryCost: 126, actualQueryCost: Math.round(rules.actualQueryCost * 0.25) });

    await control(sim, 'cost', { factor: 2.5 });
    expect(await cost(ids)).toMatchObject({ requestedQueryCost: 30, actualQueryCost: 30 });
    const refused = await gql(sim, dear);
    expect(refused.body.errors[0].extensions).toEqual({ code: 'MAX_COST_EXCEEDED', cost: 1255, maxCost: 1000 });
    expect(refused.body.extensions.cost).toMatchObject({ requestedQueryCost: 1255, actualQueryCost: null });
    const stats = await control(sim, 'stats');
    expect(stats.maxCostExceeded).toBe(1);

    await control(sim, 'reset', {});
    expect(await control(sim, 'cost')).toEqual({ factor: 1 });
    expect(await cost(ids)).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 12 });
  });

  it('refuses a factor that is not a positive number', async () => {
    for (const body of [{ factor: 0 }, { factor: -1 }, { factor: 'half' }, {}, { factor: 1, extra: true }]) {
      await expect(control(sim, 'cost', body)).rejects.toThrow(/HTTP 400/);
    }
  });

  it('takes the factor as a start option, which a reset keeps', async () => {
    const cheap = await startSimulator({ port: 0, costFactor: 0.25, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
    try {
      expect((await gql(cheap, ids)).body.extensions.cost.requestedQueryCost).toBe(3);
      await control(cheap, 'reset', {});
      expect(await control(cheap, 'cost')).toEqual({ factor: 0.25 });
    } finally {
      await cheap.close();
    }
    await expect(startSimulator({ port: 0, costFactor: 0 })).rejects.toThrow(/costFactor must be a number above 0/);
  });
});

describe('packing with what the store charges', () => {
  let sim: Simulator;
  let orderIds: string[];
  beforeAll(async () => {
    sim = await simulator();
    orderIds = (await control<Array<{ id: string }>>(sim, 'orders')).slice(0, 60).map((o) => o.id);
  });
  afterAll(() => sim?.close());

  // The line-item follow-up's variables; typed loosely so this test does not depend on every variable's type.
  const doc = ORDER_LINE_ITEMS as TypedDocument<unknown, Record<string, unknown>>;
  const vars = (ids: readonly string[]) => ({ ids: [...ids], first: 20, withProductIds: false });
  /** The most orders one request holds when a request of n orders is charged `price(n)`. */
  const fit = (price: (n: number) => number) => {
    let n = 1;
    while (n < 250 && price(n + 1) <= 1000) n++;
    return n;
  };
  const linearFit = () => fit((n) => costOf(doc, vars(orderIds.slice(0, n))));

  /** Packs the 60 orders by the client's estimate, sends every request; the number of requests the simulator saw. */
  async function round(client: ShopifyClient): Promise<number> {
    const before = (await control(sim, 'stats')).byOperation.OrderLineItems ?? 0;
    const { groups, oversized } = packByCost(orderIds, (g) => client.estimate(doc, vars(g)));
    expect(oversized).toEqual([]);
    await Promise.all(groups.map(({ items }) => request(client, doc, vars(items))));
    const stats = await control(sim, 'stats');
    expect({ maxCostExceeded: stats.maxCostExceeded, throttled: stats.throttled }).toEqual({ maxCostExceeded: 0, throttled: 0 });
    return stats.byOperation.OrderLineItems - before;
  }

  it('charged by the rules: the same requests every time (learning agrees with the linear model exactly)', async () => {
    await control(sim, 'reset', {});
    const client = clientOf(sim);
    const expected = Math.ceil(orderIds.length / linearFit());
    expect(expected).toBe(5);
    expect([await round(client), await round(client), await round(client)]).toEqual([expected, expected, expected]);
  });

  it('charged a quarter: after the first batch teaches it, the next batches take as few requests as the charge allows', async () => {
    await control(sim, 'reset', {});
    await control(sim, 'cost', { factor: 0.25 });
    const client = clientOf(sim);
    const quarterFit = fit((n) => Math.round(costOf(doc, vars(orderIds.slice(0, n))) * 0.25));
    const first = await round(client);
    expect(first).toBe(Math.ceil(orderIds.length / linearFit()));
    expect([await round(client), await round(client)]).toEqual([
      Math.ceil(orderIds.length / quarterFit),
      Math.ceil(orderIds.length / quarterFit),
    ]);
    expect(Math.ceil(orderIds.length / quarterFit)).toBe(2);
  });
});

describe('profile cards packed with what the store charges', () => {
  let sim: Simulator;
  let customerIds: string[];
  beforeAll(async () => {
    sim = await simulator();
    customerIds = (await control<Array<{ id: string }>>(sim, 'customers')).slice(0, 100).map((c) => c.id);
  });
  afterAll(() => sim?.close());

  const plan = { ordersFirst: 10, lineItems: true, productIds: true, tracking: true, location: true };
  /** Loads the full card of 50 linked customers; the ProfileCustomers requests it took. */
  async function cards(source: ShopifyCustomerSource, ids: readonly string[]): Promise<number> {
    const before = (await control(sim, 'stats')).byOperation.ProfileCustomers ?? 0;
    const hits = await source.load(
      ids.map((customerId) => ({ kind: 'id' as const, customerId })),
      plan,
    );
    expect(hits.filter((h) => h instanceof Error)).toEqual([]);
    expect(hits.every((h) => h !== null)).toBe(true);
    const stats = await control(sim, 'stats');
    expect({ maxCostExceeded: stats.maxCostExceeded, throttled: stats.throttled }).toEqual({ maxCostExceeded: 0, throttled: 0 });
    return stats.byOperation.ProfileCustomers - before;
  }

  it('charged a quarter: the second batch of 50 cards takes a fifth of the first batch requests', async () => {
    await control(sim, 'reset', {});
    await control(sim, 'cost', { factor: 0.25 });
    const source = new ShopifyCustomerSource(clientOf(sim));
    const first = await cards(source, customerIds.slice(0, 50));
    const second = await cards(source, customerIds.slice(50, 100));
    // A full card requests ~370 points by the rules (two per request); charged a quarter, ~92: ten share a request.
    expect(first).toBe(25);
    expect(second).toBe(5);
  });
  it('charged 2.5×: the first batch is refused as too dear, packed again by what the refusal taught, and served whole', async () => {
    await control(sim, 'reset', {});
    const rules = new ShopifyCustomerSource(clientOf(sim));
    const expected = await rules.load(
      customerIds.slice(0, 20).map((customerId) => ({ kind: 'id' as const, customerId })),
      plan,
    );
    await control(sim, 'reset', {});
    await control(sim, 'cost', { factor: 2.5 });
    const dear = new ShopifyCustomerSource(clientOf(sim));
    const hits = await dear.load(
      customerIds.slice(0, 20).map((customerId) => ({ kind: 'id' as const, customerId })),
      plan,
    );
    expect(hits.filter((h) => h instanceof Error)).toEqual([]);
    expect(hits).toEqual(expected);
    const stats = await control(sim, 'stats');
    // Two cards per request by the rules (~740 points), 1850 as charged: every first request refused, each card
    // then alone (~925 charged).
    expect(stats.maxCostExceeded).toBe(10);
    expect(stats.byOperation.ProfileCustomers).toBe(30);
  });
});

describe('waiting for what the store charges', () => {
  // A small Standard-like bucket: 700 points, 500 restored per second; the store charges 2.5 × the rules.
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, maximumAvailable: 700, restoreRate: 500, costFactor: 2.5 });
  });
  afterAll(() => sim?.close());

  /** Leaves ~70 points in the bucket: customers(first: 250) { nodes { id } } is 252 by the rules, charged 630. */
  async function drain() {
    await control(sim, 'reset', {});
    const res = await gql(sim, 'query Drain { customers(first: 250) { nodes { id } } }');
    expect(res.body.extensions.cost.actualQueryCost).toBe(630);
  }
  const throttled = async () => (await control(sim, 'stats')).throttled as number;

  it('is THROTTLED at most once per shape: the first answer teaches the price, later requests wait for it', async () => {
    await drain();
    const client = clientOf(sim);
    const search = (first: number) => ({ query: '', first });
    expect(costOf(CUSTOMER_SEARCH, search(60))).toBe(242);
    for (let i = 0; i < 3; i++) expect(await searchCustomers(client, '', 60)).toHaveLength(60);
    // Only the very first request, sent at the linear 242 into a drained bucket, was refused; it taught 605.
    expect(await throttled()).toBe(1);
    expect(client.estimate(CUSTOMER_SEARCH, search(60))).toBe(605);
    // A shape never sent is priced at the learned rate: (605 + 1) / 242 × 162 = 405.7 → 406 (charged 405).
    expect(client.estimate(CUSTOMER_SEARCH, search(40))).toBe(406);
    for (let i = 0; i < 2; i++) expect(await searchCustomers(client, '', 40)).toHaveLength(40);
    expect(await throttled()).toBe(1);
  });

  it('without learning (the linear estimate every time), every request into the short bucket is THROTTLED first', async () => {
    await drain();
    const client = clientOf(sim);
    const variables = { query: '', first: 60 };
    for (let i = 0; i < 3; i++) {
      await client.request(CUSTOMER_SEARCH, variables, {
        operationName: 'CustomerSearch',
        estimatedCost: costOf(CUSTOMER_SEARCH, variables),
      });
    }
    expect(await throttled()).toBe(3);
  });

  it('a request the store refuses as over 1000 teaches the refused price, so a packer splits that shape', async () => {
    await control(sim, 'reset', {});
    await control(sim, 'throttle', { maximumAvailable: 2000 });
    const client = clientOf(sim);
    const search = { query: '', first: 124 }; // 2 + 124 × 4 = 498 by the rules, charged 1245
    expect(client.estimate(CUSTOMER_SEARCH, search)).toBe(498);
    await expect(searchCustomers(client, '', 124)).rejects.toMatchObject({
      extensions: { code: 'SHOPIFY_UNAVAILABLE', shopifyCode: 'MAX_COST_EXCEEDED' },
    });
    expect(client.estimate(CUSTOMER_SEARCH, search)).toBe(1245);
    expect(packByCost([1], () => client.estimate(CUSTOMER_SEARCH, search)).oversized).toEqual([1]);
  });
});
